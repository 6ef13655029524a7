"""The sheet's edit journal, read by the cycle: no edit typed while a cycle runs is overwritten unseen.

Sheets has no conditional write, so a cell a person types after a cycle's read and before its
write is overwritten by that write. The sheet's script (sync/apps_script/journal.gs) appends
every person's edit to a hidden `_journal` tab; the cycle reads it with the tabs and trims the
lines it read. Before writing, a cycle keeps what it is about to write over (`SheetWrite`: each
cell's record, field, column, the value written and the base it replaced). The next cycle
finds the journal's lines on such cells: where the cell still shows what was written and the
line says otherwise, the person's value is put back into the read and merged against the base
it was typed over (a line typed after the write leaves the cell showing it: the read has it). So it is applied when only the sheet changed that
field, and logged as a conflict (kept by the policy) when the database changed it too.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import weakref
from dataclasses import dataclass
from typing import Any

from backoffice import actors, clock
from backoffice.db import db
from backoffice.models import SheetWrite

from . import gateway
from .columns import ID

TAB = "_journal"
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")  # a date cell, as the script's Date
SERIAL_EPOCH = dt.date(1899, 12, 30)
_RANGE = re.compile(r"^\$?([A-Z]+)\$?\d+")

# open spreadsheet -> when the journal was last found missing
_absent_since: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Line:
    """One journaled edit of one row: who, where, which record, and the row's new values there."""
    editor: str
    tab: str
    row: int
    ref: str
    first_column: int  # 0-based index of the range's first column
    values: tuple[Any, ...]


def parse(rows: list[list[Any]]) -> list[Line]:
    """The journal tab's rows (header first) as lines; a line that cannot be read is skipped."""
    lines = []
    for cells in rows[1:]:
        cells = list(cells) + [""] * (7 - len(cells))
        _time, editor, tab, a1, row, ref, values = cells[:7]
        match = _RANGE.match(str(a1))
        try:
            decoded = json.loads(values) if values else []
        except (TypeError, ValueError):
            continue
        if not match or not isinstance(decoded, list):
            continue
        lines.append(Line(str(editor or ""), str(tab), int(float(row or 0)), str(ref or "").strip(),
                          gateway.column_index(match.group(1)), tuple(decoded)))
    return lines


def wanted(spreadsheet, full_read_minutes: float) -> bool:
    """Whether to read the journal this cycle: when it is there, and now and then when it was not
    (the script is installed by a person, whenever they like). The first look shares the metadata
    read the cycle's first write would make anyway."""
    now = clock.now()
    since = _absent_since.get(spreadsheet)
    if since is not None and now - since < dt.timedelta(minutes=full_read_minutes):
        return False
    present = TAB in gateway.known_titles(spreadsheet, refresh=since is not None)
    if present:
        _absent_since.pop(spreadsheet, None)
        gateway.read_also(spreadsheet, TAB)
    else:
        _absent_since[spreadsheet] = now
    return present


def take(spreadsheet, tabs: dict, read: bool) -> tuple[list[Line], int]:
    """The journal's lines out of the cycle's read (removed from `tabs`), and how many rows to trim."""
    gateway.done_also(spreadsheet)
    if not read:
        return [], 0
    tab = tabs.pop(TAB, None)
    if tab is None:  # deleted since it was seen: look again only after a while
        _absent_since[spreadsheet] = clock.now()
        return [], 0
    return parse(tab.values), max(0, len(tab.values) - 1)


def row_refs(plans, inputs: dict, titles: dict[str, str]) -> dict[str, dict[int, str]]:
    """{tab: {row number: ref}} of every row a plan writes: the read's IDs and the ids it gives out."""
    out: dict[str, dict[int, str]] = {}
    for plan in plans:
        title = titles[plan.table.key]
        found = out[title] = {r.number: str(r.values.get(ID) or "").strip() for r in inputs[plan.table.key].rows}
        for (number, name), text in plan.cells.items():
            if name == ID and text:
                found[number] = text
    return out


def editor_actors(editors: dict[str, dict[str, str]], users: dict[str, int]) -> dict:
    """{ref: the history's actor} for the records the journal names a person for ({tab: {ref: email}})."""
    return {ref: actors.Actor("sheet", f"{email} via the sheet", users.get(email))
            for found in editors.values() for ref, email in found.items()}


def is_live(spreadsheet) -> bool | None:
    """Whether the journal tab was there at the last look (None: not looked yet in this process)."""
    if spreadsheet in _absent_since:
        return False
    return True if TAB in (gateway._ids.get(spreadsheet) or {}) else None


def trim(count: int):
    """The layout requests that remove the first `count` lines (those this cycle read)."""
    def requests(sheet_id: int) -> list[dict]:
        return [{"deleteDimension": {"range": {"sheetId": sheet_id, "dimension": "ROWS",
                                               "startIndex": 1, "endIndex": 1 + count}}}]
    return requests


def _key(settings: dict, sheet_id: int | None) -> str:
    return settings["sheet"]["spreadsheet_id"] + ("" if sheet_id is None else f"#{sheet_id}")


def last_write(settings: dict, sheet_id: int | None) -> dict:
    """{tab: {ref: {field: [column, written, base]}}} the previous cycle kept before its write."""
    found = SheetWrite.get_or_none(SheetWrite.key == _key(settings, sheet_id))
    return json.loads(found.data) if found is not None else {}


def keep_write(settings: dict, sheet_id: int | None, written: dict, before: dict) -> None:
    """Keep what this cycle is about to write over (before it writes: a kill after it leaves it)."""
    if written == before:
        return  # nothing new to keep (a quiet cycle writes no row)
    with db.atomic():
        data, at = json.dumps(written, sort_keys=True), clock.now()
        (SheetWrite.insert(key=_key(settings, sheet_id), data=data, at=at)
         .on_conflict(conflict_target=[SheetWrite.key], update={SheetWrite.data: data, SheetWrite.at: at})
         .execute())


def written_cells(cells: dict[str, dict[int, dict[int, Any]]], refs: dict[str, dict[int, str]],
                  fields: dict[str, dict[int, str]], bases: dict[str, dict[str, dict[str, str]]]) -> dict:
    """What a write puts where, by record: {tab: {ref: {field: [column, value, base before]}}}."""
    out: dict[str, dict] = {}
    for title, rows in cells.items():
        for number, row in rows.items():
            ref = refs.get(title, {}).get(number)
            if not ref:
                continue
            base = bases.get(title, {}).get(ref) or {}
            for col, value in row.items():
                name = fields[title].get(col)
                if name and name != ID:
                    out.setdefault(title, {}).setdefault(ref, {})[name] = [col, value, base.get(name)]
    return out


def _sheet_value(value: Any) -> Any:
    """A journaled value as the cycle's read gives it: a date's instant back to its serial number."""
    if isinstance(value, str) and INSTANT.match(value):
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        day = (moment + dt.timedelta(hours=12)).date()  # its midnight in any zone within ±12 h
        return (day - SERIAL_EPOCH).days
    return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return ("" if a is None else str(a)) == ("" if b is None else str(b))


@dataclass
class Reapplied:
    bases: dict[str, dict[str, dict[str, str | None]]]  # tab -> ref -> {field: the base it was typed over}
    editors: dict[str, dict[str, str]]  # tab -> ref -> who the journal names (the last line's editor)
    count: int = 0


def reapply(lines: list[Line], tabs: dict, column_maps: dict[str, dict[str, int]], tab_keys: dict[str, str],
            previous: dict) -> Reapplied:
    """Put back into the read each journaled value the previous cycle's write went over.

    `tabs` is the cycle's read ({title: TabValues}), changed in place; `tab_keys` maps a tab's
    title to its table's key in `column_maps`. Returns the bases to merge those cells against,
    and the journal's editor per record (for the history).
    """
    out = Reapplied({}, {})
    last: dict[tuple[str, str, str], Any] = {}
    for line in lines:
        key = tab_keys.get(line.tab)
        if key is None or key not in column_maps or not line.ref:
            continue
        if line.editor:
            out.editors.setdefault(line.tab, {})[line.ref] = line.editor
        watched = previous.get(line.tab, {}).get(line.ref)
        if not watched:
            continue
        by_column = {entry[0]: name for name, entry in watched.items()}
        for offset, value in enumerate(line.values):
            name = by_column.get(line.first_column + offset)
            if name is not None:
                last[(line.tab, line.ref, name)] = value  # a later line on the cell supersedes
    rows_of: dict[str, dict[str, list[int]]] = {}
    for (title, ref, name), value in last.items():
        tab = tabs.get(title)
        if tab is None:
            continue
        if title not in rows_of:
            id_col = column_maps[tab_keys[title]][ID]
            rows_of[title] = {}
            for index, cells in enumerate(tab.values[1:], start=1):
                if len(cells) > id_col and str(cells[id_col]).strip():
                    rows_of[title].setdefault(str(cells[id_col]).strip(), []).append(index)
        found = rows_of[title].get(ref, [])
        if len(found) != 1:
            continue  # the row left, or has copies: the usual merge decides
        col, written, base = previous[title][ref][name]
        cells = tab.values[found[0]]
        shown = cells[col] if col < len(cells) else ""
        typed = _sheet_value(value)
        if not _same(shown, written) or _same(typed, written):
            continue  # typed after the write (the read has it), or changed since unseen: the read stands
        cells.extend([""] * (col + 1 - len(cells)))
        cells[col] = typed  # the person's value, which the previous write went over
        out.count += 1
        out.bases.setdefault(title, {}).setdefault(ref, {})[name] = base
    return out


def with_bases(base: dict[str, dict[str, str]], typed_over: dict[str, dict[str, str | None]] | None):
    """The tab's base with each re-applied field set back to the base it was typed over."""
    if not typed_over:
        return base
    base = dict(base)
    for ref, fields in typed_over.items():
        if ref not in base:
            continue  # no base at all: every difference is a conflict already
        record = dict(base[ref])
        for name, value in fields.items():
            if value is None:
                record.pop(name, None)  # no base then: any difference is a conflict
            else:
                record[name] = value
        base[ref] = record
    return base
