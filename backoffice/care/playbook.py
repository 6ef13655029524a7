"""The playbook: which care plans a customer should have for its tier and stage, kept in step."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from peewee import JOIN

from .. import actors, clock
from ..models import CarePlan, Customer, PlaybookStep, User, utcnow
from ..models.base import as_text
from ..writer import Batch, chunks


def wanted_steps(customer, steps: list[PlaybookStep]) -> set[int]:
    """The playbook steps that apply to a customer now; archived customers get none."""
    if customer.archived:
        return set()
    return steps_for(customer.tier, customer.stage, steps)


def steps_for(tier: str, stage: str, steps: list[PlaybookStep]) -> set[int]:
    return {s.id for s in steps
            if (s.applies_to == "tier" and s.value == tier) or (s.applies_to == "stage" and s.value == stage)}


def _plan_row(customer_id: int, owner_id: int | None, step: PlaybookStep, lead: int | None,
              today: dt.date) -> dict:
    owner = lead if step.owned_by_sales_lead and lead else owner_id
    return {"customer": customer_id, "title": step.title, "action": step.action, "channel": step.channel,
            "interval_days": step.interval_days, "next_due": today, "owner": owner, "status": "active",
            "playbook_step": step.id}


def _active_steps() -> tuple[list[PlaybookStep], int | None]:
    # The sales lead comes along as a scalar subquery: one statement for both.
    lead_id = User.select(User.id).where(User.is_sales_lead, User.active).order_by(User.id).limit(1)
    steps = list(PlaybookStep.select(PlaybookStep, lead_id.alias("sales_lead_id")).where(PlaybookStep.active))
    needed = any(s.owned_by_sales_lead for s in steps)
    return steps, (steps[0].sales_lead_id if needed else None)


def active_steps() -> tuple[list[PlaybookStep], int | None]:
    """The steps `evaluate` applies and the sales lead's id (None unless a step needs them), for
    the sheet sync, which works out the same plans before its commit runs `evaluate`."""
    return _active_steps()


def for_new_customers(customers: list[tuple[int, str, str, int | None]], actor: actors.Actor,
                      today: dt.date | None = None,
                      progress: Callable[[int], None] = lambda n: None) -> int:
    """Plans for customers just made, given as (id, tier, stage, owner id); returns how many.

    The same plans `evaluate` would make, without reading anything back: a new customer has
    no plans yet and is not archived. The caller owns the transaction."""
    today = today or clock.today()
    steps, lead = _active_steps()
    by_id = {s.id: s for s in steps}
    made = 0
    with Batch(actor) as batch:
        for part in chunks(customers, 2000):  # bounded memory, and a progress report per chunk
            rows = [_plan_row(pk, owner, by_id[step_id], lead, today)
                    for pk, tier, stage, owner in part for step_id in sorted(steps_for(tier, stage, steps))]
            batch.create(CarePlan, rows, "CP")
            made += len(rows)
            progress(len(part))
    return made


def evaluate(customer_ids: Iterable[int], today: dt.date | None = None,
             actor: actors.Actor | None = None) -> dict[str, int]:
    """Create the missing playbook plans and retire those that no longer apply.

    Idempotent: a plan made from a step stays linked to it, so re-running changes nothing.
    A handful of queries per chunk of customers, whatever their number.
    """
    today = today or clock.today()
    actor = actor or actors.current()
    steps, lead = _active_steps()
    by_id = {s.id: s for s in steps}
    counts = {"created": 0, "retired": 0}
    for ids in chunks(sorted(set(customer_ids))):
        customers = list(Customer.select(Customer.id, Customer.tier, Customer.stage,
                                         Customer.archived, Customer.owner)
                         .where(Customer.id.in_(ids)))
        existing: dict[int, dict[int, CarePlan]] = {}
        for plan in (CarePlan.select(CarePlan.id, CarePlan.ref, CarePlan.customer,
                                     CarePlan.playbook_step, CarePlan.status, CarePlan.archived)
                     .where(CarePlan.customer.in_(ids), CarePlan.playbook_step.is_null(False),
                            ~CarePlan.archived)):
            existing.setdefault(plan.customer_id, {})[plan.playbook_step_id] = plan
        new_rows, retire = [], []
        for customer in customers:
            wanted = wanted_steps(customer, steps)
            have = existing.get(customer.id, {})
            new_rows.extend(_plan_row(customer.id, customer.owner_id, by_id[step_id], lead, today)
                            for step_id in sorted(wanted - have.keys()))
            retire.extend(plan for step_id, plan in have.items() if step_id not in wanted)
        with Batch(actor) as batch:
            batch.create(CarePlan, new_rows, "CP")
            # Retired plans are closed and archived, never deleted: their history stays readable.
            batch.archive(CarePlan, retire, also={"status": "done"})
        counts["created"] += len(new_rows)
        counts["retired"] += len(retire)
    return counts


def follow_owners(customer_ids: Iterable[int], actor: actors.Actor | None = None) -> int:
    """Working plans held by a rep who does not own the customer move to the customer's owner.

    A rep sees only their own book, so after a reassignment the old rep could not even open
    those plans. Plans held by a manager, an admin or the sales lead (who see every customer)
    stay where they are. Returns how many plans moved.
    """
    actor = actor or actors.current()
    holder = User.alias()
    moved = 0
    for ids in chunks(sorted(set(customer_ids))):
        plans = list(CarePlan.select(CarePlan.id, CarePlan.ref, CarePlan.owner, Customer.owner.alias("new_owner"))
                     .join(Customer).switch(CarePlan)
                     .join(holder, JOIN.LEFT_OUTER, on=(CarePlan.owner == holder.id))
                     .where(CarePlan.customer.in_(ids), ~CarePlan.archived, Customer.owner.is_null(False),
                            CarePlan.owner.is_null() | ((CarePlan.owner != Customer.owner)
                                                        & (holder.role == "rep") & ~holder.is_sales_lead))
                     .objects())
        if not plans:
            continue
        by_owner: dict[int, list[int]] = {}
        for plan in plans:
            by_owner.setdefault(plan.new_owner, []).append(plan.id)
        now = utcnow()
        with Batch(actor) as batch:
            for owner, plan_ids in by_owner.items():
                batch.set(CarePlan, {"owner": owner, "updated_at": now}, plan_ids)
            for plan in plans:
                batch.changed(plan, {"owner": as_text(plan.owner_id)}, {"owner": as_text(plan.new_owner)})
        moved += len(plans)
    return moved

