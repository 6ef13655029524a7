"""The playbook: which care plans a customer should have for its tier and stage, kept in step."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .. import actors
from ..bulk import insert_rows
from ..db import db
from ..models import CarePlan, Change, Customer, PlaybookStep, User, new_ref, utcnow
from . import clock

CHUNK = 500  # ids per IN (...) clause: well under every database's parameter limit


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


CHANGE_FIELDS = ("at", "actor_kind", "actor_label", "user", "table", "record_id", "record_ref",
                 "action", "field", "old", "new")


def insert_changes(rows: list[dict]) -> None:
    """History rows in bulk (one prepared statement; see backoffice.bulk)."""
    insert_rows(Change, list(CHANGE_FIELDS), [tuple(r[name] for name in CHANGE_FIELDS) for r in rows])


def created(record, actor) -> dict:
    """One history row for a record made in bulk: its values are the record itself, so the
    row says who made it and when; later edits are recorded field by field."""
    (row,) = Change.rows_for(record, None, {"ref": getattr(record, "ref", None)}, actor)
    return {**row, "field": None, "new": None}


def _sales_lead_id() -> int | None:
    lead = (User.select(User.id).where(User.is_sales_lead, User.active).order_by(User.id).first())
    return lead.id if lead else None


def wanted_steps(customer, steps: list[PlaybookStep]) -> set[int]:
    """The playbook steps that apply to a customer now; archived customers get none."""
    if customer.archived:
        return set()
    return {s.id for s in steps
            if (s.applies_to == "tier" and s.value == customer.tier)
            or (s.applies_to == "stage" and s.value == customer.stage)}


def evaluate(customer_ids: Iterable[int], today: dt.date | None = None,
             actor: actors.Actor | None = None) -> dict[str, int]:
    """Create the missing playbook plans and retire those that no longer apply.

    Idempotent: a plan made from a step stays linked to it, so re-running changes nothing.
    A handful of queries per chunk of customers, whatever their number.
    """
    today = today or clock.today()
    actor = actor or actors.current()
    steps = list(PlaybookStep.select().where(PlaybookStep.active))
    by_id = {s.id: s for s in steps}
    lead = _sales_lead_id() if any(s.owned_by_sales_lead for s in steps) else None
    counts = {"created": 0, "retired": 0}
    for ids in _chunks(sorted(set(customer_ids))):
        customers = list(Customer.select(Customer.id, Customer.tier, Customer.stage,
                                         Customer.archived, Customer.owner)
                         .where(Customer.id.in_(ids)))
        existing: dict[int, dict[int, CarePlan]] = {}
        for plan in (CarePlan.select(CarePlan.id, CarePlan.ref, CarePlan.customer,
                                     CarePlan.playbook_step, CarePlan.status)
                     .where(CarePlan.customer.in_(ids), CarePlan.playbook_step.is_null(False),
                            ~CarePlan.archived)):
            existing.setdefault(plan.customer_id, {})[plan.playbook_step_id] = plan
        new_rows, retire = [], []
        for customer in customers:
            wanted = wanted_steps(customer, steps)
            have = existing.get(customer.id, {})
            for step_id in sorted(wanted - have.keys()):
                step = by_id[step_id]
                owner = lead if step.owned_by_sales_lead and lead else customer.owner_id
                new_rows.append({"ref": new_ref("CP"), "customer": customer.id, "title": step.title,
                                 "action": step.action, "channel": step.channel,
                                 "interval_days": step.interval_days, "next_due": today,
                                 "owner": owner, "status": "active", "playbook_step": step_id})
            retire.extend(plan for step_id, plan in have.items() if step_id not in wanted)
        with db.atomic():
            _create(new_rows, actor)
            _retire(retire, actor)
        counts["created"] += len(new_rows)
        counts["retired"] += len(retire)
    return counts


def _create(rows: list[dict], actor) -> None:
    if not rows:
        return
    names = list(rows[0])
    insert_rows(CarePlan, names, [tuple(r[n] for n in names) for r in rows])
    made = CarePlan.select(CarePlan.id, CarePlan.ref).where(CarePlan.ref.in_([r["ref"] for r in rows]))
    insert_changes([created(plan, actor) for plan in made])


def _retire(plans: list[CarePlan], actor) -> None:
    """Retired plans are closed and archived, never deleted: their history stays readable."""
    if not plans:
        return
    CarePlan.update(status="done", archived=True, updated_at=utcnow()).where(
        CarePlan.id.in_([p.id for p in plans])).execute()
    history = []
    for plan in plans:
        history.extend(Change.rows_for(plan, {"status": plan.status, "archived": "no"},
                                       {"status": "done", "archived": "yes"}, actor))
    insert_changes(history)
