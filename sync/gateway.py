"""The sheet as a cycle uses it: one batched read, one batched RAW write, growth when rows run out."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from . import sheets
from .columns import column_letters
from .sheets import SheetError, SheetSettings

READ_PARAMS = {"valueRenderOption": "FORMULA", "dateTimeRenderOption": "SERIAL_NUMBER",
               "majorDimension": "ROWS"}
GROW_MARGIN = 100  # extra rows added with a growth so the next few cycles need none

_open: dict[SheetSettings, Any] = {}
_lock = threading.Lock()


def a1_tab(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


@dataclass
class TabValues:
    title: str
    values: list[list[Any]]  # rows as read, ragged, trailing blanks dropped
    grid_rows: int
    grid_cols: int


def settings_for(sheet: dict) -> SheetSettings:
    return SheetSettings(spreadsheet_id=sheet["spreadsheet_id"],
                         credentials_file=sheet["credentials_file"] or None,
                         emulator_url=sheet["emulator_url"] or None,
                         timeout=float(sheet["timeout_seconds"]), max_retries=int(sheet["max_retries"]))


def open_cached(settings: SheetSettings):
    """One open spreadsheet per process: opening costs a metadata read we need not pay every cycle."""
    with _lock:
        if settings not in _open:
            _open[settings] = sheets.open_spreadsheet(settings)
        return _open[settings]


def forget(settings: SheetSettings) -> None:
    """Drop the cached connection (after an error, so the next cycle reconnects)."""
    with _lock:
        spreadsheet = _open.pop(settings, None)
    if spreadsheet is not None:
        sheets.close(spreadsheet)


def api_calls(spreadsheet) -> int:
    return sheets.call_counter(spreadsheet).calls


def _extent(range_label: str) -> tuple[int, int]:
    match = re.search(r"!\$?([A-Z]+)\$?\d+(?::\$?([A-Z]+)\$?(\d+))?$", range_label)
    if not match or not match.group(2):
        return 1, 1
    return int(match.group(3)), column_index(match.group(2)) + 1


def titles(spreadsheet) -> dict[str, int]:
    """{tab title: sheetId} from one metadata read."""
    meta = spreadsheet.fetch_sheet_metadata()
    return {s["properties"]["title"]: s["properties"]["sheetId"] for s in meta.get("sheets", [])}


def read_tabs(spreadsheet, wanted: list[str]) -> dict[str, TabValues | None]:
    """Every tab in one values.batchGet; a missing tab is None (found with one extra metadata read)."""
    try:
        reply = spreadsheet.values_batch_get([a1_tab(t) for t in wanted], params=READ_PARAMS)
    except SheetError as exc:
        if exc.code != 400 or "parse range" not in exc.message:
            raise
        present = set(titles(spreadsheet))
        found = [t for t in wanted if t in present]
        reply = spreadsheet.values_batch_get([a1_tab(t) for t in found], params=READ_PARAMS) if found else {}
        wanted = found + [t for t in wanted if t not in present]
    out: dict[str, TabValues | None] = {t: None for t in wanted}
    for title, value_range in zip(wanted, reply.get("valueRanges", []), strict=False):
        rows, cols = _extent(value_range.get("range", ""))
        out[title] = TabValues(title, value_range.get("values", []), rows, cols)
    return out


def write_cells(spreadsheet, tabs: dict[str, TabValues], cells: dict[str, dict[tuple[int, int], Any]]) -> int:
    """Write {tab: {(row, column index): value}} in one RAW values.batchUpdate; grow tabs first if needed.

    Returns the number of API calls made. Only the given cells are written: runs of
    neighbouring cells in a row share a range, so no other column is ever touched.
    """
    calls = 0
    growth = []
    for title, by_cell in cells.items():
        tab = tabs[title]
        last_row = max((r for r, _c in by_cell), default=0)
        if last_row > tab.grid_rows:
            growth.append((title, last_row - tab.grid_rows + GROW_MARGIN))
    if growth:
        ids = titles(spreadsheet)
        spreadsheet.batch_update({"requests": [
            {"appendDimension": {"sheetId": ids[title], "dimension": "ROWS", "length": length}}
            for title, length in growth]})
        calls += 2
    data = []
    for title, by_cell in cells.items():
        rows: dict[int, dict[int, Any]] = {}
        for (row, col), value in by_cell.items():
            rows.setdefault(row, {})[col] = value
        for row in sorted(rows):
            columns = sorted(rows[row])
            run = [columns[0]]
            for col in columns[1:] + [None]:
                if col is not None and col == run[-1] + 1:
                    run.append(col)
                    continue
                start, end = column_letters(run[0]), column_letters(run[-1])
                data.append({"range": f"{a1_tab(title)}!{start}{row}:{end}{row}",
                             "values": [[rows[row][c] for c in run]]})
                if col is not None:
                    run = [col]
    if data:
        spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": data})
        calls += 1
    return calls
