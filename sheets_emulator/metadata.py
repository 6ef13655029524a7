"""spreadsheets.get: spreadsheet and sheet properties, optional grid data, `ranges` and `fields`."""

from __future__ import annotations

import copy
from typing import Any

from . import fieldmask
from .cells import Cell, extended, formatted
from .conditional import Formatter
from .model import Book, Evaluator, Sheet
from .values_api import flag

ROW_PIXELS = 21
COLUMN_PIXELS = 100


def cell_data(ev: Evaluator, sheet: Sheet, row: int, col: int, cell: Cell,
              formatter: Formatter | None = None) -> dict[str, Any]:
    """One CellData; formats, notes and validation are echoed back. effectiveFormat is the
    entered format with the first conditional format that holds laid over it (Google fills in
    its defaults too; only what was set or matched is given here)."""
    out: dict[str, Any] = {}
    if cell.get("uv"):
        out["userEnteredValue"] = cell["uv"]
        value = ev.value(sheet, row, col)
        effective = extended(value)
        if effective is not None:
            out["effectiveValue"] = effective
        out["formattedValue"] = formatted(value, cell)
    if cell.get("fmt"):
        out["userEnteredFormat"] = cell["fmt"]
    effective = (formatter or Formatter(ev.book, ev)).format_of(sheet, row, col)
    if effective:
        out["effectiveFormat"] = effective
    if cell.get("note"):
        out["note"] = cell["note"]
    if cell.get("dv"):
        out["dataValidation"] = cell["dv"]
    return out


def grid_data(ev: Evaluator, sheet: Sheet, bounds: tuple[int, int, int, int]) -> dict[str, Any]:
    r0, r1, c0, c1 = bounds
    rows: dict[int, dict[int, dict[str, Any]]] = {}
    formatter = Formatter(ev.book, ev)
    for (r, c), cell in list(sheet.cells.items()):
        if r0 <= r < r1 and c0 <= c < c1:
            data = cell_data(ev, sheet, r, c, cell, formatter)
            if data:
                rows.setdefault(r - r0, {})[c - c0] = data
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    if rows:
        row_data: list[dict[str, Any]] = []
        for r in range(max(rows) + 1):
            cells = rows.get(r)
            if not cells:
                row_data.append({})
                continue
            row_data.append({"values": [cells.get(c, {}) for c in range(max(cells) + 1)]})
        out["rowData"] = row_data
    out["rowMetadata"] = [{"pixelSize": ROW_PIXELS} for _ in range(max(0, r1 - r0))]
    out["columnMetadata"] = [{"pixelSize": COLUMN_PIXELS} for _ in range(max(0, c1 - c0))]
    return out


def sheet_json(
    ev: Evaluator, sheet: Sheet, data_bounds: list[tuple[int, int, int, int]] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": copy.deepcopy(sheet.props)}
    if data_bounds is not None:
        out["data"] = [grid_data(ev, sheet, b) for b in data_bounds]
    if sheet.protected:
        out["protectedRanges"] = copy.deepcopy(sheet.protected)
    if sheet.conditional:
        out["conditionalFormats"] = copy.deepcopy(sheet.conditional)
    return out


def spreadsheet_json(book: Book, ranges: list[str], include_grid: bool) -> dict[str, Any]:
    ev = Evaluator(book)
    wanted: dict[int, list[tuple[int, int, int, int]]] | None = None
    if ranges:
        wanted = {}
        for text in ranges:
            sheet, area = book.resolve(text)
            wanted.setdefault(sheet.id, []).append(area.clamp(sheet.rows, sheet.cols))
    sheets = []
    for sheet in book.sheets:
        if wanted is not None and sheet.id not in wanted:
            continue
        bounds = None
        if include_grid:
            whole = [(0, sheet.rows, 0, sheet.cols)]
            bounds = wanted[sheet.id] if wanted is not None else whole
        sheets.append(sheet_json(ev, sheet, bounds))
    return {
        "spreadsheetId": book.id,
        "properties": copy.deepcopy(book.props),
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.id}/edit",
    }


def get(book: Book, params: Any) -> dict[str, Any]:
    """params is a MultiDict-like with getlist (ranges repeat)."""
    mask = fieldmask.parse(params.get("fields", ""))
    # Asking for sheets.data in `fields` returns grid data even without includeGridData.
    include = flag(params.get("includeGridData")) or fieldmask.mentions(mask, "sheets", "data")
    reply = spreadsheet_json(book, list(params.getlist("ranges")), include)
    return fieldmask.apply(reply, mask)
