"""Care plans marked done from the sheet: a date typed into `Done on` does what the panel's Mark done does.

A row of the Care plans tab with `Done on` (and, optionally, `Outcome`) filled in logs the
interaction, moves Next due on by the plan's interval and refreshes the customer's closeness,
through the same `care.complete.mark_done` and `care.hooks.customers_changed` as the panel.

Unlike every other sheet edit, a completion is committed **before** the sheet is written: the
write clears the two cells, and a cleared cell whose completion was never committed would be a
touch lost. Each applied completion is kept (`SheetCompletion`) under the row's state when it
was applied, so a cycle that dies between this commit and its write finds the same row again
next time, recognises it and only clears the cells: nothing is logged twice.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from backoffice import actors, clock, rules
from backoffice.care.complete import mark_done
from backoffice.care.hooks import customers_changed
from backoffice.db import db
from backoffice.i18n import _, word
from backoffice.models import CarePlan, SheetCompletion

from . import copies
from .columns import ID, PLANS, STATUS, raw_text
from .merge import RowNote
from .snapshot import Side

COMMANDS = tuple(c.field for c in PLANS.commands)  # done_on, outcome


@dataclass
class Typed:
    """One row's completion as typed: valid (with the key of the row's state) or refused."""
    number: int  # the sheet's row
    ref: str
    done_on: dt.date | None = None
    outcome: str | None = None
    key: str = ""
    by: str | None = None  # the login of the person who typed it, where the cycle knows it
    error: tuple[str, str] | None = None  # (field, why it was refused)


def read(values: list[list[Any]], columns: Mapping[str, int], side: Side, ctx: rules.Context,
         today: dt.date, editors: Mapping[int, str] | None = None) -> list[Typed]:
    """The completions typed into the tab's rows, checked by the rules (no I/O).

    Only a working plan's own row counts: a pasted copy is flagged by the merge and a new row
    has no plan yet (its completion is applied by the cycle after the one that creates it).
    `editors` names who typed in which row, when the cycle knows it.
    """
    if "done_on" not in columns:
        return []  # a tab laid out before the column existed: `sheet init` adds it

    def cell(cells: list[Any], name: str) -> Any:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    rows = [SimpleNamespace(number=number, values={ID: cell(cells, ID), STATUS: cell(cells, STATUS)},
                            cells=cells)
            for number, cells in enumerate(values[1:], start=2) if raw_text(cell(cells, "done_on")).strip()]
    if not rows:
        return []
    own = copies.record_rows(PLANS, rows)
    checks = rules.completion_rules(ctx, today)
    found = []
    for row in rows:
        ref = raw_text(row.values[ID]).strip()
        if ref not in side.database or own.get(ref) != row.number or copies.is_flagged(row.values, ref):
            continue
        typed = Typed(row.number, ref, by=(editors or {}).get(row.number))
        try:
            typed.done_on = _clean(checks, "done_on", cell(row.cells, "done_on"))
            typed.outcome = _clean(checks, "outcome", cell(row.cells, "outcome"))
        except _Refused as refused:
            typed.error = refused.args
            found.append(typed)
            continue
        status = side.database[ref].get("status")
        if status != "active":
            typed.error = ("done_on", _inactive(status))
        state = "\n".join((ref, typed.done_on.isoformat(), typed.outcome or "",
                           raw_text(cell(row.cells, "next_due"))))
        typed.key = hashlib.sha256(state.encode()).hexdigest()
        found.append(typed)
    return found


class _Refused(Exception):
    pass


def _inactive(status: str) -> str:
    return _not_saved(_("done on") + ": " + _(
        "only an active care plan can be marked done; this one is %(status)s",
        status=word("plan_status", status)))


def _not_saved(error: str) -> str:
    return _("%(error)s - not saved", error=error)


def _clean(checks: dict[str, rules.Rule], name: str, raw: Any):
    rule = checks[name]
    if isinstance(raw, int | float) and not isinstance(raw, bool) and name == "outcome":
        raw = raw_text(raw)  # a number typed as the outcome is its digits
    try:
        if isinstance(raw, str) and raw.lstrip().startswith("="):
            raise rules.RuleError(_('"%(value)s" is a formula; type the value itself', value=raw[:40]))
        return rule.clean(raw)
    except rules.RuleError as exc:
        raise _Refused(name, _not_saved(f"{rule.label}: {exc}")) from None


def apply(found: list[Typed], side: Side, users: Mapping[str, int], settings: dict,
          now: dt.datetime | None = None, actor: actors.Actor = actors.SHEET) -> int:
    """Apply the completions not applied before, in one transaction; how many were new.

    Each logs its interaction (by the person where known), moves the plan on and is kept under
    its key; the customers' closeness and churn risk follow, as after the panel's Mark done.
    """
    todo = {side.ids[t.ref]: t for t in found if t.error is None and t.ref in side.ids}
    if not todo:
        return 0
    with db.atomic():
        known = {(row.plan_id, row.key) for row in SheetCompletion.select(SheetCompletion.plan, SheetCompletion.key)
                 .where(SheetCompletion.plan.in_(list(todo)))}
        fresh = {plan_id: t for plan_id, t in todo.items() if (plan_id, t.key) not in known}
        if not fresh:
            return 0
        customers = set()
        with actors.acting_as(actor):
            for plan in CarePlan.select().where(CarePlan.id.in_(list(fresh))):
                typed = fresh[plan.id]
                if plan.archived or plan.status != "active":  # changed in the panel since the snapshot
                    typed.error = ("done_on", _inactive("archived" if plan.archived else plan.status))
                    continue
                by = SimpleNamespace(id=users[typed.by]) if typed.by in users else None
                [logged] = mark_done([plan], typed.done_on, channel=plan.channel or "phone",
                                     summary=typed.outcome or plan.title, user=by)
                SheetCompletion.create(plan=plan.id, done_on=typed.done_on, key=typed.key,
                                       interaction=logged.id)
                customers.add(plan.customer_id)
        if customers:
            customers_changed(customers, settings, actor=actor, now=now)
    return sum(1 for t in fresh.values() if t.error is None)


def notes(found: list[Typed], side: Side) -> dict[int, RowNote]:
    """What each row's status says: why a completion was refused, or what it did (then the two
    cells are cleared). `side` is read after `apply`, so Next due is the moved one."""
    result = {}
    for typed in found:
        if typed.error is not None:
            name, why = typed.error
            result[typed.number] = RowNote(errors={name: why})
            continue
        plan = side.database.get(typed.ref, {})
        if plan.get("status") == "done":  # a single touch (the win-back call) closes its plan
            notice = _("done on %(day)s; this plan is finished", day=typed.done_on.isoformat())
        else:
            notice = _("done on %(day)s, next due %(due)s", day=typed.done_on.isoformat(),
                       due=plan.get("next_due", ""))
        result[typed.number] = RowNote(notices=[notice], clear=COMMANDS)
    return result


MOVED = ("last_done", "next_due", "status")  # what Mark done moves on the plan


def defer_moves(tab_input, found: list[Typed]):
    """A row marked done takes Mark done's moves from the database.

    Its Last done, Next due and status cells were read before the completion moved them. They
    count as unchanged since the base, so the merge keeps the database's moved values and writes
    them; else a cell that differs from its base (or a row a crashed cycle wrote, with no base
    yet) would be a sheet edit, and with the sheet's conflict policy undo the completion.
    """
    rows = {typed.number for typed in found if typed.error is None}
    bases = dict(tab_input.base)
    for row in tab_input.rows:
        ref = raw_text(row.values.get(ID)).strip()
        if row.number in rows and ref in tab_input.database:
            base = dict(bases.get(ref) or {})
            base.update({name: raw_text(row.values.get(name)) for name in MOVED if name in row.values})
            bases[ref] = base
    tab_input.base = bases
    return tab_input


def take(tab, columns: Mapping[str, int] | None, snapshot, settings: dict,
         now: dt.datetime | None = None, person: str = "",
         actor: actors.Actor = actors.SHEET) -> tuple[list[Typed], int]:
    """Read the Care plans tab's completions and apply the new ones: (what was typed, how many
    were applied now). The cycle reads the database again when any was applied.

    In a person's sheet (`person`, their login) a completion nobody else is known to have typed
    is theirs: the interaction is logged as their touch, and the history names `actor`."""
    if tab is None or columns is None:
        return [], 0
    side = snapshot.sides[PLANS.key]
    found = read(tab.values, columns, side, snapshot.ctx, clock.today())
    for typed in found:
        typed.by = typed.by or person or None
    return found, apply(found, side, snapshot.users, settings, now, actor)
