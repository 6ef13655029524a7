"""The edit journal the product's Apps Script keeps (sync/apps_script/journal.gs), kept here for people.

On Google a simple `onEdit` trigger runs for the edits people make, never for API writes. The
emulator does the same: the page's edits and the test helpers that type as a person
(`EmulatorServer.set_values` / `set_cell`) append the script's lines to a hidden, protected
`_journal` tab while the journal is on; gspread's writes never do. One line per edited row:
time (UTC, ISO), editor, tab, A1 range, row, the row's ID, and the row's new values in the range
(a formula as its text, a date as the ISO instant of its midnight, as the script's Date gives it).
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import a1, batch
from .cells import from_serial, is_date_format, literal
from .model import Book, Sheet

TAB = "_journal"
HEADER = ["Time", "Editor", "Tab", "Range", "Row", "ID", "Values", "journal 1"]
# The ID column's headers in both languages, normalised as the script matches them.
ID_HEADERS = {"id", "ref", "recordid", "编号", "计划编号", "id号", "工单编号"}


def _normalised(text: Any) -> str:
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return "".join(ch for ch in folded if not ch.isspace() and ch != "_").lower()


def _id_column(sheet: Sheet) -> int | None:
    width = max((c + 1 for (r, c) in sheet.cells if r == 0), default=0)
    for col in range(width):
        if _normalised(_shown(sheet, 0, col, None)) in ID_HEADERS:
            return col
    return None


def _shown(sheet: Sheet, row: int, col: int, zone: ZoneInfo | None) -> Any:
    """The cell as the script's getValues/getFormulas give it: formula text, a date's instant, a value."""
    cell = sheet.cells.get((row, col)) or {}
    uv = cell.get("uv") or {}
    if "formulaValue" in uv:
        return uv["formulaValue"]
    value = literal(uv)
    if value is None:
        return ""
    if isinstance(value, float):
        if zone is not None and is_date_format(cell):
            try:
                local = from_serial(value).replace(tzinfo=zone)
                return local.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            except (OverflowError, ValueError):
                pass  # a number no calendar holds (a phone typed into a date column): the number
        return int(value) if value == int(value) else value
    return value


def _zone(book: Book) -> ZoneInfo:
    try:
        return ZoneInfo(str(book.props.get("timeZone") or "Etc/GMT"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Etc/GMT")


def journal_sheet(book: Book) -> Sheet:
    sheet = book.find(TAB, exact=True)
    if sheet is not None:
        return sheet
    sheet = book.add_sheet({"title": TAB, "hidden": True})
    for col, text in enumerate(HEADER):
        sheet.cells[(0, col)] = {"uv": {"stringValue": text}}
    batch.add_protected_range(book, {"protectedRange": {
        "range": {"sheetId": sheet.id}, "warningOnly": True,
        "description": "Edit journal: written by the sheet, read by the sync"}})
    return sheet


def record(book: Book, sheet: Sheet, r0: int, c0: int, rows: int, cols: int, editor: str = "",
           when: dt.datetime | None = None) -> None:
    """Append the journal's lines for an edit of rows r0.. and columns c0.. (0-based) of `sheet`."""
    if sheet.title.startswith("_") or rows <= 0 or cols <= 0:
        return  # the journal (and other system tabs) is not journaled, as in the script
    moment = when or dt.datetime.now(dt.UTC)
    stamp = moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    zone = _zone(book)
    id_col = _id_column(sheet)
    journal = journal_sheet(book)
    last = max((r for (r, _c) in journal.cells), default=0)
    for offset in range(rows):
        row = r0 + offset
        values = [_shown(sheet, row, c0 + c, zone) for c in range(cols)]
        ref = "" if id_col is None else _shown(sheet, row, id_col, None)
        line = [stamp, editor, sheet.title, a1.format_area(row, row + 1, c0, c0 + cols), row + 1,
                str(ref), json.dumps(values, ensure_ascii=False, separators=(",", ":"))]
        last += 1
        for col, value in enumerate(line):
            journal.cells[(last, col)] = {"uv": {"numberValue": value} if isinstance(value, int)
                                          else {"stringValue": value}}
    if last + 1 > journal.rows:
        journal.grid["rowCount"] = last + 1 + 100
