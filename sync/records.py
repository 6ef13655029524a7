"""The database side of a cycle: conflicts logged, and plans applied in bulk (the reading is sync.snapshot)."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from peewee import DateField, DecimalField, IntegerField

from backoffice import actors
from backoffice.care.hooks import customers_changed
from backoffice.db import db
from backoffice.models import CarePlan, Conflict, Customer, SyncBase, Ticket, utcnow
from backoffice.tickets import flow as ticket_flow
from backoffice.writer import Batch, chunks, insert_dicts

from .columns import CUSTOMERS, PLANS, TICKETS
from .followup import FollowUp
from .merge import Conflict as ConflictNote
from .merge import Plan
from .snapshot import Side, Snapshot

FOREIGN = {"owner": "owner", "industry": "industry", "customer_ref": "customer", "assignee": "assignee"}
MODELS = {CUSTOMERS.key: Customer, PLANS.key: CarePlan, TICKETS.key: Ticket}
# What a ticket's status implies, stamped by the commit as the panel's flow stamps it.
TICKET_TIMES = ("first_response_at", "resolved_at", "closed_at", "response_due", "resolution_due")


def log_conflicts(notes: list[tuple[str, ConflictNote]], run_id: int | None) -> int:
    """Keep every losing value before the sheet is overwritten; a repeated cycle adds no twin."""
    if not notes:
        return 0
    refs = sorted({n.ref for _t, n in notes})
    open_ = set()
    for chunk in chunks(refs):
        for c in Conflict.select().where(Conflict.ref.in_(chunk), ~Conflict.resolved):
            open_.add((c.table, c.ref, c.field, c.sheet_value, c.database_value))
    rows = [{"run": run_id, "table": t, "ref": n.ref, "field": n.field, "base_value": n.base,
             "sheet_value": n.sheet, "database_value": n.database, "kept": n.kept}
            for t, n in notes if (t, n.ref, n.field, n.sheet, n.database) not in open_]
    with db.atomic():
        insert_dicts(Conflict, rows)
    return len(rows)


def _python(snapshot: Snapshot, model_class, name: str, text: str, customer_ids: dict[str, int]) -> tuple[str, Any]:
    """A canonical text as the value the model field stores."""
    if name in FOREIGN:
        lookup = {"owner": snapshot.users, "industry": snapshot.industries,
                  "customer_ref": customer_ids, "assignee": snapshot.users}[name]
        return FOREIGN[name], (lookup.get(text) if text else None)
    model_field = model_class._meta.fields[name]
    if text == "":
        return name, None
    if isinstance(model_field, DecimalField):
        return name, Decimal(text)
    if isinstance(model_field, DateField):
        return name, dt.date.fromisoformat(text)
    if isinstance(model_field, IntegerField):
        return name, int(text)
    return name, text


def _fresh(side: Side, model_class, refs: Iterable[str]) -> tuple[dict[str, Any], set[str]]:
    """The records a plan touches, read now, and those that are stale: saved in the panel after the
    snapshot was read (its `updated_at` moved), left for the next cycle to merge again."""
    wanted = {side.ids[r]: r for r in refs if r in side.ids}
    models: dict[str, Any] = {}
    stale = set(wanted.values())  # a record not found again (never expected: none is deleted) waits too
    loaded_at = model_class.updated_at.python_value
    for chunk in chunks(list(wanted)):
        for model in model_class.select().where(model_class.id.in_(chunk)):
            ref = wanted[model.id]
            if model.updated_at == loaded_at(side.stamps[ref]):
                models[ref] = model
                stale.discard(ref)
    return models, stale


def apply(snapshot: Snapshot, plans: list[Plan], settings: dict | None = None,
          now: dt.datetime | None = None, follow: FollowUp | None = None,
          actor: actors.Actor | None = None, store_base=None,
          editors: dict[str, actors.Actor] | None = None) -> dict[str, int]:
    """Write every plan in one transaction: creates, updates, archives, history and the new base.

    With `settings`, the customers the sheet created, changed or archived then get what a
    panel save gives them, in the same transaction: derived fields and their playbook plans.
    `follow` holds the playbook plans the cycle already wrote to the sheet (sync.followup): they
    are made under those ids first, so the follow-up finds them and makes no others.
    `actor` is who the history names (default: the sheet sync); `store_base(plan, stale)` keeps
    a registered sheet's base instead of SyncBase (sync/scope.py). `editors` names, per record, the
    person the sheet's edit journal gives for its edits (sync/journal.py).
    """
    counts = {"created": 0, "updated": 0, "archived": 0}
    actor = actor or actors.SHEET
    customer_ids = dict(snapshot.sides[CUSTOMERS.key].ids)
    with Batch(actor) as batch:
        for plan in plans:  # customers first: a new plan may point at a customer made just now
            side = snapshot.sides[plan.table.key]
            model_class = MODELS[plan.table.key]
            models, stale = _fresh(side, model_class, [*plan.updates, *plan.archives])
            counts["created"] += _create(snapshot, plan, model_class, customer_ids, batch)
            counts["updated"] += _update(snapshot, models, plan, model_class, customer_ids, stale, batch,
                                         editors or {})
            counts["archived"] += _archive(models, plan, model_class, stale, batch)
            (store_base or _store_base)(plan, stale)
        if follow is not None:
            _followed(snapshot, follow, customer_ids, batch)
        batch.flush()  # the sheet's edits come before what they make the system derive
        touched = {customer_ids[ref] for plan in plans if plan.table is CUSTOMERS
                   for ref in (*plan.creates, *plan.updates, *plan.archives) if ref in customer_ids}
        if settings is not None and touched:
            customers_changed(touched, settings, actor=actor, now=now)
    return counts


def _followed(snapshot, follow: FollowUp, customer_ids, batch: Batch) -> None:
    """The playbook plans the sheet already shows, made under their ids and linked to their steps."""
    if follow.creates:
        _create(snapshot, Plan(PLANS, creates=follow.creates), CarePlan, customer_ids, batch)
    by_step: dict[int, list[str]] = {}
    for ref, step in follow.links.items():
        by_step.setdefault(step, []).append(ref)
    for step, refs in by_step.items():
        for chunk in chunks(refs):
            CarePlan.update(playbook_step=step).where(CarePlan.ref.in_(chunk),
                                                      CarePlan.playbook_step.is_null()).execute()


def _create(snapshot, plan: Plan, model_class, customer_ids, batch: Batch) -> int:
    if not plan.creates:
        return 0
    now = utcnow()
    models = []
    for ref, values in plan.creates.items():
        data = dict(_python(snapshot, model_class, n, t, customer_ids)
                    for n, t in values.items() if n in plan.table.fields and n != "customer_name")
        model = model_class(ref=ref, created_at=now, updated_at=now, **data)
        if model_class is Customer and model.annual_purchase is None:
            model.annual_purchase = Decimal("0")
        if model_class is Ticket:  # opened now: its deadlines and the times its status implies
            model.opened_at = now
            model.set_deadlines()
            ticket_flow.stamp(model, now)
        models.append(model)
    batch.create_records(models)
    if model_class is Customer:
        customer_ids.update({model.ref: model.id for model in models})
    return len(models)


def _update(snapshot, models: dict[str, Any], plan: Plan, model_class, customer_ids, stale, batch: Batch,
            editors: dict | None = None) -> int:
    todo = {ref: changes for ref, changes in plan.updates.items() if ref not in stale}
    if not todo:
        return 0
    now = utcnow()
    values: dict[int, dict[str, Any]] = {}
    for ref, changes in todo.items():
        model = models[ref]
        before = model.tracked_values()
        times = {n: getattr(model, n) for n in TICKET_TIMES} if model_class is Ticket else {}
        terms = (model.category, model.priority) if model_class is Ticket else None
        for name, text in changes.items():
            if name not in plan.table.fields or name == "customer_name":
                continue  # the customer's name is shown beside its id, never stored on the plan
            column, value = _python(snapshot, model_class, name, text, customer_ids)
            setattr(model, column, value)
            values.setdefault(model.id, {})[column] = value
        if times:
            ticket_flow.stamp(model, now, terms)
            for name, was in times.items():
                if getattr(model, name) != was:
                    values.setdefault(model.id, {})[name] = getattr(model, name)
        model.updated_at = now
        batch.changed(model, before, model.tracked_values(), (editors or {}).get(ref))
        values.setdefault(model.id, {})  # its updated_at moves even when no stored value does
    batch.update(model_class, values, now)
    return len(todo)


def _archive(models: dict[str, Any], plan: Plan, model_class, stale, batch: Batch) -> int:
    refs = [r for r in plan.archives if r not in stale]
    batch.archive(model_class, [models[r] for r in refs])
    return len(refs)


def _store_base(plan: Plan, stale: set[str]) -> None:
    changed = {ref: data for ref, data in plan.base.items() if ref not in stale}
    refs = list(changed)
    for chunk in chunks(refs):
        SyncBase.delete().where(SyncBase.table == plan.table.key, SyncBase.ref.in_(chunk)).execute()
    rows = [{"table": plan.table.key, "ref": ref, "data": json.dumps(data, sort_keys=True)}
            for ref, data in changed.items() if data is not None]
    insert_dicts(SyncBase, rows)
