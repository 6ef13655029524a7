"""Cycles that cost what changed: when a few rows changed, read only those rows of the sheet.

While the journal is live and trusted, the quick look (sync/watch.py) hands over the journal's
lines, which name the records people edited, and the database's mark; the records the database
changed since the last cycle are those whose updated_at reached that cycle's newest. The cycle
then reads the tabs' ID columns (one values.batchGet), finds each of those records' row by its
ID, and reads those rows alone (a second one): the merge sees only them, against their base and
database. New rows go after the last row the full read found in use.

Whatever this cannot place safely is left to the full read, before anything is written: a
journal line for a row without an ID or for the header row, an ID found on no row or on two,
more rows than MAX_SHARE of a tab, and (sync/watch.py) records made or archived, users,
dictionaries, interactions or conflicts changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backoffice.models import CarePlan, Change, Customer, Ticket

from . import gateway, journal
from .columns import CUSTOMERS, ID, PLANS, TABLES, TICKETS, raw_text
from .merge import TabInput
from .placing import _ids

MAX_SHARE = 0.1  # more rows than this share of a tab: the full read is cheaper
MAX_LOADED = 2000  # more records named than this: the whole snapshot is loaded (one IN list per table)
MODELS = {CUSTOMERS.key: Customer, PLANS.key: CarePlan, TICKETS.key: Ticket}
STAMPS = {CUSTOMERS.key: "customer", PLANS.key: "plan", TICKETS.key: "ticket"}  # watch.Mark.stamps


@dataclass
class Narrowed:
    """The rows a cycle read instead of the whole tabs."""
    names: dict[str, str]  # table key -> tab title
    tabs: dict[str, gateway.TabValues]  # title -> the header, the rows read, and [] for the rest
    ids: dict[str, dict[int, str]]  # title -> {row: ID} from the ID column, for placing the write
    refs: dict[str, set[str]]  # table key -> the records the merge sees
    lengths: dict[str, int]  # title -> the rows in use (header included): new rows go after


def changed(stamps: dict[str, Any]) -> dict[str, set[str]]:
    """{table key: refs} of the records changed since the mark `stamps` came with: a history row
    after its newest, or an updated_at after its table's newest (a write that keeps no history)."""
    history = Change.select(Change.record_ref).where(Change.record_ref.is_null(False))
    if stamps.get("change") is not None:
        history = history.where(Change.id > stamps["change"])
    named = {ref for (ref,) in history.distinct().tuples()}
    out = {}
    for key, model in MODELS.items():
        stamp = stamps.get(STAMPS[key])
        query = model.select(model.ref)
        out[key] = named | {ref for (ref,) in (query if stamp is None else query.where(model.updated_at > stamp)).tuples()}
    return out


def named(looked) -> dict[str, set[str]] | None:
    """{table key: refs} of the records the journal's lines name and the database changed since the
    last cycle (some perhaps gone or archived), or None when only the full read will do. The cycle
    loads these records alone from the database (snapshot.load's `only`) when they are few."""
    seen = looked.seen
    names = dict(seen.names)
    keys = {title: key for key, title in names.items()}
    found: dict[str, set[str]] = {key: set() for key in names}
    for line in journal.parse(looked.journal):
        key = keys.get(line.tab)
        if key is None:
            if line.tab in seen.headers:
                return None
            continue  # a tab the sync does not read
        if not line.ref or line.row <= 1:
            return None  # a new row, or the header: the full read
        found[key].add(line.ref)
    stamps = getattr(seen.mark, "stamps", None)
    if stamps is None:
        return None
    for key, refs in changed(stamps).items():
        if key in found:
            found[key] |= refs
    return found


def read(spreadsheet, looked, snapshot, scope, names_: dict[str, set[str]] | None = None) -> Narrowed | None:
    """Read only the rows of the records that changed on either side, or None for a full read.

    `names_` is what named() gave (asked again when not given). Beside those records, the rows of
    the plans and tickets of the customers read: the follow-up's plans and the customer labels."""
    seen = looked.seen
    names = dict(seen.names)
    column_maps = {}
    for table in TABLES:
        title = names.get(table.key)
        if title is not None:
            column_maps[table.key], problems = scope.header_map(table, seen.headers.get(title, []))
            if problems:
                return None
    if names_ is None:
        names_ = named(looked)
    if names_ is None:
        return None
    keys = {title: key for key, title in names.items()}
    journaled = {(keys.get(line.tab), line.ref) for line in journal.parse(looked.journal)}
    wanted: dict[str, set[str]] = {}
    for key, refs in names_.items():
        side = snapshot.sides[key]
        wanted[key] = {ref for ref in refs if (key, ref) in journaled or ref in side.database or ref in side.base}
    customers = wanted.get(CUSTOMERS.key, set())
    for key in (PLANS.key, TICKETS.key):
        if key in wanted and customers:
            wanted[key] |= {ref for ref, values in snapshot.sides[key].database.items()
                            if values.get("customer_ref") in customers}
    if any(key not in column_maps for key in names):
        return None
    columns = gateway.read_columns(spreadsheet, {names[k]: column_maps[k][ID] for k in names})
    ids = {title: _ids(column) for title, column in columns.items()}
    rows: dict[str, list[int]] = {}
    for key, refs in wanted.items():
        title = names[key]
        where: dict[str, list[int]] = {}
        for number, ref in ids[title].items():
            if ref in refs:
                where.setdefault(ref, []).append(number)
        if any(len(where.get(ref, ())) != 1 for ref in refs):
            return None  # a row gone, or copied: the full read decides
        if len(refs) > MAX_SHARE * max(len(ids[title]), 1) and len(refs) > 10:
            return None
        rows[title] = sorted(n for found in where.values() for n in found)
    ranges = [(title, first, last) for title, numbers in rows.items() for first, last in _runs(numbers)]
    found = gateway.read_ranges(spreadsheet, [f"{gateway.a1_tab(t)}!{a}:{b}" for t, a, b in ranges]) if ranges else []
    tabs = {}
    lengths = {}
    for title in names.values():
        length = max(seen.lengths.get(title, 1), max(ids[title], default=1), len(columns[title]))
        lengths[title] = length
        values: list[list[Any]] = [list(seen.headers[title])] + [[] for _n in range(length - 1)]
        tabs[title] = gateway.TabValues(title, values, seen.grids.get(title, length), len(seen.headers[title]))
    for (title, first, _last), cells in zip(ranges, found, strict=True):
        for offset, row in enumerate(cells):
            tabs[title].values[first - 1 + offset] = list(row)
    known = snapshot.sides[CUSTOMERS.key].database
    for key in (PLANS.key, TICKETS.key):
        column = column_maps.get(key, {}).get("customer_ref")
        if column is None or not rows.get(names[key]):
            continue
        side = snapshot.sides[key]
        for number in rows[names[key]]:
            cells = tabs[names[key]].values[number - 1]
            typed = raw_text(cells[column] if column < len(cells) else "").strip()
            ref = ids[names[key]].get(number, "")
            if typed not in known and typed != (side.database.get(ref) or side.base.get(ref) or {}).get("customer_ref"):
                return None  # a customer the snapshot did not read, or one matched by name: the full read
    return Narrowed(names, tabs, ids, wanted, lengths)


def _runs(numbers: list[int]):
    """Consecutive row numbers as (first, last) ranges."""
    start = previous = None
    for number in numbers:
        if previous is not None and number == previous + 1:
            previous = number
            continue
        if start is not None:
            yield start, previous
        start = previous = number
    if start is not None:
        yield start, previous


def narrow(tab: TabInput, refs: set[str], length: int) -> TabInput:
    """The tab's merge input with only the rows read: their records' database and base, no free
    rows (the unread ones are not blank), new rows after the last row in use."""
    held = {str(row.values.get(ID, "")).strip() for row in tab.rows} | refs
    tab.database = {ref: tab.database[ref] for ref in held if ref in tab.database}
    tab.base = {ref: tab.base[ref] for ref in held if ref in tab.base}
    tab.open_conflicts = {ref: tab.open_conflicts[ref] for ref in held if ref in tab.open_conflicts}
    tab.free_rows = []
    tab.next_row = length + 1
    return tab

