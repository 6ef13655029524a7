"""Grid operations on one sheet: reads, writes, clears, row/column insertion, deletion and sorting."""

from __future__ import annotations

from typing import Any

from . import a1
from .cells import render, set_input
from .errors import bad_request
from .formula import FormulaError
from .model import Evaluator, Sheet


def check_limits(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> None:
    """Writes outside the grid fail exactly as Google words it."""
    if r1 > sheet.rows or c1 > sheet.cols:
        label = a1.format_area(r0, r1, c0, c1)
        raise bad_request(
            f"Range ({a1.quote_title(sheet.title, always=True)}!{label}) exceeds grid limits. "
            f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
        )


def read(
    ev: Evaluator,
    sheet: Sheet,
    bounds: tuple[int, int, int, int],
    major: str = "ROWS",
    option: str = "FORMATTED_VALUE",
    date_option: str = "SERIAL_NUMBER",
) -> list[list[Any]]:
    """Rendered values of a clamped area: trailing blanks trimmed, interior blanks as "".

    Built row by row rather than as one dict keyed by (row, column): a whole tab is hundreds of
    thousands of cells, and a tuple per cell (kept alive until the end) made the garbage collector
    walk the whole spreadsheet again and again.
    """
    r0, r1, c0, c1 = bounds
    lines: dict[int, dict[int, Any]] = {}  # major index -> {minor index: value}
    cells = sheet.cells
    by_rows = major != "COLUMNS"
    area = (r1 - r0) * (c1 - c0)
    # A few rows of a big tab (a cycle reading only the rows that changed): look up the area's
    # cells instead of walking every cell of the tab once per range.
    keys = [(r, c) for r in range(r0, r1) for c in range(c0, c1)] if area < len(cells) else list(cells)
    for key in keys:
        r, c = key
        if not (r0 <= r < r1 and c0 <= c < c1):
            continue
        cell = cells.get(key)
        if cell is None:
            continue
        uv = cell.get("uv")
        if not uv:
            continue
        value = uv.get("stringValue")
        if value.__class__ is not str or len(uv) != 1:  # plain text reads as itself under every option
            value = render(ev.value(sheet, r, c), cell, option, date_option)
        major_at = r - r0 if by_rows else c - c0
        line = lines.get(major_at)
        if line is None:
            line = lines[major_at] = {}
        line[c - c0 if by_rows else r - r0] = value
    if not lines:
        return []
    out: list[list[Any]] = [[] for _ in range(max(lines) + 1)]
    for at, line in lines.items():
        row = [""] * (max(line) + 1)
        for minor_at, value in line.items():
            row[minor_at] = value
        while row and row[-1] == "":  # a formula can render as "" at the end of a row
            row.pop()
        out[at] = row
    while out and not out[-1]:
        out.pop()
    return out


def write(sheet: Sheet, r0: int, c0: int, rows: list[list[Any]], user_entered: bool) -> int:
    """Write a rectangle of input values at (r0, c0); None leaves a cell untouched. Returns cells written."""
    count = 0
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None:
                continue
            key = (r0 + i, c0 + j)
            cell = sheet.cells.setdefault(key, {})
            set_input(cell, value, user_entered)
            if not cell:
                del sheet.cells[key]
            count += 1
    return count


def clear(sheet: Sheet, bounds: tuple[int, int, int, int]) -> None:
    """Clear values (formats, notes and validation stay, as values.clear does)."""
    r0, r1, c0, c1 = bounds
    for key in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
        cell = sheet.cells[key]
        cell.pop("uv", None)
        if not cell:
            del sheet.cells[key]


def insert(sheet: Sheet, dimension: str, start: int, count: int) -> None:
    axis = 0 if dimension == "ROWS" else 1
    limit = sheet.rows if axis == 0 else sheet.cols
    if start < 0 or start > limit or count <= 0:
        raise bad_request("Invalid requests[0].insertDimension: range is out of bounds")
    moved = {}
    for key, cell in sheet.cells.items():
        pos = list(key)
        if pos[axis] >= start:
            pos[axis] += count
        moved[(pos[0], pos[1])] = cell
    sheet.cells = moved
    sheet.grid["rowCount" if axis == 0 else "columnCount"] = limit + count


def delete(sheet: Sheet, dimension: str, start: int, end: int) -> None:
    axis = 0 if dimension == "ROWS" else 1
    limit = sheet.rows if axis == 0 else sheet.cols
    end = min(end, limit)
    if start < 0 or start >= end:
        raise bad_request("Invalid requests[0].deleteDimension: range is out of bounds")
    if end - start >= limit:
        noun = "rows" if axis == 0 else "columns"
        raise bad_request(
            f"Invalid requests[0].deleteDimension: You can't delete all the {noun} on the sheet."
        )
    moved = {}
    for key, cell in sheet.cells.items():
        pos = list(key)
        if start <= pos[axis] < end:
            continue
        if pos[axis] >= end:
            pos[axis] -= end - start
        moved[(pos[0], pos[1])] = cell
    sheet.cells = moved
    sheet.grid["rowCount" if axis == 0 else "columnCount"] = limit - (end - start)


def resize(sheet: Sheet, rows: int | None = None, cols: int | None = None) -> None:
    """Shrinking the grid drops the cells that fall outside it."""
    if rows is not None:
        sheet.grid["rowCount"] = rows
    if cols is not None:
        sheet.grid["columnCount"] = cols
    sheet.cells = {k: v for k, v in sheet.cells.items() if k[0] < sheet.rows and k[1] < sheet.cols}


def _sort_key(value: Any, descending: bool) -> tuple[int, Any]:
    # Sheets orders numbers, then text (case-insensitive), then booleans; blanks always last.
    if value is None or value == "":
        return (9, 0)
    if isinstance(value, FormulaError):
        rank, key = 3, value.code
    elif isinstance(value, bool):
        rank, key = 2, value
    elif isinstance(value, float):
        rank, key = 0, value
    else:
        rank, key = 1, str(value).lower()
    if descending:
        rank = -rank
        key = -key if isinstance(key, float | bool) else _Reverse(key)
    return (rank, key)


class _Reverse:
    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reverse) -> bool:
        return bool(self.key > other.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.key == other.key


def sort(
    ev: Evaluator, sheet: Sheet, bounds: tuple[int, int, int, int], specs: list[dict[str, Any]]
) -> None:
    """sortRange: reorder whole rows of the area by the given columns (stable, like Sheets)."""
    r0, r1, c0, c1 = bounds
    rows = list(range(r0, r1))
    values = {r: {c: ev.value(sheet, r, c) for c in range(c0, c1)} for r in rows}

    def key(r: int) -> tuple[Any, ...]:
        parts = []
        for spec in specs or [{"dimensionIndex": c0}]:
            col = int(spec.get("dimensionIndex", c0))
            descending = spec.get("sortOrder") == "DESCENDING"
            value = values[r].get(col)
            blank = value is None or value == ""
            parts.append((1 if blank else 0, _sort_key(value, descending)))
        return tuple(parts)

    order = sorted(rows, key=key)
    moved = {k: v for k, v in sheet.cells.items() if not (r0 <= k[0] < r1 and c0 <= k[1] < c1)}
    for new_r, old_r in zip(rows, order, strict=True):
        for c in range(c0, c1):
            cell = sheet.cells.get((old_r, c))
            if cell is not None:
                moved[(new_r, c)] = cell
    sheet.cells = moved
