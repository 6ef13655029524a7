"""The database as a cycle reads it: every synced record as canonical texts, in a fixed number of queries."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from peewee import JOIN, CharField, TextField

from backoffice import rules
from backoffice.care import derive
from backoffice.db import db
from backoffice.models import (
    CarePlan,
    Conflict,
    Customer,
    Industry,
    SyncBase,
    SyncRun,
    Tag,
    Ticket,
    TicketOption,
    User,
)

from .columns import CUSTOMERS, PLANS, TICKETS, Table, as_text

# Beside a customer's synced texts (never written anywhere): what its derived fields come from.
TOUCHES, LAST_TOUCH = "touches_30_days", "last_touch"

# Model instances are not built here: at 10k+ records that cost more than the rest of the cycle.
# The writer loads the few records a plan touches (records.apply), checking them for staleness.


@dataclass
class Side:
    """One table as the merge sees it, plus what the writer needs to find its records again."""
    table: Table
    database: dict[str, dict[str, str]] = field(default_factory=dict)
    archived: set[str] = field(default_factory=set)
    base: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)  # ref -> id (all records, archived too)
    stamps: dict[str, Any] = field(default_factory=dict)  # ref -> updated_at as the database gave it
    open_conflicts: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # ref -> {(field, kept)}


@dataclass
class Snapshot:
    sides: dict[str, Side]
    ctx: rules.Context
    users: dict[str, int]  # login -> id
    industries: dict[str, int]  # name -> id


class _Texts(dict):
    """Raw database value -> canonical text; each distinct value is converted once (dates, amounts repeat)."""

    def __init__(self, model_field) -> None:
        super().__init__()
        self.model_field = model_field

    def __missing__(self, key: tuple[type, Any]) -> str:
        raw = key[1]
        text = as_text(None if raw is None else self.model_field.python_value(raw))
        self[key] = text
        return text


def _column_texts(model_field, raws: tuple) -> list[str]:
    """One column's raw values as texts, the same as as_text(python_value(raw)) for each."""
    if isinstance(model_field, CharField | TextField):
        # text the driver hands back as str is its own canonical text; anything else converts
        return [raw if raw.__class__ is str else as_text(model_field.python_value(raw)) if raw is not None
                else "" for raw in raws]
    texts = _Texts(model_field)
    return [texts[(raw.__class__, raw)] for raw in raws]  # the type too: 1 == 1.0 == True as keys


def _read(side: Side, query, converters: list) -> None:
    """Fill a side from `query`: id, ref, archived, updated_at, then one column per (name, field) converter."""
    rows = db.execute(query).fetchall()  # raw values: converted per column below, not per row
    if not rows:
        return
    ids, refs, archived, stamps, *columns = zip(*rows, strict=True)
    side.ids = dict(zip(refs, ids, strict=True))
    side.stamps = dict(zip(refs, stamps, strict=True))
    is_archived = CarePlan.archived.python_value
    names = [name for name, _c in converters]
    texts = [_column_texts(f, column) for (_n, f), column in zip(converters, columns, strict=True)]
    for ref, gone, values in zip(refs, archived, zip(*texts, strict=True), strict=True):
        if is_archived(gone):
            side.archived.add(ref)
        else:
            side.database[ref] = dict(zip(names, values, strict=True))


def _customers(where=None) -> Side:
    side = Side(CUSTOMERS)
    owner = User.alias()
    joined = {"owner": (owner.email, User.email), "industry": (Industry.name, Industry.name)}
    columns = [joined.get(n) or (getattr(Customer, n),) * 2 for n in CUSTOMERS.fields]
    columns.append((Customer.tier_override, Customer.tier_override))
    columns.append((Customer.created_at, Customer.created_at))
    names = [*CUSTOMERS.fields, "tier_override", "created_at"]
    query = (Customer.select(Customer.id, Customer.ref, Customer.archived, Customer.updated_at,
                             *(c for c, _f in columns))
             .join(owner, JOIN.LEFT_OUTER, on=(Customer.owner == owner.id)).switch(Customer)
             .join(Industry, JOIN.LEFT_OUTER, on=(Customer.industry == Industry.id)))
    query = query if where is None else query.where(where)
    _read(side, query, [(n, f) for n, (_c, f) in zip(names, columns, strict=True)])
    return side


def _plans(where=None) -> Side:
    side = Side(PLANS)
    owner = User.alias()
    joined = {"owner": (owner.email, User.email), "customer_ref": (Customer.ref, Customer.ref),
              "customer_name": (Customer.name, Customer.name)}
    columns = [joined.get(n) or (getattr(CarePlan, n),) * 2 for n in PLANS.fields]
    columns.append((CarePlan.playbook_step, CarePlan.playbook_step))  # the follow-up's plans: sync.followup
    names = [*PLANS.fields, "playbook_step"]
    query = (CarePlan.select(CarePlan.id, CarePlan.ref, CarePlan.archived, CarePlan.updated_at,
                             *(c for c, _f in columns))
             .join(Customer).switch(CarePlan)
             .join(owner, JOIN.LEFT_OUTER, on=(CarePlan.owner == owner.id)))
    query = query if where is None else query.where(where)  # the plans of the customers read
    _read(side, query, [(n, f) for n, (_c, f) in zip(names, columns, strict=True)])
    return side


def _tickets(where=None) -> Side:
    side = Side(TICKETS)
    assignee = User.alias()
    joined = {"assignee": (assignee.email, User.email), "customer_ref": (Customer.ref, Customer.ref),
              "customer_name": (Customer.name, Customer.name)}
    columns = [joined.get(n) or (getattr(Ticket, n),) * 2 for n in TICKETS.fields]
    query = (Ticket.select(Ticket.id, Ticket.ref, Ticket.archived, Ticket.updated_at, *(c for c, _f in columns))
             .join(Customer).switch(Ticket)
             .join(assignee, JOIN.LEFT_OUTER, on=(Ticket.assignee == assignee.id)))
    query = query if where is None else query.where(where)
    _read(side, query, [(n, f) for n, (_c, f) in zip(TICKETS.fields, columns, strict=True)])
    return side


def _care_facts(side: Side, now: dt.datetime, narrowed: bool = False) -> None:
    """What the derived fields are worked out from, beside each customer's texts: its interactions
    in the last 30 days and its last one (two aggregate queries), as care.derive reads them."""
    few = narrowed and len(side.ids) <= 10_000  # a narrowed read asks for its own customers only
    recent, last = derive.touches(now, list(side.ids.values()) if few else None)
    for ref, values in side.database.items():
        pk = side.ids[ref]
        values[TOUCHES] = str(recent.get(pk, 0))
        values[LAST_TOUCH] = last[pk].isoformat() if pk in last else ""


def _open_conflicts(sides: dict[str, Side], where=None, refs: set[str] | None = None) -> None:
    """The conflicts no admin has resolved yet: their rows keep saying so (one query).
    `where` (on Conflict joined to its SyncRun) keeps one sheet's: a conflict shows where it happened.
    `refs`: only those records' (a cycle that reads a few records)."""
    query = Conflict.select(Conflict.table, Conflict.ref, Conflict.field, Conflict.kept).where(~Conflict.resolved)
    if refs is not None:
        query = query.where(Conflict.ref.in_(sorted(refs)))
    if where is not None:
        query = query.join(SyncRun, JOIN.LEFT_OUTER).where(where)
    for table, ref, name, kept in query.tuples():
        if table in sides:
            sides[table].open_conflicts.setdefault(ref, set()).add((name, kept))


def _base(sides: dict[str, Side], refs: set[str] | None = None) -> None:
    """The stored base, parsed as one JSON array: one parse instead of one per record.
    `refs`: only those records' (a cycle that reads a few records)."""
    query = SyncBase.select(SyncBase.table, SyncBase.ref, SyncBase.data)
    rows = db.execute(query if refs is None else query.where(SyncBase.ref.in_(sorted(refs)))).fetchall()
    rows = [row for row in rows if row[0] in sides]
    parsed = json.loads("[" + ",".join(row[2] for row in rows) + "]")
    for (table, ref, _data), data in zip(rows, parsed, strict=True):
        sides[table].base[ref] = data


@dataclass(frozen=True)
class Within:
    """What one sheet's snapshot reads, as conditions in the queries (sync/scope.py); None: all."""
    customers: Any = None  # on Customer: the customers read, and the plans hanging off them
    tickets: Any = None  # on Ticket joined to its Customer
    conflicts: Any = None  # on Conflict joined to its SyncRun


def _and(where, condition):
    return condition if where is None else where & condition


def _only(within: Within, only: dict[str, set[str]]) -> tuple[Any, Any, Any]:
    """The conditions that read only the records `only` names ({table key: refs}) and what the merge
    needs beside them: the customers of those plans and tickets (their names), and the plans and
    tickets of those customers (the follow-up's plans, their customer labels)."""
    customers, plans, tickets = (sorted(only.get(t.key, ())) for t in (CUSTOMERS, PLANS, TICKETS))
    named = (Customer.ref.in_(customers)
             | Customer.id.in_(CarePlan.select(CarePlan.customer).where(CarePlan.ref.in_(plans)))
             | Customer.id.in_(Ticket.select(Ticket.customer).where(Ticket.ref.in_(tickets))))
    return (_and(within.customers, named),
            _and(within.customers, CarePlan.ref.in_(plans) | Customer.ref.in_(customers)),
            _and(within.tickets, Ticket.ref.in_(tickets) | Customer.ref.in_(customers)))


def load(region: str, now: dt.datetime | None = None, base=None, within: Within | None = None,
         only: dict[str, set[str]] | None = None) -> Snapshot:
    """Read both tables, the base and the dictionaries: a fixed number of queries, whatever the size.

    With `now`, each customer also carries the facts its derived fields come from (see TOUCHES).
    `base(sides)` fills the sides' bases instead of SyncBase (a registered sheet's own: sync/scope.py).
    `within` narrows what is read to one sheet's records and conflicts, in SQL.
    `only` ({table key: refs}) reads those records alone, with what their merge needs (see _only).
    """
    within = within or Within()
    if only is None:
        customers, plans, tickets = _customers(within.customers), _plans(within.customers), _tickets(within.tickets)
    else:  # a cycle that reads a few records (sync/narrow.py): those, and what their merge needs
        wheres = _only(within, only)
        customers, plans, tickets = _customers(wheres[0]), _plans(wheres[1]), _tickets(wheres[2])
    if now is not None:
        _care_facts(customers, now, narrowed=within.customers is not None or only is not None)
    sides = {side.table.key: side for side in (customers, plans, tickets)}
    if only is None:
        (base or _base)(sides)
        _open_conflicts(sides, within.conflicts)
    else:
        refs = {ref for key, side in sides.items() for ref in (*side.ids, *only.get(key, ()))}
        (base or _base)(sides, refs)
        _open_conflicts(sides, within.conflicts, refs)
    users = {u.email: u.id for u in User.select(User.id, User.email, User.active)}
    active = frozenset(u.email for u in User.select(User.email).where(User.active))
    industries = {i.name: i.id for i in Industry.select()}
    ctx = rules.Context(region=region, tags=Tag.names(), owners=active,
                        industries=tuple(sorted(n for n in industries)), tickets=TicketOption.words())
    return Snapshot(sides, ctx, users, industries)
