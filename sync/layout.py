"""`sheet init`: create the synced tabs, or repair their layout, without touching the staff's data."""
from __future__ import annotations

from typing import Any

from backoffice import words
from backoffice.i18n import _, speaking

from . import appearance
from .columns import ID, STATUS, TABLES, Column, Table, header_map, normalise_header
from .gateway import a1_tab, column_letters, titles
from .tabs import DEFAULT_TABS

PROTECTED = "Written by the sync"  # the description that marks our protected ranges


def _header_cells(sheet: dict) -> tuple[list[str], bool, list[dict]]:
    """Header texts of row 1, whether row 2 holds any data validation yet, and row 2's cells."""
    data = (sheet.get("data") or [{}])[0]
    rows = data.get("rowData") or []
    header = []
    for cell in (rows[0].get("values", []) if rows else []):
        value = cell.get("userEnteredValue") or {}
        header.append(str(cell.get("formattedValue", value.get("stringValue", "")) or ""))
    second = rows[1].get("values", []) if len(rows) > 1 else []
    validated = any("dataValidation" in c for c in second)
    return header, validated, second


def _own_words(column: Column, language: str) -> set[str]:
    """The headers of `column` in `language`: a header among them stays as the staff wrote it."""
    names = column.zh if language == "zh_CN" and column.zh else (column.header, *column.aliases)
    return {normalise_header(n) for n in names}


def _plan_tab(table: Table, title: str, sheet: dict,
              language: str = "en") -> tuple[list[dict], list[dict], list[str]]:
    """(structure requests, header writes, what was done) for one existing tab."""
    props = sheet["properties"]
    sheet_id, grid = props["sheetId"], props.get("gridProperties", {})
    header, validated, second_row = _header_cells(sheet)
    columns, _problems = header_map(table, header)
    requests: list[dict] = []
    writes: list[dict] = []
    done: list[str] = []
    if not any(normalise_header(h) for h in header):
        header = []  # an empty tab: lay it out from column A
    next_col = len(header)
    added = []
    renamed = 0
    for column in (table.all_columns if header else appearance.order(table)):  # new: Sync status by the names
        if column.field in columns:
            index = columns[column.field]
            if normalise_header(header[index]) not in _own_words(column, language):
                # The other language's header: rewritten in place, the column's data untouched.
                writes.append({"range": f"{a1_tab(title)}!{column_letters(index)}1",
                               "values": [[column.heading(language)]]})
                renamed += 1
            continue
        columns[column.field] = next_col
        writes.append({"range": f"{a1_tab(title)}!{column_letters(next_col)}1",
                       "values": [[column.heading(language)]]})
        added.append(f'"{column.heading(language)}"')
        next_col += 1
    if added and not header:
        done.append(_("%(tab)s: wrote the header row (%(count)s columns)", tab=title, count=len(added)))
    elif added:
        done.append(_("%(tab)s: added the column(s) %(columns)s at the right", tab=title,
                      columns=", ".join(added)))
    if renamed:
        done.append(_("%(tab)s: wrote %(count)s headers in the sheet's language", tab=title, count=renamed))
    width = max(columns.values()) + 1
    if width > grid.get("columnCount", 26):
        requests.append({"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                             "length": width - grid.get("columnCount", 26)}})
    for tab_requests, tab_done in (
            appearance.freeze(table, columns, sheet_id, grid, title),
            appearance.number_formats(table, columns, sheet_id, second_row, title),
            appearance.highlights(table, columns, sheet_id, sheet.get("conditionalFormats", []), language, title)):
        requests += tab_requests
        done += tab_done
    requests += _protection(sheet, sheet_id, columns, done, title)
    if not validated or writes:
        for column in table.all_columns:
            if column.kind == "choice":
                index = columns[column.field]
                options = words.labels(column.domain, column.options, language)  # the sheet's words
                requests.append({"setDataValidation": {
                    "range": {"sheetId": sheet_id, "startRowIndex": 1,
                              "startColumnIndex": index, "endColumnIndex": index + 1},
                    "rule": {"condition": {"type": "ONE_OF_LIST",
                                           "values": [{"userEnteredValue": o} for o in options]},
                             "showCustomUi": True, "strict": False}}})
        done.append(_("%(tab)s: set the dropdowns", tab=title))
    return requests, writes, done


def _protection(sheet: dict, sheet_id: int, columns: dict[str, int], done: list[str], title: str) -> list[dict]:
    """ID and Sync status are protected with a warning only: the sync writes them, people may not."""
    requests = []
    existing = {p.get("description"): p for p in sheet.get("protectedRanges", [])}
    for name, label in ((ID, "ID"), (STATUS, "Sync status")):
        description = f"{PROTECTED}: {label}"
        index = columns[name]
        found = existing.get(description)
        if found and found.get("range", {}).get("startColumnIndex") == index:
            continue
        if found:
            requests.append({"deleteProtectedRange": {"protectedRangeId": found["protectedRangeId"]}})
        requests.append({"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": sheet_id, "startColumnIndex": index, "endColumnIndex": index + 1},
            "description": description, "warningOnly": True}}})
        done.append(_("%(tab)s: protected the %(column)s column (warning only)", tab=title, column=label))
    return requests


def _renames(tab_titles: dict[str, str], present: dict[str, int]) -> dict[str, str]:
    """{old title: new} for each wanted tab that is there under another of its table's titles
    (Customers in a sheet now Chinese: 客户), unless a tab of the new title is there already."""
    wanted = set(tab_titles.values())
    renames = {}
    for key, title in tab_titles.items():
        if title in present:
            continue
        others = (DEFAULT_TABS[key], *words.TABS_ZH[key])
        old = next((t for t in present if t in others and t not in wanted and t not in renames), None)
        if old is not None:
            renames[old] = title
    return renames


def init_sheet(spreadsheet: Any, tab_titles: dict[str, str], rows: int = 1000,
               language: str = "en") -> list[str]:
    """Lay out every synced tab; a second run changes nothing. Returns what was done.

    `rows` is the size of a tab created here; the sync adds rows when records need them.
    `language` (sheet.language) is that of the headers and dropdowns: a header in the other
    language is rewritten in place, so switching a sheet's language is one run away.
    """
    with speaking(language):
        return _init_sheet(spreadsheet, tab_titles, rows, language)


def _init_sheet(spreadsheet: Any, tab_titles: dict[str, str], rows: int, language: str) -> list[str]:
    done: list[str] = []
    present = titles(spreadsheet)
    renames = _renames(tab_titles, present)
    if renames:  # a tab under its other language's title: renamed in place, its data untouched
        spreadsheet.batch_update({"requests": [
            {"updateSheetProperties": {"properties": {"sheetId": present[old], "title": new}, "fields": "title"}}
            for old, new in renames.items()]})
        done += [_("%(old)s: renamed the tab %(new)s", old=old, new=new) for old, new in renames.items()]
        present = {renames.get(t, t): sheet_id for t, sheet_id in present.items()}
    missing = [t for t in tab_titles.values() if t not in present]
    if missing:
        spreadsheet.batch_update({"requests": [
            {"addSheet": {"properties": {"title": t, "gridProperties": {"rowCount": rows, "columnCount": 30}}}}
            for t in missing]})
        done += [_("%(tab)s: created the tab", tab=t) for t in missing]
    ranges = [f"{a1_tab(t)}!1:2" for t in tab_titles.values()]
    meta = spreadsheet.fetch_sheet_metadata(params={"includeGridData": "true", "ranges": ranges})
    by_title = {s["properties"]["title"]: s for s in meta.get("sheets", [])}
    requests: list[dict] = []
    writes: list[dict] = []
    for table in (t for t in TABLES if t.key in tab_titles):
        title = tab_titles[table.key]
        tab_requests, tab_writes, tab_done = _plan_tab(table, title, by_title[title], language)
        requests += tab_requests
        writes += tab_writes
        done += tab_done
    grow = [r for r in requests if "appendDimension" in r]
    rest = [r for r in requests if "appendDimension" not in r]
    if grow:
        spreadsheet.batch_update({"requests": grow})  # columns must exist before headers go in
    if writes:
        spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": writes})
    if rest:
        spreadsheet.batch_update({"requests": rest})
    return done
