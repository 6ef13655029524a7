"""The WSGI app: routes Sheets v4 and Drive v3 paths, and runs quotas, faults, latency and hooks."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from werkzeug.wrappers import Request, Response

from . import batch, drive, metadata, values_api
from . import journal as edit_journal
from .errors import ApiError, api_disabled, bad_request, not_found, permission_denied

if TYPE_CHECKING:
    from .server import EmulatorServer

SID = r"([^/:]+)"
PERSON_HEADER = "X-Emulator-Person"  # sent by the page: the edit is a person's


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    kind: str
    bucket: str | None  # 'read' / 'write' quota bucket; None for Drive
    call: Callable[..., Any]


def _json_body(request: Request) -> dict[str, Any]:
    raw = request.get_data()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad_request("Invalid JSON payload received.") from None
    if not isinstance(body, dict):
        raise bad_request("Invalid JSON payload received. Expected an object.")
    return body


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False),
        status,
        content_type="application/json; charset=UTF-8",
    )


def _by_person(srv: EmulatorServer, req: Request, write: Callable[[Any], dict[str, Any]]):
    """A values write, journaled when the page (a person) sent it: the script's onEdit sees
    people's edits, never API writes (sheets_emulator/journal.py)."""
    if PERSON_HEADER not in req.headers:
        return write

    def journaled(book: Any) -> dict[str, Any]:
        reply = write(book)
        written = reply.get("updates", reply)  # append nests its reply under "updates"
        if srv.journal and written.get("updatedRows"):
            sheet, area = book.resolve(written["updatedRange"])
            edit_journal.record(book, sheet, area.row0 or 0, area.col0 or 0, written["updatedRows"],
                                written["updatedColumns"], "")  # the page names nobody
        return reply
    return journaled


def _routes(srv: EmulatorServer) -> list[Route]:
    st = srv.store

    def rp(
        method: str, path: str, kind: str, bucket: str | None, call: Callable[..., Any]
    ) -> Route:
        return Route(method, re.compile(f"^{path}$"), kind, bucket, call)

    def create_spreadsheet(req: Request) -> dict[str, Any]:
        body = _json_body(req)
        title = (body.get("properties") or {}).get("title") or "Untitled spreadsheet"
        book = st.create(title)
        return st.read(book.id, lambda b: metadata.spreadsheet_json(b, [], False))

    return [
        rp("POST", r"/v4/spreadsheets/?", "spreadsheets.create", "write", create_spreadsheet),
        rp(
            "GET",
            rf"/v4/spreadsheets/{SID}",
            "spreadsheets.get",
            "read",
            lambda req, sid: st.read(sid, lambda b: metadata.get(b, req.args)),
        ),
        rp(
            "POST",
            rf"/v4/spreadsheets/{SID}:batchUpdate",
            "spreadsheets.batchUpdate",
            "write",
            lambda req, sid: st.mutate(sid, lambda b: batch.batch_update(b, _json_body(req))),
        ),
        rp(
            "GET",
            rf"/v4/spreadsheets/{SID}/values:batchGet",
            "values.batchGet",
            "read",
            lambda req, sid: st.read(
                sid, lambda b: values_api.batch_get(b, req.args.getlist("ranges"), req.args)
            ),
        ),
        rp(
            "POST",
            rf"/v4/spreadsheets/{SID}/values:batchUpdate",
            "values.batchUpdate",
            "write",
            lambda req, sid: st.mutate(sid, lambda b: values_api.batch_update(b, _json_body(req))),
        ),
        rp(
            "POST",
            rf"/v4/spreadsheets/{SID}/values:batchClear",
            "values.batchClear",
            "write",
            lambda req, sid: st.mutate(sid, lambda b: values_api.batch_clear(b, _json_body(req))),
        ),
        rp(
            "POST",
            rf"/v4/spreadsheets/{SID}/values/([^/]+?):append",
            "values.append",
            "write",
            lambda req, sid, rng: st.mutate(
                sid, _by_person(srv, req, lambda b: values_api.append(b, unquote(rng), req.args, _json_body(req)))
            ),
        ),
        rp(
            "POST",
            rf"/v4/spreadsheets/{SID}/values/([^/]+?):clear",
            "values.clear",
            "write",
            lambda req, sid, rng: st.mutate(sid, lambda b: values_api.clear(b, unquote(rng))),
        ),
        rp(
            "GET",
            rf"/v4/spreadsheets/{SID}/values/([^/]+)",
            "values.get",
            "read",
            lambda req, sid, rng: st.read(sid, lambda b: values_api.get(b, unquote(rng), req.args)),
        ),
        rp(
            "PUT",
            rf"/v4/spreadsheets/{SID}/values/([^/]+)",
            "values.update",
            "write",
            lambda req, sid, rng: st.mutate(
                sid, _by_person(srv, req, lambda b: values_api.update(b, unquote(rng), req.args, _json_body(req)))
            ),
        ),
        rp(
            "POST",
            r"/drive/v3/files",
            "drive.files.create",
            None,
            lambda req: drive.create(st, _json_body(req)),
        ),
        rp(
            "GET",
            r"/drive/v3/files",
            "drive.files.list",
            None,
            lambda req: drive.list_files(st, req.args),
        ),
        rp(
            "POST",
            r"/drive/v3/files/([^/]+)/permissions",
            "drive.permissions.create",
            None,
            lambda req, fid: drive.create_permission(st, unquote(fid), _json_body(req), req.args),
        ),
        rp(
            "GET",
            r"/drive/v3/files/([^/]+)/permissions",
            "drive.permissions.list",
            None,
            lambda req, fid: drive.list_permissions(st, unquote(fid), req.args),
        ),
        rp(
            "DELETE",
            r"/drive/v3/files/([^/]+)/permissions/([^/]+)",
            "drive.permissions.delete",
            None,
            lambda req, fid, pid: drive.delete_permission(st, unquote(fid), unquote(pid)),
        ),
        rp(
            "GET",
            r"/drive/v3/files/([^/]+)",
            "drive.files.get",
            None,
            lambda req, fid: drive.get(st, unquote(fid), req.args),
        ),
        rp(
            "DELETE",
            r"/drive/v3/files/([^/]+)",
            "drive.files.delete",
            None,
            lambda req, fid: drive.delete(st, unquote(fid)),
        ),
    ]


def raw_path(environ: dict[str, Any]) -> str:
    """The path as sent, still percent-encoded, so ':' inside a range can't pass for ':append'."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return urlsplit(raw).path
    from urllib.parse import quote

    return quote(environ.get("PATH_INFO", ""), safe="/:!'$")


class Dispatcher:
    def __init__(self, srv: EmulatorServer) -> None:
        self.srv = srv
        self.routes = _routes(srv)

    def match(self, method: str, path: str) -> tuple[Route, tuple[str, ...]] | None:
        path_seen = False
        for route in self.routes:
            m = route.pattern.match(path)
            if m:
                path_seen = True
                if route.method == method:
                    return route, m.groups()
        if path_seen:
            raise ApiError(
                405, f"Method {method} is not allowed for this resource.", "INVALID_ARGUMENT"
            )
        return None

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        path = raw_path(environ)
        try:
            self.srv.guard.check(request, path)
            if path.startswith("/_emulator/") or not (
                path.startswith("/v4/") or path.startswith("/drive/")
            ):
                return self.srv.pages(environ, start_response)
            found = self.match(request.method, path)
            if found is None:
                raise not_found(f"The requested URL {path} was not found on this server.")
            response = self.serve(request, environ, *found)
        except ApiError as err:
            response = json_response(err.envelope(), err.code)
        return response(environ, start_response)

    def serve(
        self, request: Request, environ: dict[str, Any], route: Route, args: tuple[str, ...]
    ) -> Response:
        ctl = self.srv.controls
        ctl.count(route.kind)
        for hook in ctl.due_hooks(route.kind, "before"):
            hook.action(self.srv)
        ctl.wait(ctl.latency)
        fault = ctl.next_fault(route.kind)
        if fault is not None and fault.kind in ("429", "500", "503"):
            code = int(fault.kind)
            message = {
                429: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com'.",
                500: "Internal error encountered.",
                503: "The service is currently unavailable.",
            }[code]
            raise ApiError(code, message)
        if fault is not None and fault.kind in ("403", "api_disabled"):
            raise permission_denied() if fault.kind == "403" else api_disabled(
                "drive.googleapis.com" if route.kind.startswith("drive.") else "sheets.googleapis.com")
        if fault is not None and fault.kind == "delay":
            ctl.wait(fault.seconds)
        if route.bucket is not None:
            ctl.quota.take(route.bucket)
        try:
            payload = route.call(request, *args)
        finally:
            for hook in ctl.due_hooks(route.kind, "after"):
                hook.action(self.srv)
        if fault is not None and fault.kind == "ambiguous_drop":
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                # The write happened; the client only sees the connection go away.
                sock.shutdown(socket.SHUT_RDWR)
            return Response(b"", 500)
        if fault is not None and fault.kind == "ambiguous_503":
            raise ApiError(503, "The service is currently unavailable.")
        if route.kind in ("drive.files.delete", "drive.permissions.delete"):
            return Response(b"", 204)
        return json_response(payload)
