"""The page for people: a spreadsheet list and an editable grid (its script calls the real API)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from werkzeug.wrappers import Response

from . import a1, grid
from .cells import formatted
from .conditional import Formatter
from .errors import not_found
from .model import Evaluator, Sheet

if TYPE_CHECKING:
    from .server import EmulatorServer

EXTRA_ROWS = 3
MIN_ROWS = 10
MIN_COLS = 5
CURRENT = ' aria-current="page"'


def _layout(title: str, body: str, token: str | None = None) -> Response:
    # The page's own script sends the token; other origins cannot read this page to learn it.
    meta = f'<meta name="emulator-token" content="{escape(token)}">' if token else ""
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">{meta}
<title>{escape(title)} · Sheets emulator</title>
<link rel="stylesheet" href="/_emulator/static/grid.css">
<script src="/_emulator/static/grid.js" defer></script>
</head><body>
{body}
</body></html>"""
    return Response(html, content_type="text/html; charset=utf-8")


def _hex(color: dict) -> str:
    return "#" + "".join(f"{round(float(color.get(k, 0)) * 255):02x}" for k in ("red", "green", "blue"))


def _looks(formatter: Formatter, sheet: Sheet, rows: int, cols: int) -> dict[tuple[int, int], str]:
    """Extra attributes of the shown cells: the background (entered or conditional, applied by the
    page's script, since a strict CSP forbids inline styles) and the note, shown on hover."""
    out: dict[tuple[int, int], str] = {}
    for r in range(rows):
        for c in range(cols):
            fmt = formatter.format_of(sheet, r, c) or {}
            color = (fmt.get("backgroundColorStyle") or {}).get("rgbColor") or fmt.get("backgroundColor")
            note = (sheet.cells.get((r, c)) or {}).get("note")
            extra = f' data-bg="{_hex(color)}"' if color and _hex(color) != "#ffffff" else ""
            if note:
                extra += f' class="has-note" data-note="{escape(note)}" title="{escape(note)}"'
            if extra:
                out[(r, c)] = extra
    return out


def index(srv: EmulatorServer) -> Response:
    with srv.store.lock:
        books = [(b.id, b.props.get("title", "")) for b in srv.store.books.values()]
    items = "".join(
        f'<li><a href="/sheets/{quote(sid)}" data-spreadsheet-id="{escape(sid)}">{escape(title)}</a>'
        f" <code>{escape(sid)}</code></li>"
        for sid, title in books
    )
    body = f'<h1>Spreadsheets</h1><ul id="spreadsheets">{items or "<li>None yet.</li>"}</ul>'
    return _layout("Spreadsheets", body, srv.token)


def sheet(srv: EmulatorServer, spreadsheet_id: str, tab: str | None) -> Response:
    with srv.store.lock:
        book = srv.store.books.get(spreadsheet_id)
        if book is None:
            raise not_found()
        current = (book.find(tab) if tab else None) or book.first_visible()
        ev = Evaluator(book)
        data_rows, data_cols = current.extent()
        rows = min(current.rows, max(data_rows + EXTRA_ROWS, MIN_ROWS))
        cols = min(current.cols, max(data_cols + 1, MIN_COLS))
        header_rows = int(current.grid.get("frozenRowCount") or 1)
        cells: dict[tuple[int, int], tuple[str, str]] = {}
        looks = _looks(Formatter(book, ev), current, rows, cols)
        frozen_cols = int(current.grid.get("frozenColumnCount") or 0)
        raw = grid.read(ev, current, (0, rows, 0, cols), option="FORMULA")
        for (r, c), cell in current.cells.items():
            if r < rows and c < cols and cell.get("uv"):
                cells[(r, c)] = (
                    formatted(ev.value(current, r, c), cell),
                    str(raw[r][c]) if r < len(raw) and c < len(raw[r]) else "",
                )
        tabs = "".join(
            f'<li><a href="/sheets/{quote(book.id)}?tab={quote(s.title)}"'
            f"{CURRENT if s is current else ''}>{escape(s.title)}</a></li>"
            for s in book.sheets
        )
        book_title = str(book.props.get("title", ""))
        sheet_title, sheet_id = current.title, current.id
    head = "".join(
        f'<th scope="col" data-col="{c + 1}">{a1.col_to_letters(c)}'
        f' <button type="button" class="sort" data-col="{c + 1}" data-order="ASCENDING" title="Sort A→Z">▲</button>'
        f'<button type="button" class="sort" data-col="{c + 1}" data-order="DESCENDING" title="Sort Z→A">▼</button></th>'
        for c in range(cols)
    )
    body_rows = []
    for r in range(rows):
        tds = "".join(
            f'<td id="cell-{r + 1}-{c + 1}" data-row="{r + 1}" data-col="{c + 1}" data-raw="{escape(cells.get((r, c), ("", ""))[1])}"'
            f' tabindex="0"{looks.get((r, c), "")}>{escape(cells.get((r, c), ("", ""))[0])}</td>'
            for c in range(cols)
        )
        body_rows.append(
            f'<tr data-row="{r + 1}"><th scope="row">{r + 1}'
            f' <button type="button" class="delete-row" data-row="{r + 1}" title="Delete row {r + 1}">✕</button></th>{tds}</tr>'
        )
    new_row = "".join(
        f'<td><input type="text" name="c{c + 1}" data-col="{c + 1}" aria-label="New row, column {a1.col_to_letters(c)}"></td>'
        for c in range(cols)
    )
    body = f"""<p><a href="/">All spreadsheets</a></p>
<h1>{escape(book_title)}</h1>
<ul class="tabs">{tabs}</ul>
<p id="status" role="status" aria-live="polite"></p>
<table id="grid" data-spreadsheet-id="{escape(spreadsheet_id)}" data-sheet-id="{sheet_id}"
  data-sheet-title="{escape(sheet_title)}" data-header-rows="{header_rows}" data-columns="{cols}"
  data-frozen-columns="{frozen_cols}">
<thead><tr><th></th>{head}</tr></thead>
<tbody>{"".join(body_rows)}</tbody>
</table>
<form id="add-row"><table><tr><th>New row</th>{new_row}</tr></table>
<button type="submit">Add row</button></form>
<p class="hint">Click a cell, type, press Enter to save (Escape cancels). Values go through the
Sheets API as USER_ENTERED, so <code>=A1+1</code>, <code>TRUE</code> and dates behave as in Sheets.</p>"""
    return _layout(f"{book_title} – {sheet_title}", body, srv.token)
