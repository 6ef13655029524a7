"""The sheet as a cycle uses it: one batched read, one batched RAW write, growth when rows run out."""
from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import sheets
from .columns import column_letters
from .sheets import SheetError, SheetSettings

READ_PARAMS = {"valueRenderOption": "FORMULA", "dateTimeRenderOption": "SERIAL_NUMBER",
               "majorDimension": "ROWS"}
GROW_MARGIN = 100  # extra rows added with a growth so the next few cycles need none

_open: dict[SheetSettings, Any] = {}
_ids: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # open spreadsheet -> {tab title: sheetId}
_also: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # open spreadsheet -> titles for its next read
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
                         emulator_token=sheet.get("emulator_token") or None,
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


def known_titles(spreadsheet, refresh: bool = False) -> dict[str, int]:
    """{tab title: sheetId}, remembered per open spreadsheet (read again with `refresh`)."""
    ids = _ids.get(spreadsheet)
    if ids is None or refresh:
        ids = _ids[spreadsheet] = titles(spreadsheet)
    return ids


def read_also(spreadsheet, title: str) -> None:
    """Add `title` to the next read_tabs of this spreadsheet: the edit journal rides in the tabs' read."""
    also = _also.setdefault(spreadsheet, [])
    if title not in also:
        also.append(title)


def done_also(spreadsheet) -> None:
    """The tabs read_also added have been read: the next read is the tabs' alone."""
    _also.pop(spreadsheet, None)


def read_tabs(spreadsheet, wanted: list[str]) -> dict[str, TabValues | None]:
    """Every tab in one values.batchGet; a missing tab is None (found with one extra metadata read)."""
    also = _also.get(spreadsheet, [])  # kept for a second read (tabs under other titles): taken by done_also
    wanted = list(wanted) + [t for t in also if t not in wanted]
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


def read_columns(spreadsheet, columns: dict[str, int]) -> dict[str, list[Any]]:
    """{tab: [the column's cells from row 1, trailing blanks dropped]} of one column per tab, in one
    values.batchGet (the ID column just before a write: sync/placing.py). No tabs, no request."""
    return read_columns_and_rows(spreadsheet, columns, {})[0]


def read_columns_and_rows(spreadsheet, columns: dict[str, int],
                          rows: dict[str, list[int]]) -> tuple[dict[str, list[Any]], dict[str, dict[int, list[Any]]]]:
    """read_columns, and in the same values.batchGet the given rows of each tab ({tab: {row number:
    its cells, trailing blanks dropped}}): rows with no ID, which only their cells tell apart."""
    rows = {title: sorted(set(numbers)) for title, numbers in rows.items() if numbers}
    if not columns and not rows:
        return {}, {}
    order = list(columns.items())
    ranges = [f"{a1_tab(title)}!{column_letters(col)}:{column_letters(col)}" for title, col in order]
    blocks: list[tuple[str, int, int]] = []
    for title, numbers in rows.items():
        for number in numbers:
            if blocks and blocks[-1][0] == title and blocks[-1][2] == number - 1:
                blocks[-1] = (title, blocks[-1][1], number)
            else:
                blocks.append((title, number, number))
    ranges += [f"{a1_tab(title)}!{start}:{end}" for title, start, end in blocks]
    reply = spreadsheet.values_batch_get(ranges, params={**READ_PARAMS, "majorDimension": "COLUMNS"})
    found = reply.get("valueRanges", [])
    out = {title: [] for title, _c in order}
    for (title, _c), value_range in zip(order, found, strict=False):
        values = value_range.get("values") or [[]]
        out[title] = list(values[0])
    cells: dict[str, dict[int, list[Any]]] = {title: {} for title in rows}
    for (title, start, end), value_range in zip(blocks, found[len(order):], strict=False):
        by_column = value_range.get("values") or []
        for offset in range(end - start + 1):
            row = [column[offset] if offset < len(column) else "" for column in by_column]
            cells[title][start + offset] = trimmed(row)
    return out, cells


def trimmed(row: list[Any]) -> list[Any]:
    """A row's cells without its trailing blanks (a read drops them, a write may not)."""
    row = list(row)
    while row and (row[-1] is None or row[-1] == ""):
        row.pop()
    return row


def read_ranges(spreadsheet, ranges: list[str]) -> list[list[list[Any]]]:
    """The rows of each A1 range, in one values.batchGet (a cycle's quick look: sync/watch.py)."""
    reply = spreadsheet.values_batch_get(ranges, params=READ_PARAMS)
    found = [r.get("values", []) for r in reply.get("valueRanges", [])]
    return found + [[] for _r in ranges[len(found):]]


TYPE_FIELDS = "sheets(properties.title,data(startRow,startColumn,rowData.values.userEnteredValue))"


def formula_cells(spreadsheet, cells: dict[str, list[tuple[int, int]]]) -> dict[str, set[tuple[int, int]]]:
    """{tab: {(row number, column index)}} of the given cells that hold a formula rather than text.

    One spreadsheets.get with a range per cell and a field mask down to each cell's typed value
    (sync/formulas.py says why a cycle needs it). No cells, no request.
    """
    order = [(title, cell) for title, found in cells.items() for cell in found]
    if not order:
        return {}
    ranges = [f"{a1_tab(title)}!{column_letters(col)}{row}" for title, (row, col) in order]
    reply = spreadsheet.fetch_sheet_metadata(params={"ranges": ranges, "fields": TYPE_FIELDS})
    out: dict[str, set[tuple[int, int]]] = {}
    for sheet in reply.get("sheets", []):
        title = sheet.get("properties", {}).get("title", "")
        for data in sheet.get("data", []):
            top, left = data.get("startRow", 0), data.get("startColumn", 0)
            for r, row in enumerate(data.get("rowData", [])):
                for c, value in enumerate(row.get("values", [])):
                    if "formulaValue" in (value.get("userEnteredValue") or {}):
                        out.setdefault(title, set()).add((top + r + 1, left + c))
    return out


Row = dict[int, Any]  # column index -> value


def write_cells(spreadsheet, tabs: dict[str, TabValues], cells: dict[str, dict[int, Row]],
                marks: Mapping[str, Callable[[int], list[dict]]] | None = None,
                formats: Mapping[str, dict[int, dict]] | None = None) -> int:
    """Write {tab: {row number: {column index: value}}} in one RAW values.batchUpdate; grow tabs first if needed.

    Returns the number of API calls made. Only the given cells are written: runs of
    neighbouring cells in a row share a range, and consecutive rows with the same run share
    one block (a first push is then one range per tab, not one per row), so no other cell is touched.
    Growth and `marks` ({tab: requests for its sheetId}, sync/marks.py) share the one layout
    `spreadsheets.batchUpdate`, sent before the values; grown rows get the columns' number
    `formats` ({tab: {column index: numberFormat}}) so new records read right too.
    """
    calls = 0
    growth = []
    for title, rows in cells.items():
        tab = tabs[title]
        last_row = max(rows, default=0)
        if last_row > tab.grid_rows:
            growth.append((title, tab.grid_rows, last_row - tab.grid_rows + GROW_MARGIN))
    if growth or marks:
        calls += _layout(spreadsheet, growth, marks or {}, formats or {})
    data = []
    for title, rows in cells.items():
        for first, last, start, end, values in _blocks(rows):
            data.append({"range": f"{a1_tab(title)}!{column_letters(start)}{first}:{column_letters(end)}{last}",
                         "values": values})
    if data:
        spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": data})
        calls += 1
    return calls


def _layout(spreadsheet, growth: list[tuple[str, int, int]], marks: Mapping[str, Callable[[int], list[dict]]],
            formats: Mapping[str, dict[int, dict]]) -> int:
    """The cycle's one layout batchUpdate (plus a metadata read for the tabs' ids the first time)."""
    calls, ids = 0, _ids.get(spreadsheet)
    if ids is None or any(t not in ids for t, _r, _n in growth) or any(t not in ids for t in marks):
        ids = _ids[spreadsheet] = titles(spreadsheet)
        calls += 1
    try:
        spreadsheet.batch_update({"requests": _layout_requests(ids, growth, marks, formats)})
    except SheetError as exc:
        if calls or exc.code != 400 or "No grid with id" not in exc.message:
            raise
        # A tab recreated since its id was learnt (`sheet init` elsewhere): learn them again, once.
        ids = _ids[spreadsheet] = titles(spreadsheet)
        spreadsheet.batch_update({"requests": _layout_requests(ids, growth, marks, formats)})
        calls += 2
    return calls + 1


def _layout_requests(ids: dict[str, int], growth: list[tuple[str, int, int]],
                     marks: Mapping[str, Callable[[int], list[dict]]],
                     formats: Mapping[str, dict[int, dict]]) -> list[dict]:
    requests = []
    for title, rows, length in growth:
        requests.append({"appendDimension": {"sheetId": ids[title], "dimension": "ROWS", "length": length}})
        requests += [{"repeatCell": {"range": {"sheetId": ids[title], "startRowIndex": rows,
                                               "endRowIndex": rows + length, "startColumnIndex": col,
                                               "endColumnIndex": col + 1},
                                     "cell": {"userEnteredFormat": {"numberFormat": number_format}},
                                     "fields": "userEnteredFormat.numberFormat"}}
                     for col, number_format in sorted(formats.get(title, {}).items())]
    for title, make in marks.items():
        requests += make(ids[title])
    return requests


def _runs(row: Row) -> list[tuple[int, int]]:
    """The row's columns as runs of neighbours: [(first, last), ...]."""
    runs: list[tuple[int, int]] = []
    for col in sorted(row):
        if runs and col == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], col)
        else:
            runs.append((col, col))
    return runs


def _blocks(rows: dict[int, Row]):
    """(first row, last row, first column, last column, values) for each rectangle to write."""
    open_blocks: dict[tuple[int, int], list] = {}  # run -> [first row, last row, values]
    for number in sorted(rows):
        row = rows[number]
        runs = _runs(row)
        for run in list(open_blocks):
            if run not in runs or open_blocks[run][1] != number - 1:
                yield _closed(run, open_blocks.pop(run))
        for run in runs:
            line = [row[c] for c in range(run[0], run[1] + 1)]
            block = open_blocks.get(run)
            if block is None:
                open_blocks[run] = [number, number, [line]]
            else:
                block[1] = number
                block[2].append(line)
    for run, block in open_blocks.items():
        yield _closed(run, block)


def _closed(run: tuple[int, int], block: list) -> tuple:
    return block[0], block[1], run[0], run[1], block[2]
