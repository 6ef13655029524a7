"""What one sheet holds and how it differs from the everyone-sheet: its scope, as the cycle's hooks.

The cycle (sync/cycle.py) is one spreadsheet's; a Scope narrows it to a registered sheet:
the snapshot to the records its scope holds (in its SQL: a rep's sheet reads only its book)
and its own base, the header to its columns, the
cells to masked contacts and an Owner column the sheet cannot change, the history to its
person. The default Scope() changes nothing: the settings' everyone-sheet as it always was.

A record that leaves the scope (a customer reassigned to another rep) is simply no longer in
the narrowed database while its row and base are still there: the merge lets it leave the
sheet, as it does a record archived in the panel, and archives nothing. A row deleted by a
person is a record in scope whose row is gone: archived, as before.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from backoffice import actors
from backoffice.csvio.cells import mask
from backoffice.db import db
from backoffice.i18n import _
from backoffice.models import CarePlan, Customer, SheetBase, SyncRun, Ticket, User
from backoffice.writer import chunks, insert_dicts

from .columns import CUSTOMERS, ID, OK, PLANS, STATUS, TICKETS, Table, header_map, raw_text
from .merge import STATUS_LIMIT, Plan, RowNote, TabInput
from .snapshot import Side, Snapshot, Within
from .snapshot import load as load_snapshot

CONTACTS = ("phone", "email")
_MODELS = {CUSTOMERS.key: Customer, PLANS.key: CarePlan, TICKETS.key: Ticket}


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


@dataclass
class Scope:
    sheet_id: int | None = None  # the SheetConnection; None: the settings' everyone-sheet (SyncBase)
    kind: str = "everyone"  # everyone | owner | team | region
    person: str = ""  # the login of the person the sheet belongs to
    person_id: int | None = None
    owners: frozenset[str] = frozenset()  # owner, team: the logins whose books it holds
    region: str = ""
    shown: tuple[str, ...] = ()  # fields it shows; (): all
    masked: bool = False
    # Worked out per cycle (a Scope serves one run).
    foreign: dict[str, set[str]] = field(default_factory=dict)  # table -> refs held by other sheets only
    _owner_back: dict[str, dict[int, str]] = field(default_factory=dict)
    _remask: dict[str, dict[tuple[int, str], tuple[str, str]]] = field(default_factory=dict)
    _refused: dict[str, dict[int, tuple[str, str]]] = field(default_factory=dict)
    _told: dict[str, dict[int, tuple[str, str]]] = field(default_factory=dict)  # new rows: notice, status

    @property
    def scoped(self) -> bool:
        return self.kind != "everyone"

    @property
    def actor(self) -> actors.Actor:
        """Who the history says made the sheet's edits: its person, via the sheet."""
        if self.person_id is None:
            return actors.SHEET
        return actors.Actor("sheet", f"{self.person} via the sheet", self.person_id)

    def holds(self, customer: dict[str, str]) -> bool:
        """Whether a customer (its canonical texts) is in this sheet."""
        if self.kind in ("owner", "team"):
            return customer.get("owner", "").casefold() in self.owners
        if self.kind == "region":
            return _same(customer.get("region", ""), self.region)
        return True

    def handles(self, login: str) -> bool:
        """Whether a ticket handled by `login` is in this sheet's book (an owner's or a team's)."""
        return bool(login) and self.kind in ("owner", "team") and login.casefold() in self.owners

    # -- the database side ------------------------------------------------------------

    def load(self, region: str, now, only: dict[str, set[str]] | None = None) -> Snapshot:
        """The snapshot of this sheet's records; `only` ({table key: refs}): of those alone (sync/narrow.py)."""
        snapshot = load_snapshot(region, now, base=None if self.sheet_id is None else self._base,
                                 within=self.within(), only=only)
        if self.scoped:
            self._narrow(snapshot)
        return snapshot

    def within(self) -> Within:
        """The scope as conditions in the snapshot's queries, so a rep's sheet reads only its book
        (the book rule of Customer.in_book_of; a ticket also with whoever handles it), and the open
        conflicts of this sheet's own runs."""
        sheet = SyncRun.sheet.is_null() if self.sheet_id is None else SyncRun.sheet == self.sheet_id
        if not self.scoped:
            return Within(conflicts=sheet)
        if self.kind == "region":
            regions = [r for (r,) in Customer.select(Customer.region).distinct().tuples()
                       if r and _same(r, self.region)]
            customers = Customer.region.in_(regions)
            return Within(customers=customers, tickets=customers, conflicts=sheet)
        ids = [pk for pk, login in User.select(User.id, User.email).tuples() if login.casefold() in self.owners]
        return Within(customers=Customer.owner.in_(ids),
                      tickets=Customer.owner.in_(ids) | Ticket.assignee.in_(ids), conflicts=sheet)

    def _narrow(self, snapshot: Snapshot) -> None:
        customers = snapshot.sides[CUSTOMERS.key]
        held = {ref for ref, values in customers.database.items() if self.holds(values)}
        for key, side in snapshot.sides.items():
            if side.table is CUSTOMERS:
                keep = held
            else:  # plans, tickets: with their customer; a ticket also with whoever handles it, as
                # in the panel's book (Ticket.in_book_of): a rep's sheet holds the tickets given to them
                keep = {ref for ref, values in side.database.items() if values.get("customer_ref") in held
                        or self.handles(values.get("assignee", ""))}
            self.foreign[key] = set(side.database) - keep
            side.database = {ref: side.database[ref] for ref in keep}

    def _base(self, sides: dict[str, Side], refs: set[str] | None = None) -> None:
        query = (SheetBase.select(SheetBase.table, SheetBase.ref, SheetBase.data)
                 .where(SheetBase.sheet == self.sheet_id).tuples())
        if refs is not None:
            query = query.where(SheetBase.ref.in_(sorted(refs)))
        for table, ref, data in query:
            if table in sides:
                sides[table].base[ref] = json.loads(data)

    def store_base(self, plan: Plan, stale: set[str]) -> None:
        """The plan's new base for this sheet (records.apply's, for SheetBase)."""
        if self.sheet_id is None:
            raise RuntimeError("the everyone-sheet keeps its base in SyncBase")
        changed = {ref: data for ref, data in plan.base.items() if ref not in stale}
        refs = list(changed)
        for part in chunks(refs):
            SheetBase.delete().where(SheetBase.sheet == self.sheet_id, SheetBase.table == plan.table.key,
                                     SheetBase.ref.in_(part)).execute()
        rows = [{"sheet": self.sheet_id, "table": plan.table.key, "ref": ref,
                 "data": json.dumps(data, sort_keys=True)} for ref, data in changed.items() if data is not None]
        with db.atomic():
            insert_dicts(SheetBase, rows)

    # -- the sheet side -----------------------------------------------------------------

    def columns(self, table: Table) -> tuple[str, ...]:
        """The table's fields this sheet shows: all, unless some besides the names were chosen."""
        chosen = [c.field for c in table.columns if c.field in self.shown and c.field not in table.names]
        if not chosen:
            return table.fields
        return tuple(c.field for c in table.columns if c.field in self.shown or c.field in table.names)

    def header_map(self, table: Table, header_row: list[Any]) -> tuple[dict[str, int], list[str]]:
        """header_map over the columns shown: one left out is not missing."""
        shown = self.columns(table)
        narrow = dataclasses.replace(table, columns=tuple(c for c in table.columns if c.field in shown))
        return header_map(narrow, header_row)

    def before_merge(self, tab: TabInput) -> TabInput:
        """The rows as the merge must read them: hidden fields as the database has them, masks as
        the values they stand for, Owner as the database has it, other sheets' records held back."""
        table, key = tab.table, tab.table.key
        hidden = [f for f in table.fields if f not in self.columns(table)]
        foreign = self.foreign.get(key, set()) | self._elsewhere(tab)
        owner_back, remask, refused, told = {}, {}, {}, {}
        kept = []
        for row in tab.rows:
            ref = raw_text(row.values.get(ID)).strip()
            if ref in foreign and ref not in tab.base:
                why = table.column(ID).heading() + ": " + _(
                    "%(ref)s is not in this sheet's book - this row was not saved", ref=ref)
                refused[row.number] = (why, raw_text(row.values.get(STATUS)))
                continue
            database, base = tab.database.get(ref), tab.base.get(ref)
            for name in hidden:
                row.values[name] = database.get(name, "") if database is not None else ""
            if self.masked:
                self._unmask(table, row, database, base, remask)
            if self.scoped and "owner" in table.fields:
                self._owner(tab, row, ref, database, owner_back, told)
            kept.append(row)
        tab.rows = kept
        self._owner_back[key], self._remask[key], self._refused[key] = owner_back, remask, refused
        self._told[key] = told
        return tab

    def _elsewhere(self, tab: TabInput) -> set[str]:
        """The IDs in the rows that name records outside this sheet's scope (the snapshot read only
        the scope's): one query for the few rows whose ID the sheet's records do not explain."""
        if not self.scoped:
            return set()
        unknown = {ref for ref in (raw_text(row.values.get(ID)).strip() for row in tab.rows)
                   if ref and ref not in tab.database and ref not in tab.base and ref not in tab.archived}
        model = _MODELS[tab.table.key]
        found: set[str] = set()
        for part in chunks(sorted(unknown)):
            found.update(ref for (ref,) in model.select(model.ref).where(model.ref.in_(part)).tuples())
        return found

    def _unmask(self, table: Table, row, database, base, remask) -> None:
        for name in CONTACTS:
            if name not in table.fields:
                continue
            raw = raw_text(row.values.get(name))
            known = [v[name] for v in (database, base) if v is not None and v.get(name)]
            stands_for = next((text for text in known if raw == mask(text)), None)
            if stands_for is not None:
                row.values[name] = stands_for  # the mask is the value it hides, never a new value
            elif raw.strip():
                remask[(row.number, name)] = (raw_text(row.values.get(ID)).strip(), raw)

    def _owner(self, tab: TabInput, row, ref: str, database, owner_back, told) -> None:
        typed = raw_text(row.values.get("owner")).strip()
        if database is not None:
            if not _same(typed, database.get("owner", "")):
                row.values["owner"] = database.get("owner", "")
                owner_back[row.number] = database.get("owner", "")
                self._note(tab, row.number, _(
                    "%(column)s: in this sheet the owner is set in the panel - your edit was put back",
                    column=tab.table.column("owner").heading().lower()))
        elif ref not in tab.base and ref not in tab.archived and self.person:
            if typed and not _same(typed, self.person):  # a new row: the sheet's person's
                # the merge says a created row's notices itself; this one joins its status after
                told[row.number] = (_("%(column)s: a new row in this sheet belongs to %(person)s",
                                      column=tab.table.column("owner").heading().lower(), person=self.person),
                                    raw_text(row.values.get(STATUS)))
            row.values["owner"] = self.person
            owner_back[row.number] = self.person

    @staticmethod
    def _note(tab: TabInput, number: int, notice: str) -> None:
        note = tab.row_notes.get(number)
        if note is None:
            note = tab.row_notes[number] = RowNote()
        note.notices.append(notice)

    def after_merge(self, plan: Plan, tab: TabInput) -> Plan:
        """The plan as this sheet must write it: only shown columns, masks, Owner put back."""
        key = tab.table.key
        shown = set(self.columns(tab.table))
        hidden = set(tab.table.fields) - shown
        for cell in [c for c in plan.cells if c[1] in hidden]:
            del plan.cells[cell]
        for number, marks in plan.marks.items():
            plan.marks[number] = {n: why for n, why in marks.items() if n not in hidden}
        for number, owner in self._owner_back.get(key, {}).items():
            plan.cells.setdefault((number, "owner"), owner)
        if self.masked:
            self._mask(plan, tab, shown)
        for number, (notice, current) in self._told.get(key, {}).items():
            status = plan.cells.get((number, STATUS), current)
            plan.cells[(number, STATUS)] = (f"{OK} - {notice}" if not status
                                            else f"{status}; {notice}")[:STATUS_LIMIT]
        for number, (why, current) in self._refused.get(key, {}).items():
            plan.rejected += 1
            if current != why:
                plan.cells[(number, STATUS)] = why
                plan.marks[number] = {ID: why, STATUS: ""}
        return plan

    def _mask(self, plan: Plan, tab: TabInput, shown: set[str]) -> None:
        for (number, name), text in list(plan.cells.items()):
            if name in CONTACTS and text:
                plan.cells[(number, name)] = mask(text)
        for (number, name), (ref, raw) in self._remask.get(tab.table.key, {}).items():
            if (number, name) in plan.cells or name in plan.marks.get(number, {}) or name not in shown:
                continue  # written already, or refused: the typed text stays to be fixed
            value = (plan.updates.get(ref, {}).get(name) or plan.creates.get(ref, {}).get(name)
                     or tab.database.get(ref, {}).get(name, ""))
            if value and raw != mask(value):
                plan.cells[(number, name)] = mask(value)
