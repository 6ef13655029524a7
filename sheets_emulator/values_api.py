"""spreadsheets.values.* handlers: get, batchGet, update, batchUpdate, append, clear, batchClear."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import a1, grid
from .errors import ApiError, bad_request
from .model import Book, Evaluator, Sheet

RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATES = ("SERIAL_NUMBER", "FORMATTED_STRING")
DIMENSIONS = ("ROWS", "COLUMNS")


def _enum(
    value: str | None, allowed: tuple[str, ...], default: str, field: str, type_name: str
) -> str:
    if value is None or value == "":
        return default
    if value not in allowed:
        raise bad_request(
            f"Invalid value at '{field}' (type.googleapis.com/google.apps.sheets.v4.{type_name}), \"{value}\""
        )
    return value


def flag(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


def _input_option(value: str | None) -> bool:
    """-> True for USER_ENTERED, False for RAW; anything else is refused as Google does."""
    if value in (None, "", "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise bad_request("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
    if value not in ("RAW", "USER_ENTERED"):
        raise bad_request(
            f"Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), \"{value}\""
        )
    return value == "USER_ENTERED"


def _bounds_label(sheet: Sheet, area: a1.Area) -> tuple[tuple[int, int, int, int], str]:
    r0, r1, c0, c1 = area.clamp(sheet.rows, sheet.cols)
    if r1 <= r0 or c1 <= c0:  # entirely outside the grid: name what was asked for
        r1, c1 = max(r1, r0 + 1), max(c1, c0 + 1)
    return (r0, r1, c0, c1), a1.qualified(sheet.title, r0, r1, c0, c1)


def value_range(
    book: Book, ev: Evaluator, range_text: str, params: Mapping[str, Any]
) -> dict[str, Any]:
    major = _enum(params.get("majorDimension"), DIMENSIONS, "ROWS", "major_dimension", "Dimension")
    option = _enum(
        params.get("valueRenderOption"),
        RENDER,
        "FORMATTED_VALUE",
        "value_render_option",
        "ValueRenderOption",
    )
    dates = _enum(
        params.get("dateTimeRenderOption"),
        DATES,
        "SERIAL_NUMBER",
        "date_time_render_option",
        "DateTimeRenderOption",
    )
    sheet, area = book.resolve(range_text)
    bounds, label = _bounds_label(sheet, area)
    reply: dict[str, Any] = {"range": label, "majorDimension": major}
    values = grid.read(ev, sheet, bounds, major, option, dates)
    if values:
        reply["values"] = values
    return reply


def get(book: Book, range_text: str, params: Mapping[str, Any]) -> dict[str, Any]:
    return value_range(book, Evaluator(book), range_text, params)


def batch_get(book: Book, ranges: list[str], params: Mapping[str, Any]) -> dict[str, Any]:
    ev = Evaluator(book)
    reply: dict[str, Any] = {"spreadsheetId": book.id}
    if ranges:
        reply["valueRanges"] = [value_range(book, ev, r, params) for r in ranges]
    return reply


def _rows(body: Mapping[str, Any]) -> list[list[Any]]:
    rows = body.get("values") or []
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request("Invalid values: expected a list of lists")
    major = _enum(
        body.get("majorDimension"), DIMENSIONS, "ROWS", "data.major_dimension", "Dimension"
    )
    if major == "COLUMNS" and rows:
        width = max(len(col) for col in rows)
        rows = [[col[i] if i < len(col) else None for col in rows] for i in range(width)]
    return rows


def _write(
    book: Book,
    sheet: Sheet,
    r0: int,
    c0: int,
    rows: list[list[Any]],
    user_entered: bool,
    params: Mapping[str, Any],
) -> dict[str, Any]:
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    reply: dict[str, Any] = {"spreadsheetId": book.id}
    if not height or not width:
        reply["updatedRange"] = a1.qualified(sheet.title, r0, r0 + 1, c0, c0 + 1)
        return reply
    grid.check_limits(sheet, r0, r0 + height, c0, c0 + width)
    cells = grid.write(sheet, r0, c0, rows, user_entered)
    bounds = (r0, r0 + height, c0, c0 + width)
    reply["updatedRange"] = a1.qualified(sheet.title, *bounds)
    reply["updatedRows"] = height
    reply["updatedColumns"] = width
    reply["updatedCells"] = cells
    if flag(params.get("includeValuesInResponse")):
        data: dict[str, Any] = {"range": reply["updatedRange"], "majorDimension": "ROWS"}
        values = grid.read(
            Evaluator(book),
            sheet,
            bounds,
            "ROWS",
            _enum(
                params.get("responseValueRenderOption"),
                RENDER,
                "FORMATTED_VALUE",
                "response_value_render_option",
                "ValueRenderOption",
            ),
            _enum(
                params.get("responseDateTimeRenderOption"),
                DATES,
                "SERIAL_NUMBER",
                "response_date_time_render_option",
                "DateTimeRenderOption",
            ),
        )
        if values:
            data["values"] = values
        reply["updatedData"] = data
    book.touch()
    return reply


def update(
    book: Book, range_text: str, params: Mapping[str, Any], body: Mapping[str, Any]
) -> dict[str, Any]:
    user_entered = _input_option(params.get("valueInputOption"))
    sheet, area = book.resolve(range_text)
    rows = _rows(body)
    r0, c0 = area.row0 or 0, area.col0 or 0
    if not area.is_single_cell:  # a single cell is only an anchor; a real range bounds the data
        if area.row1 is not None and r0 + len(rows) > area.row1:
            raise bad_request(
                f"Requested writing within range [{range_text}], but tried writing to row [{r0 + len(rows)}]"
            )
        width = max((len(r) for r in rows), default=0)
        if area.col1 is not None and c0 + width > area.col1:
            raise bad_request(
                f"Requested writing within range [{range_text}], but tried writing to column [{a1.col_to_letters(c0 + width - 1)}]"
            )
    return _write(book, sheet, r0, c0, rows, user_entered, params)


def batch_update(book: Book, body: Mapping[str, Any]) -> dict[str, Any]:
    """Applied by the caller on a copy of the book, so a failing range leaves nothing written."""
    params = {
        "valueInputOption": body.get("valueInputOption"),
        "includeValuesInResponse": body.get("includeValuesInResponse"),
        "responseValueRenderOption": body.get("responseValueRenderOption"),
        "responseDateTimeRenderOption": body.get("responseDateTimeRenderOption"),
    }
    _input_option(params["valueInputOption"])
    responses = []
    for i, data in enumerate(body.get("data") or []):
        if "range" not in data:
            raise bad_request(f"Invalid data[{i}]: range is required")
        responses.append(update(book, data["range"], params, data))
    reply: dict[str, Any] = {"spreadsheetId": book.id}
    totals = {
        "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
        "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
        "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
        "totalUpdatedSheets": len(
            {r["updatedRange"].rsplit("!", 1)[0] for r in responses if "updatedRows" in r}
        ),
    }
    reply.update({k: v for k, v in totals.items() if v})
    if responses:
        reply["responses"] = responses
    return reply


def _find_table(sheet: Sheet, area: a1.Area) -> tuple[int, int, int, int] | None:
    """Google's 'logical table' for values.append: (first row, end row, first col, end col) or None.

    A table is a block of filled cells touching one another (sideways, up, down or
    diagonally); a blank cell between two values splits them into two tables. A single-cell
    range names the table holding that cell (an empty cell is where the data goes, which is
    how gspread's insert_row and insert_cols work); a larger range, or a whole tab, names its
    last table, so after a row with a gap the next append starts under the gap's right side.
    """
    r0, c0 = area.row0 or 0, area.col0 or 0
    filled = {key for key, cell in sheet.cells.items() if cell.get("uv")}
    if area.is_single_cell:
        if (r0, c0) not in filled:
            return None
        bounds = (0, sheet.rows, 0, sheet.cols)
        seed = (r0, c0)
    else:
        r1 = sheet.rows if area.row1 is None else area.row1
        c1 = sheet.cols if area.col1 is None else area.col1
        bounds = (r0, r1, c0, c1)
        inside = [k for k in filled if r0 <= k[0] < r1 and c0 <= k[1] < c1]
        if not inside:
            return None
        seed = max(inside)
    return _region(filled, seed, bounds)


def _region(filled: set[tuple[int, int]], seed: tuple[int, int],
            bounds: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The bounding box of the filled cells connected to `seed` (8 neighbours) within bounds."""
    top, bottom, left, right = bounds
    seen = {seed}
    todo = [seed]
    while todo:
        r, c = todo.pop()
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                key = (r + dr, c + dc)
                if key in filled and key not in seen and top <= key[0] < bottom and left <= key[1] < right:
                    seen.add(key)
                    todo.append(key)
    rows = [r for r, _c in seen]
    cols = [c for _r, c in seen]
    return min(rows), max(rows) + 1, min(cols), max(cols) + 1


def append(
    book: Book, range_text: str, params: Mapping[str, Any], body: Mapping[str, Any]
) -> dict[str, Any]:
    user_entered = _input_option(params.get("valueInputOption"))
    mode = params.get("insertDataOption") or "OVERWRITE"
    if mode not in ("OVERWRITE", "INSERT_ROWS"):
        raise bad_request(
            f"Invalid value at 'insert_data_option' (type.googleapis.com/google.apps.sheets.v4.InsertDataOption), \"{mode}\""
        )
    sheet, area = book.resolve(range_text)
    rows = _rows(body)
    table = _find_table(sheet, area)
    reply: dict[str, Any] = {"spreadsheetId": book.id}
    if table is None:
        row, col = area.row0 or 0, area.col0 or 0
    else:
        reply["tableRange"] = a1.qualified(sheet.title, *table)
        row, col = table[1], table[2]
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if height and mode == "INSERT_ROWS" and row < sheet.rows:
        grid.insert(sheet, "ROWS", row, height)
    # Append grows the grid rather than failing at its edge.
    if row + height > sheet.rows:
        grid.resize(sheet, rows=row + height)
    if col + width > sheet.cols:
        grid.resize(sheet, cols=col + width)
    reply["updates"] = _write(book, sheet, row, col, rows, user_entered, params)
    return reply


def clear(book: Book, range_text: str) -> dict[str, Any]:
    sheet, area = book.resolve(range_text)
    bounds, label = _bounds_label(sheet, area)
    grid.clear(sheet, bounds)
    book.touch()
    return {"spreadsheetId": book.id, "clearedRange": label}


def batch_clear(book: Book, body: Mapping[str, Any]) -> dict[str, Any]:
    ranges = body.get("ranges") or []
    cleared = [clear(book, r)["clearedRange"] for r in ranges]
    reply: dict[str, Any] = {"spreadsheetId": book.id}
    if cleared:
        reply["clearedRanges"] = cleared
    return reply


__all__ = [
    "ApiError",
    "append",
    "batch_clear",
    "batch_get",
    "batch_update",
    "clear",
    "get",
    "update",
]
