"""Cycles that cost what changed: while the edit journal is live, a cycle with nothing new reads nothing more.

Every cycle used to read the whole sheet and the whole database, also when nobody had changed
anything. The sheet's journal (sync/journal.py) sees every edit a person makes, so while it is
live a cycle first takes a quick look: the `_journal` tab and the tabs' header rows in one small
values.batchGet, and a handful of aggregate queries that move whenever the database changes
(`mark`). No journaled line, the same headers and the same mark as after the last quiet full
cycle: the cycle is done, having read nothing else and written nothing.

The quick look is taken only while all of these hold, else the cycle reads everything as before:
- the journal was found live by a full cycle of this process (a restart starts with a full one);
- the last full cycle of this spreadsheet and scope changed nothing, and the database's mark did
  not move while it ran (a panel save mid-cycle, a cycle's own commit: the next cycle is full);
- less than `sheet.full_read_minutes` have passed since that full read, on the same office day.
  The full read is the safety net for what the journal cannot see: sorts, deleted or inserted
  rows, other programs' writes, a version restored from the history, and derived fields that
  move with the date (closeness over the last 30 days).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import weakref
from dataclasses import dataclass, field
from typing import Any

from peewee import fn

from backoffice import clock
from backoffice.models import (
    CarePlan,
    Change,
    Conflict,
    Customer,
    Industry,
    Interaction,
    SheetBase,
    SheetConnection,
    SyncBase,
    Tag,
    Ticket,
    TicketOption,
    User,
)

from . import gateway, journal
from .sheets import SheetError


@dataclass(frozen=True)
class Seen:
    """What a quiet full cycle left: when it read everything, the database's mark, the headers."""
    key: str  # the settings and scope it ran under
    full_at: dt.datetime
    day: dt.date
    mark: tuple
    headers: dict[str, list[Any]]  # tab title -> its header row as read
    names: dict[str, str] = field(default_factory=dict)  # table key -> its tab's title
    lengths: dict[str, int] = field(default_factory=dict)  # tab title -> rows in use (header included)
    grids: dict[str, int] = field(default_factory=dict)  # tab title -> the grid's rows


@dataclass
class Look:
    """What the quick look found: nothing new (`quiet`), or the journal's rows and the database's
    mark, for a cycle that reads only the rows that changed (sync/narrow.py)."""
    quiet: bool = False
    seen: Seen | None = None
    journal: list[list[Any]] = field(default_factory=list)  # the `_journal` tab as read, header first
    mark: tuple = ()


SCOPE_FIELDS = ("sheet_id", "kind", "person", "owners", "region", "shown", "masked")  # not its per-run state
# open spreadsheet -> {scope key: Seen}; a new connection (after an error, a restart) starts over
_seen: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_distrusted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # open spreadsheet -> {scope key}


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, set | frozenset) else str(value)


def key(settings: dict, scope) -> str:
    """The settings and the scope a cycle runs under: a change of either makes the next cycle full."""
    text = json.dumps([settings.get("sheet"), settings.get("tiers"), settings.get("care"),
                       settings.get("phone"), [getattr(scope, name, None) for name in SCOPE_FIELDS]],
                      sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode()).hexdigest()


class Mark(tuple):
    """The database's mark, with the newest `updated_at` of each synced table (`stamps`): the
    records changed since are read by their stamp (sync/narrow.py)."""
    stamps: dict[str, Any]


# Parts of the mark that may move while a cycle still reads only what changed (sync/narrow.py):
# the history's newest row and each synced table's newest updated_at. Anything else (records
# made, users, dictionaries, interactions, conflicts, the base's size) makes the cycle full.
MOVABLE = frozenset({0, 2, 4, 6})


def mark(scope) -> tuple:
    """Aggregates that move whenever anything the cycle reads from the database changes.

    Every tracked change writes a `Change` row; counts and the newest `updated_at` also catch
    writes made without one (bulk moves), and the rest stand for what the merge's rules read.
    """
    parts: list[Any] = [Change.select(fn.MAX(Change.id)).scalar()]
    stamps = {"change": parts[0]}
    for model, table in ((Customer, "customer"), (CarePlan, "plan"), (Ticket, "ticket")):
        count, newest, stamp = model.select(fn.COUNT(model.id), fn.MAX(model.id), fn.MAX(model.updated_at)).tuples()[0]
        parts += [(count, newest), stamp]
        stamps[table] = stamp
    parts.append(Interaction.select(fn.COUNT(Interaction.id), fn.MAX(Interaction.id)).tuples()[0])
    parts.append(Conflict.select(fn.COUNT(Conflict.id), fn.MAX(Conflict.id),
                                 fn.SUM(Conflict.resolved.cast("integer"))).tuples()[0])
    parts.append(list(User.select(User.id, User.email, User.active, User.role, User.is_sales_lead, User.team)
                      .order_by(User.id).tuples()))
    for model in (Tag, Industry, TicketOption):
        parts.append(model.select(fn.COUNT(model.id), fn.MAX(model.id)).tuples()[0])
    if getattr(scope, "sheet_id", None) is None:
        parts.append(SyncBase.select(fn.COUNT(SyncBase.id)).scalar())
    else:
        parts.append(SheetBase.select(fn.COUNT(SheetBase.id)).where(SheetBase.sheet == scope.sheet_id).scalar())
        parts.append(list(SheetConnection.select().where(SheetConnection.id == scope.sheet_id).tuples()))
    found = Mark(str(p) for p in parts)
    found.stamps = stamps
    return found


def narrowable(now: tuple, then: tuple) -> bool:
    """Whether the database moved only by records changed in place since `then` (see MOVABLE)."""
    return len(now) == len(then) and all(a == b for i, (a, b) in enumerate(zip(now, then, strict=True))
                                         if i not in MOVABLE)


def nothing_new(spreadsheet, settings: dict, scope) -> bool:
    """The quick look: True when this cycle has nothing to read or write (see the module's doc)."""
    return look(spreadsheet, settings, scope).quiet


def look(spreadsheet, settings: dict, scope) -> Look:
    """The quick look: nothing new (quiet), a few rows changed (the look's journal rows and mark,
    for sync/narrow.py), or a full read (an empty Look)."""
    seen = (_seen.get(spreadsheet) or {}).get(key(settings, scope))
    if seen is None or journal.is_live(spreadsheet) is not True:
        return Look()
    now = clock.now()
    minutes = float(settings["sheet"].get("full_read_minutes", 10))
    if now - seen.full_at >= dt.timedelta(minutes=minutes) or now < seen.full_at or clock.today() != seen.day:
        return Look()
    current = mark(scope)
    if current != seen.mark and not (seen.names and narrowable(current, seen.mark)):
        return Look()
    heads = list(seen.headers)
    try:
        found = gateway.read_ranges(spreadsheet, [gateway.a1_tab(journal.TAB)]
                                    + [f"{gateway.a1_tab(t)}!1:1" for t in heads])
    except SheetError as exc:
        if exc.code != 400:
            raise
        return Look()  # a tab gone since: the full read says which
    lines, *headers = found
    if not all((rows[0] if rows else []) == seen.headers[t] for t, rows in zip(heads, headers, strict=True)):
        return Look()
    if len(lines) <= 1 and current == seen.mark:
        return Look(quiet=True)
    if not seen.names:
        return Look()  # a person's edit: the full cycle reads and merges it
    return Look(seen=seen, journal=lines, mark=current)  # a few rows: sync/narrow.py


def remember(spreadsheet, settings: dict, scope, before: tuple, headers: dict[str, list[Any]],
             quiet: bool, missed: bool, read_lines: bool, names: dict[str, str] | None = None,
             lengths: dict[str, int] | None = None, narrowed: Seen | None = None,
             grids: dict[str, int] | None = None) -> str:
    """After a full cycle: keep what the next quick look compares with, or forget it; returns the
    journal's state for the run (live, absent or missed).

    Kept only when the cycle changed nothing and the database's mark did not move while it ran;
    after a cycle that read only the rows that changed (`narrowed`, the Seen it started from),
    kept with that full read's time and the mark the cycle began with, whatever it changed: the
    next cycle reads again the records changed since (its own commit's among them).
    `missed`: the read found a person's edit no journal line named (the script removed or
    disabled, an edit made while it was): the journal is not trusted, and every cycle reads
    everything, until a cycle reads journal lines again (`read_lines`).
    """
    found = _seen.setdefault(spreadsheet, {})
    scope_key = key(settings, scope)
    found.pop(scope_key, None)
    if journal.is_live(spreadsheet) is not True:
        return "absent"
    distrusted = _distrusted.setdefault(spreadsheet, set())
    if missed:
        distrusted.add(scope_key)
    elif read_lines:
        distrusted.discard(scope_key)
    if scope_key in distrusted:
        return "missed"
    if narrowed is not None:
        if quiet:
            found[scope_key] = Seen(scope_key, narrowed.full_at, narrowed.day, before, narrowed.headers,
                                    narrowed.names, {**narrowed.lengths, **(lengths or {})}, narrowed.grids)
    elif quiet and mark(scope) == before:
        found[scope_key] = Seen(scope_key, clock.now(), clock.today(), before, headers, names or {}, lengths or {},
                                  grids or {})
    return "live"


def begin(spreadsheet, settings: dict, scope) -> tuple:
    """A full cycle begins: forget the last quiet one (a failed or killed cycle leaves nothing
    to compare with) and take the database's mark before anything is read."""
    (_seen.get(spreadsheet) or {}).pop(key(settings, scope), None)
    return mark(scope)


def missed_edits(plans, lines) -> bool:
    """Whether the read holds a person's edit that no journal line names: a value to save in the
    database for a record no line names, or a new row while no line was for a row without an ID."""
    named = {line.ref for line in lines}
    for plan in plans:
        if set(plan.updates) - named:
            return True
        if plan.creates and "" not in named:
            return True
    return False
