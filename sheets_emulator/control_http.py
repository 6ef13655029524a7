"""Non-API paths: the /_emulator control endpoints, static files and the human page."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from . import page, values_api
from .app import _json_body, json_response
from .errors import ApiError, bad_request, not_found

if TYPE_CHECKING:
    from .server import EmulatorServer

STATIC_DIR = Path(__file__).with_name("static")


class ControlApp:
    def __init__(self, srv: EmulatorServer) -> None:
        self.srv = srv

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self.route(request)
        except ApiError as err:
            response = json_response(err.envelope(), err.code)
        return response(environ, start_response)

    def route(self, req: Request) -> Response:
        path, method = req.path, req.method
        if path == "/" and method == "GET":
            return page.index(self.srv)
        if path.startswith("/sheets/") and method == "GET":
            return page.sheet(self.srv, unquote(path[len("/sheets/") :]), req.args.get("tab"))
        if path.startswith("/_emulator/static/") and method == "GET":
            return self.static(path.rsplit("/", 1)[-1])
        if not path.startswith("/_emulator/"):
            raise not_found()
        return self.control(req, path[len("/_emulator/") :].strip("/"), method)

    def static(self, name: str) -> Response:
        target = STATIC_DIR / name
        if "/" in name or name.startswith(".") or not target.is_file():
            raise not_found()
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return Response(target.read_bytes(), content_type=f"{mime}; charset=utf-8")

    def control(self, req: Request, path: str, method: str) -> Response:
        srv = self.srv
        body = _json_body(req) if method in ("POST", "PUT") else {}
        if path == "health":
            return json_response({"ok": True})
        if path == "counters" and method == "GET":
            return json_response({"counts": srv.counts()})
        if path == "counters/reset" and method == "POST":
            srv.reset_counts()
            return json_response({})
        if path == "reset" and method == "POST":
            srv.reset()
            return json_response({})
        if path == "faults" and method == "POST":
            try:
                srv.add_fault(
                    body.get("kind", ""),
                    int(body.get("times", 1)),
                    float(body.get("seconds", 5.0)),
                    body.get("match"),
                )
            except ValueError as exc:
                raise bad_request(str(exc)) from None
            return json_response({})
        if path == "latency" and method == "POST":
            srv.set_latency(float(body.get("ms", 0)))
            return json_response({})
        if path == "quota" and method == "POST":
            per_minute = body.get("perMinute")
            srv.set_quota(None if per_minute is None else int(per_minute))
            return json_response({})
        if path == "today" and method == "POST":
            day = body.get("date")
            try:
                srv.set_today(dt.date.fromisoformat(day) if day else None)
            except (TypeError, ValueError):
                raise bad_request(f"today: expected a date as YYYY-MM-DD or null, got {day!r}") from None
            return json_response({})
        if path == "clock" and method == "POST":
            srv.advance_clock(float(body.get("advance", 0)))
            return json_response({})
        if path == "journal" and method == "POST":
            srv.set_journal(bool(body.get("on")))
            return json_response({})
        if path == "hooks" and method == "POST":
            self._scripted_hook(body)
            return json_response({})
        if path == "spreadsheets" and method == "POST":
            sid = srv.create_spreadsheet(
                body.get("title") or "Untitled spreadsheet", body.get("id")
            )
            return json_response({"spreadsheetId": sid})
        if path == "spreadsheets" and method == "GET":
            return json_response({"spreadsheetIds": srv.spreadsheet_ids()})
        parts = path.split("/")
        if (
            len(parts) == 4
            and parts[0] == "spreadsheets"
            and parts[2] == "values"
            and method == "GET"
        ):
            return json_response({"values": srv.values(unquote(parts[1]), unquote(parts[3]))})
        if (
            len(parts) == 3
            and parts[0] == "spreadsheets"
            and parts[2] == "cells"
            and method == "POST"
        ):
            srv.set_cell(
                unquote(parts[1]),
                body["title"],
                body["cell"],
                body.get("value"),
                bool(body.get("userEntered", True)),
                str(body.get("editor") or ""),
            )
            return json_response({})
        raise not_found(f"No control endpoint {method} /_emulator/{path}")

    def _scripted_hook(self, body: dict[str, Any]) -> None:
        """A hook a subprocess can set: write `updates` (value ranges) when the nth request passes."""
        updates = list(body.get("updates") or [])
        option = body.get("valueInputOption", "USER_ENTERED")
        sid = body.get("spreadsheetId")
        if not sid or not updates:
            raise bad_request("hooks need spreadsheetId and updates")

        def action(srv: EmulatorServer) -> None:
            for update in updates:
                srv.store.mutate(
                    sid,
                    lambda b, u=update: values_api.update(
                        b, u["range"], {"valueInputOption": option}, u
                    ),
                )

        self.srv.on_request(
            action, int(body.get("nth", 1)), body.get("match"), body.get("when", "after")
        )
