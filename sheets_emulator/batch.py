"""spreadsheets.batchUpdate: the structural requests gspread and the sync send."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from . import conditional, fieldmask, grid
from .errors import ApiError, bad_request
from .model import Book, Evaluator, Sheet

Handler = Callable[[Book, dict[str, Any]], dict[str, Any] | None]
SHEET_FIELDS = (
    "title",
    "index",
    "hidden",
    "gridProperties",
    "tabColorStyle",
    "tabColor",
    "rightToLeft",
)


def _bounds(
    book: Book, rng: dict[str, Any], request: str
) -> tuple[Sheet, tuple[int, int, int, int]]:
    sheet = book.sheet_by_id(rng.get("sheetId", 0), request)
    r0 = int(rng.get("startRowIndex", 0))
    r1 = int(rng.get("endRowIndex", sheet.rows))
    c0 = int(rng.get("startColumnIndex", 0))
    c1 = int(rng.get("endColumnIndex", sheet.cols))
    if r0 < 0 or c0 < 0 or r1 < r0 or c1 < c0:
        raise bad_request(f"Invalid requests[0].{request}: invalid range")
    grid.check_limits(sheet, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))
    return sheet, (r0, r1, c0, c1)


def add_sheet(book: Book, req: dict[str, Any]) -> dict[str, Any]:
    sheet = book.add_sheet(dict(req.get("properties") or {}))
    return {"addSheet": {"properties": copy.deepcopy(sheet.props)}}


def delete_sheet(book: Book, req: dict[str, Any]) -> None:
    sheet = book.sheet_by_id(req.get("sheetId"), "deleteSheet")
    if len(book.sheets) == 1:
        raise bad_request(
            "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document."
        )
    book.sheets.remove(sheet)
    book.reindex()


def update_sheet_properties(book: Book, req: dict[str, Any]) -> None:
    props = dict(req.get("properties") or {})
    sheet = book.sheet_by_id(props.get("sheetId"), "updateSheetProperties")
    mask = fieldmask.parse(req.get("fields", ""))
    if mask is None and not req.get("fields"):
        raise bad_request(
            "Invalid requests[0].updateSheetProperties: You must specify at least one field to update."
        )
    new = copy.deepcopy(sheet.props)
    fieldmask.update(
        new, props, mask if mask is not None else {k: fieldmask._Whole() for k in SHEET_FIELDS}
    )
    new["sheetId"], new["sheetType"] = sheet.id, sheet.props.get("sheetType", "GRID")
    title = new.get("title") or sheet.title
    clash = book.find(title, exact=True)
    if clash is not None and clash is not sheet:
        raise bad_request(
            f'Invalid requests[0].updateSheetProperties: A sheet with the name "{title}" already exists. Please enter another name.'
        )
    grid_props = new.setdefault("gridProperties", {})
    rows = int(grid_props.get("rowCount") or sheet.rows)
    cols = int(grid_props.get("columnCount") or sheet.cols)
    frozen = int(grid_props.get("frozenRowCount", 0))
    if frozen >= rows:
        raise bad_request(
            "Invalid requests[0].updateSheetProperties: You can't freeze all visible rows on the sheet."
        )
    if new.get("hidden") and all(s.props.get("hidden") or s is sheet for s in book.sheets):
        raise bad_request(
            "Invalid requests[0].updateSheetProperties: You can't hide all the sheets in a document."
        )
    index = new.pop("index", sheet.props.get("index", 0))
    sheet.props = new
    grid.resize(sheet, rows, cols)
    for key in ("frozenRowCount", "frozenColumnCount"):
        if not grid_props.get(key):
            grid_props.pop(key, None)
    if not new.get("hidden"):
        new.pop("hidden", None)
    book.sheets.remove(sheet)
    book.sheets.insert(max(0, min(int(index), len(book.sheets))), sheet)
    book.reindex()


def update_spreadsheet_properties(book: Book, req: dict[str, Any]) -> None:
    mask = fieldmask.parse(req.get("fields", ""))
    fieldmask.update(book.props, dict(req.get("properties") or {}), mask)


def insert_dimension(book: Book, req: dict[str, Any]) -> None:
    rng = req.get("range") or {}
    sheet = book.sheet_by_id(rng.get("sheetId", 0), "insertDimension")
    start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", 0))
    grid.insert(sheet, rng.get("dimension", "ROWS"), start, end - start)


def delete_dimension(book: Book, req: dict[str, Any]) -> None:
    rng = req.get("range") or {}
    sheet = book.sheet_by_id(rng.get("sheetId", 0), "deleteDimension")
    dimension = rng.get("dimension", "ROWS")
    limit = sheet.rows if dimension == "ROWS" else sheet.cols
    grid.delete(sheet, dimension, int(rng.get("startIndex", 0)), int(rng.get("endIndex", limit)))


def append_dimension(book: Book, req: dict[str, Any]) -> None:
    sheet = book.sheet_by_id(req.get("sheetId", 0), "appendDimension")
    length = int(req.get("length", 0))
    if length <= 0:
        raise bad_request("Invalid requests[0].appendDimension: length must be positive")
    if req.get("dimension", "ROWS") == "ROWS":
        grid.resize(sheet, rows=sheet.rows + length)
    else:
        grid.resize(sheet, cols=sheet.cols + length)


def _each_cell(sheet: Sheet, bounds: tuple[int, int, int, int]):  # type: ignore[no-untyped-def]
    r0, r1, c0, c1 = bounds
    for r in range(r0, r1):
        for c in range(c0, c1):
            yield (r, c)


def set_data_validation(book: Book, req: dict[str, Any]) -> None:
    sheet, bounds = _bounds(book, req.get("range") or {}, "setDataValidation")
    rule = req.get("rule")
    for key in _each_cell(sheet, bounds):
        if rule:
            sheet.cells.setdefault(key, {})["dv"] = copy.deepcopy(rule)
        elif key in sheet.cells:
            sheet.cells[key].pop("dv", None)


def add_protected_range(book: Book, req: dict[str, Any]) -> dict[str, Any]:
    prot = copy.deepcopy(req.get("protectedRange") or {})
    rng = prot.get("range") or {}
    sheet = book.sheet_by_id(rng.get("sheetId", 0), "addProtectedRange")
    rng.setdefault("sheetId", sheet.id)
    prot["range"] = rng
    taken = {p["protectedRangeId"] for s in book.sheets for p in s.protected}
    prot["protectedRangeId"] = prot.get("protectedRangeId") or max(taken | {100000}) + 1
    editors = prot.pop("editors", None) or {}
    if prot.get("warningOnly"):
        pass  # editors are not supported with warning-only protection: Google drops them
    else:
        prot.pop("warningOnly", None)
        if not editors.get("users"):
            # An empty list is "no editors", not "the owner": Google refuses to lock its caller out.
            raise bad_request("Invalid requests[0].addProtectedRange: You can't remove yourself as an editor.")
        shaped: dict[str, Any] = {"users": list(dict.fromkeys(u.lower() for u in editors["users"]))}
        if editors.get("groups"):
            shaped["groups"] = list(dict.fromkeys(g.lower() for g in editors["groups"]))
        if editors.get("domainUsersCanEdit"):
            shaped["domainUsersCanEdit"] = True
        prot["editors"] = shaped  # empty lists and false flags are left out, as in Google's JSON
    prot["requestingUserCanEdit"] = True
    sheet.protected.append(prot)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(prot)}}


def delete_protected_range(book: Book, req: dict[str, Any]) -> None:
    wanted = req.get("protectedRangeId")
    for sheet in book.sheets:
        for prot in sheet.protected:
            if prot["protectedRangeId"] == wanted:
                sheet.protected.remove(prot)
                return
    raise bad_request(
        f"Invalid requests[0].deleteProtectedRange: No protected range with id: {wanted}"
    )


_CELL_FIELDS = {
    "userEnteredValue": "uv",
    "userEnteredFormat": "fmt",
    "note": "note",
    "dataValidation": "dv",
}


def _apply_cell(
    sheet: Sheet, key: tuple[int, int], data: dict[str, Any], mask: fieldmask.Mask | None
) -> None:
    cell = sheet.cells.setdefault(key, {})
    for api_name, stored in _CELL_FIELDS.items():
        sub = None if mask is None else mask.get(api_name, mask.get("*"))
        if mask is not None and sub is None:
            continue
        if api_name == "userEnteredFormat" and sub is not None and not fieldmask._is_whole(sub):
            # Only the masked parts change: "userEnteredFormat.backgroundColor" with no format
            # given clears the background and keeps the number format, as Sheets does.
            fmt = cell.setdefault("fmt", {})
            fieldmask.update(fmt, data.get(api_name) or {}, sub)
            if not fmt:
                cell.pop("fmt")
        elif api_name not in data:
            cell.pop(stored, None)
        else:
            cell[stored] = copy.deepcopy(data[api_name])
    if not cell:
        del sheet.cells[key]


def update_cells(book: Book, req: dict[str, Any]) -> None:
    if not req.get("fields"):
        raise bad_request("Invalid requests[0].updateCells: At least one field must be specified.")
    mask = fieldmask.parse(req["fields"])
    rows = req.get("rows") or []
    if "range" in req:
        sheet, bounds = _bounds(book, req["range"], "updateCells")
    else:
        start = req.get("start") or {}
        sheet = book.sheet_by_id(start.get("sheetId", 0), "updateCells")
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        width = max((len(r.get("values") or []) for r in rows), default=0)
        bounds = (r0, r0 + len(rows), c0, c0 + width)
        grid.check_limits(sheet, r0, max(bounds[1], r0 + 1), c0, max(bounds[3], c0 + 1))
    r0, _, c0, _ = bounds
    for key in _each_cell(sheet, bounds):
        i, j = key[0] - r0, key[1] - c0
        values = (rows[i].get("values") or []) if i < len(rows) else []
        _apply_cell(sheet, key, values[j] if j < len(values) else {}, mask)


def repeat_cell(book: Book, req: dict[str, Any]) -> None:
    if not req.get("fields"):
        raise bad_request("Invalid requests[0].repeatCell: At least one field must be specified.")
    sheet, bounds = _bounds(book, req.get("range") or {}, "repeatCell")
    mask = fieldmask.parse(req["fields"])
    for key in _each_cell(sheet, bounds):
        _apply_cell(sheet, key, req.get("cell") or {}, mask)


def sort_range(book: Book, req: dict[str, Any]) -> None:
    sheet, bounds = _bounds(book, req.get("range") or {}, "sortRange")
    grid.sort(Evaluator(book), sheet, bounds, req.get("sortSpecs") or [])


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "appendDimension": append_dimension,
    "setDataValidation": set_data_validation,
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "sortRange": sort_range,
    **conditional.HANDLERS,
}


def prune(value: Any) -> Any:
    """Drop JSON nulls: the API treats a null field as unset (gspread sends a few)."""
    if isinstance(value, dict):
        return {k: prune(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def batch_update(book: Book, body: dict[str, Any]) -> dict[str, Any]:
    """Apply requests in order on the given (copied) book; any failure aborts the whole batch."""
    replies: list[dict[str, Any]] = []
    for i, request in enumerate(prune(body.get("requests") or [])):
        if not isinstance(request, dict) or len(request) != 1:
            raise bad_request(f"Invalid requests[{i}]: exactly one kind of request must be set")
        ((kind, payload),) = request.items()
        handler = HANDLERS.get(kind)
        if handler is None:
            raise bad_request(
                f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field."
            )
        try:
            reply = handler(book, payload or {})
        except ApiError as err:
            # Google names the failing request by its position in the batch.
            err.message = err.message.replace("requests[0]", f"requests[{i}]")
            raise
        replies.append(reply or {})
    book.touch()
    reply_body: dict[str, Any] = {"spreadsheetId": book.id, "replies": replies}
    return reply_body
