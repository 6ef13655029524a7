"""What `sheet init` lays out for the eye: column order of a new tab, frozen identity columns,
number formats, and the highlights of overdue and due-today care plans.

Everything here is format, never a value: the sync writes RAW values and reads them back
unchanged whatever the cells look like (sync/display.py). Each part is planned against what
the tab already has, so a second `sheet init` changes nothing.
"""
from __future__ import annotations

from typing import Any

from backoffice import words
from backoffice.i18n import _

from .columns import ID, STATUS, Column, Table, column_letters
from .display import FORMATS

OVERDUE = {"red": 0.957, "green": 0.78, "blue": 0.765}  # light red, the whole row
DUE_TODAY = {"red": 1.0, "green": 0.949, "blue": 0.8}  # light yellow
# Which tab shows its urgency: (the due date field, the status field, the status that is live).
DUE = {"care plan": ("next_due", "status", "active")}


def names(table: Table) -> tuple[str, ...]:
    return table.names or (table.columns[0].field,)


def order(table: Table) -> list[Column]:
    """A new tab's columns: ID, the name columns, Sync status (where the eye is), then the rest."""
    first = [ID, *names(table), STATUS]
    return [table.column(f) for f in first] + [c for c in table.all_columns if c.field not in first]


def frozen_columns(table: Table, columns: dict[str, int]) -> int:
    """How many columns from A say which record a row is (ID, then the names, wherever staff put them)."""
    identity = {columns[f] for f in (ID, *names(table)) if f in columns}
    count = 0
    while count in identity:
        count += 1
    return count


def freeze(table: Table, columns: dict[str, int], sheet_id: int, grid: dict[str, Any],
           title: str) -> tuple[list[dict], list[str]]:
    """The header row frozen, and ID and the names beside it (never fewer columns than staff froze)."""
    wanted_cols = max(frozen_columns(table, columns), int(grid.get("frozenColumnCount", 0)))
    props, fields, done = {}, [], []
    if grid.get("frozenRowCount", 0) != 1:
        props["frozenRowCount"], done = 1, [_("%(tab)s: froze the header row", tab=title)]
        fields.append("gridProperties.frozenRowCount")
    if wanted_cols != int(grid.get("frozenColumnCount", 0)):
        props["frozenColumnCount"] = wanted_cols
        fields.append("gridProperties.frozenColumnCount")
        done.append(_("%(tab)s: froze the ID and name columns", tab=title))
    if not fields:
        return [], []
    return [{"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": props},
                                       "fields": ",".join(fields)}}], done


def number_formats(table: Table, columns: dict[str, int], sheet_id: int, second_row: list[dict],
                   title: str) -> tuple[list[dict], list[str]]:
    """Money as ¥#,##0.00, dates as yyyy-mm-dd, phones as plain text, below the header."""
    requests = []
    for column in table.all_columns:
        wanted = FORMATS.get(column.kind)
        index = columns.get(column.field)
        if wanted is None or index is None:
            continue
        cell = second_row[index] if index < len(second_row) else {}
        if (cell.get("userEnteredFormat") or {}).get("numberFormat") == wanted:
            continue
        requests.append({"repeatCell": {
            "range": {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": index, "endColumnIndex": index + 1},
            "cell": {"userEnteredFormat": {"numberFormat": wanted}}, "fields": "userEnteredFormat.numberFormat"}})
    done = [_("%(tab)s: set the number formats of money, dates and phones", tab=title)] if requests else []
    return requests, done


def _rule(color: dict, formula: str, sheet_id: int) -> dict:
    return {"ranges": [{"sheetId": sheet_id, "startRowIndex": 1}],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": formula}]},
                            "format": {"backgroundColor": color}}}


def _ours(rule: dict) -> bool:
    boolean = rule.get("booleanRule") or {}
    color = (boolean.get("format") or {}).get("backgroundColor")
    values = (boolean.get("condition") or {}).get("values") or [{}]
    return color in (OVERDUE, DUE_TODAY) and "TODAY()" in str(values[0].get("userEnteredValue", ""))


def highlights(table: Table, columns: dict[str, int], sheet_id: int, existing: list[dict], language: str,
               title: str) -> tuple[list[dict], list[str]]:
    """Overdue rows light red and rows due today light yellow, for live plans (conditional formats,
    so they follow the date without the sync writing anything). Rewritten when the columns moved."""
    if table.key not in DUE:
        return [], []
    due_field, status_field, live = DUE[table.key]
    due = "$" + column_letters(columns[due_field])
    status = "$" + column_letters(columns[status_field])
    word = words.label(table.column(status_field).domain, live, language).replace('"', '""')
    wanted = [_rule(color, f'=AND(ISNUMBER({due}2),{due}2{op}TODAY(),{status}2="{word}")', sheet_id)
              for color, op in ((OVERDUE, "<"), (DUE_TODAY, "="))]
    ours = [(i, r) for i, r in enumerate(existing) if _ours(r)]
    if [r for _i, r in ours] == wanted:
        return [], []
    requests: list[dict] = [{"deleteConditionalFormatRule": {"sheetId": sheet_id, "index": i}}
                            for i, _r in reversed(ours)]
    requests += [{"addConditionalFormatRule": {"rule": rule, "index": i}} for i, rule in enumerate(wanted)]
    return requests, [_("%(tab)s: highlighted overdue and due-today rows", tab=title)]

