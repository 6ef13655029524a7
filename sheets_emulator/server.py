"""EmulatorServer: the threaded HTTP server plus the in-process handle tests drive it with."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from . import a1, grid
from . import journal as edit_journal
from .app import Dispatcher
from .cells import literal
from .control import Clock, Controls, Fault, Hook
from .control_http import ControlApp
from .errors import unable_to_parse
from .guard import Guard
from .model import Sheet
from .store import Store


class _QuietHandler(WSGIRequestHandler):
    """Tests start many servers; an access log line per request would drown their output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class EmulatorServer:
    """A local Sheets v4 + Drive v3 look-alike on one port.

    >>> srv = EmulatorServer(port=0, quota_per_minute=None).start()
    >>> srv.base_url  # doctest: +SKIP
    'http://127.0.0.1:54321'
    >>> srv.stop()
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        quota_per_minute: int | None = 60,
        latency_ms: float = 0,
        data_file: str | os.PathLike[str] | None = None,
        clock: Callable[[], float] | None = None,
        access_log: bool = False,
        token: str | None = None,
        journal: bool = False,
    ) -> None:
        self.host = host
        self.journal = journal  # people's edits journaled as sync/apps_script/journal.gs does
        self.token = token or None  # when set, the API and controls need it (see guard.py)
        self.guard = Guard(host, self.token)
        self.requested_port = port
        self.store = Store(data_file)
        self.clock = Clock(clock) if clock is not None else Clock()
        self.controls = Controls(quota_per_minute, self.clock, latency_ms)
        self.dispatcher = Dispatcher(self)
        self.pages = ControlApp(self)
        self._handler = WSGIRequestHandler if access_log else _QuietHandler
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def wsgi_app(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        return self.dispatcher(environ, start_response)

    def start(self) -> EmulatorServer:
        self.controls.released.clear()
        self.bind()
        self._server.daemon_threads = True  # a held (delayed) reply must not block shutdown
        # A short poll interval keeps stop() quick; tests start a server per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sheets-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def bind(self) -> EmulatorServer:
        """Open the listening socket (so `port` is known) without serving yet."""
        self._server = make_server(
            self.host,
            self.requested_port,
            self.wsgi_app,
            threaded=True,
            request_handler=self._handler,
        )
        return self

    def serve_forever(self) -> None:
        if self._server is None:
            self.bind()
        assert self._server is not None
        self._server.serve_forever()

    def stop(self) -> None:
        self.controls.released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return int(self._server.server_port)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- controls ----------------------------------------------------------------------------

    def add_fault(
        self, kind: str, times: int = 1, seconds: float = 5.0, match: str | None = None
    ) -> None:
        """Queue a fault for the next `times` requests (of kind `match`, or any)."""
        self.controls.add_fault(Fault(kind, times, seconds, match))

    def set_today(self, day: dt.date | None) -> None:
        """Fix the date TODAY() gives in every spreadsheet (None: each one's real date in its time zone)."""
        self.store.set_today(day)

    def set_latency(self, ms: float) -> None:
        self.controls.latency = ms / 1000.0

    def set_quota(self, per_minute: int | None) -> None:
        self.controls.quota.per_minute = per_minute
        self.controls.quota.reset()

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def on_request(
        self,
        action: Callable[[EmulatorServer], None],
        nth: int = 1,
        match: str | None = None,
        when: str = "after",
    ) -> None:
        """Run action(server) once, before or after the nth matching request is handled."""
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        self.controls.add_hook(Hook(action, nth, match, when))

    def counts(self) -> dict[str, int]:
        return self.controls.snapshot()

    def reset_counts(self) -> None:
        self.controls.reset_counts()

    def reset(self) -> None:
        self.controls.reset()

    # -- direct state access -----------------------------------------------------------------

    def create_spreadsheet(self, title: str, id: str | None = None) -> str:  # noqa: A002 - mirrors the API name
        return self.store.create(title, id).id

    def delete_spreadsheet(self, spreadsheet_id: str) -> None:
        self.store.delete(spreadsheet_id)

    def spreadsheet_ids(self) -> list[str]:
        with self.store.lock:
            return list(self.store.books)

    def _sheet(self, spreadsheet_id: str, title: str) -> Sheet:
        sheet = self.store.book(spreadsheet_id).find(title)
        if sheet is None:
            raise unable_to_parse(title)
        return sheet

    def values(self, spreadsheet_id: str, title: str) -> list[list[Any]]:
        """The stored grid as a rectangle: user-entered values (formula text for formulas), "" blanks."""
        with self.store.lock:
            sheet = self._sheet(spreadsheet_id, title)
            rows, cols = sheet.extent()
            out: list[list[Any]] = [[""] * cols for _ in range(rows)]
            for (r, c), cell in sheet.cells.items():
                uv = cell.get("uv")
                if uv:
                    value = uv.get("formulaValue", literal(uv))
                    if isinstance(value, float) and value == int(value):
                        value = int(value)
                    out[r][c] = value
            return out

    def set_values(
        self,
        spreadsheet_id: str,
        title: str,
        start: str,
        rows: list[list[Any]],
        user_entered: bool = True,
        editor: str = "",
        journal: bool = True,
    ) -> None:
        """Write a block at `start` (A1 cell) as a person typing would; grows the grid if needed.

        While the journal is on (`set_journal`), the edit is journaled as the script would, by
        `editor`; `journal=False` stands for a change the script never sees (a sort, a restore)."""
        r0, c0 = a1.parse_area(start, start).row0 or 0, a1.parse_area(start, start).col0 or 0

        def apply(book: Any) -> None:
            sheet = book.find(title)
            if sheet is None:
                raise unable_to_parse(title)
            width = max((len(r) for r in rows), default=0)
            grid.resize(sheet, max(sheet.rows, r0 + len(rows)), max(sheet.cols, c0 + width))
            grid.write(sheet, r0, c0, rows, user_entered)
            if journal and self.journal:
                edit_journal.record(book, sheet, r0, c0, len(rows), width, editor)
            book.touch()

        self.store.mutate(spreadsheet_id, apply)

    def set_cell(
        self, spreadsheet_id: str, title: str, cell: str, value: Any, user_entered: bool = True,
        editor: str = "",
    ) -> None:
        """set_cell(id, "Sheet1", "B2", "hello"); "" or None clears the value."""
        self.set_values(
            spreadsheet_id, title, cell, [["" if value is None else value]], user_entered, editor
        )

    def set_journal(self, on: bool) -> None:
        """Switch the edit journal on or off: the product's script installed in every spreadsheet, or not.

        Switched on, every spreadsheet gets its `_journal` tab at once, as the script's first
        edit (the installer's try, docs/sync.md) makes it; switched off, the tab stays, unwritten."""
        self.journal = bool(on)
        if self.journal:
            for sid in self.spreadsheet_ids():
                self.store.mutate(sid, edit_journal.journal_sheet)

    def sheet_properties(self, spreadsheet_id: str, title: str) -> dict[str, Any]:
        with self.store.lock:
            return dict(self._sheet(spreadsheet_id, title).props)
