"""The care follow-up of the sheet's customer changes, worked out before the sheet is written.

A customer the sheet creates, changes or archives gets what a panel save gives it: playbook
plans made or retired for its tier and stage, and its plans moved to a new owner
(`backoffice.care.playbook`, run in the cycle's commit). So that those plans reach the `Care
plans` tab in the same write - and the next quiet cycle writes nothing - the cycle works out the
same changes here, from the merged customers, and shows them to the plans tab's merge as if the
panel had made them: a new plan as a new record (under an id minted now, which the commit then
creates), a retired plan as archived, a moved plan with its new owner. The commit's follow-up
then finds the plans it wants already there and changes nothing more.

A new plan's row is written before the commit creates it. If the worker dies in between, the
next cycle finds a row whose id nobody knows; the sheet path creates a plan from it, and this
module links that plan to its playbook step (same customer, same title) instead of making a twin.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from backoffice import clock
from backoffice.care import playbook
from backoffice.models import User

from .columns import ID, PLANS, as_text, raw_text
from .merge import Plan, TabInput

STEP = "playbook_step"  # beside a plan's synced texts in the snapshot: the step it was made from


@dataclass
class FollowUp:
    creates: dict[str, dict[str, str]] = field(default_factory=dict)  # new plan ref -> texts
    links: dict[str, int] = field(default_factory=dict)  # plan ref -> playbook step id
    retired: set[str] = field(default_factory=set)
    moved: dict[str, str] = field(default_factory=dict)  # plan ref -> new owner login


@dataclass
class People:
    """What the follow-up needs to know of users: logins that follow their customers' owners."""
    reps: frozenset[str]  # logins of reps who are not the sales lead: their plans follow the owner
    lead: str  # the sales lead's login, or ""


def people() -> People:
    """Who holds plans that follow their customers' owner (as playbook.follow_owners decides), in one query."""
    users = list(User.select(User.id, User.email, User.role, User.is_sales_lead, User.active).order_by(User.id))
    lead = next((u.email for u in users if u.is_sales_lead and u.active), "")
    return People(frozenset(u.email for u in users if u.role == "rep" and not u.is_sales_lead), lead)


def _after(customers: Plan, database: dict[str, dict[str, str]]) -> dict[str, dict[str, str] | None]:
    """Each customer the sheet touched, as the commit will leave it (None: archived)."""
    after: dict[str, dict[str, str] | None] = {}
    for ref, values in customers.creates.items():
        after[ref] = values
    for ref, changes in customers.updates.items():
        if ref in database:
            after[ref] = {**database[ref], **changes}
    for ref in customers.archives:
        after[ref] = None
    return after


def _orphans(tab: TabInput, known: set[str]) -> dict[tuple[str, str], str]:
    """{(customer ref, title): plan ref} of plan rows whose id neither the database nor the base
    knows: rows a killed cycle wrote for plans its commit never made."""
    found = {}
    for row in tab.rows:
        ref = raw_text(row.values.get(ID)).strip()
        if ref and PLANS.ref_is_valid(ref) and ref not in known and ref not in tab.base:
            key = (raw_text(row.values.get("customer_ref")).strip(), raw_text(row.values.get("title")).strip())
            found.setdefault(key, ref)
    return found


def predict(customers: Plan, customer_db: dict[str, dict[str, str]], plans: TabInput, known_plans: set[str],
            names: dict[str, str], people: Callable[[], People], now: dt.datetime,
            mint: Callable[[], str]) -> FollowUp:
    """What the commit's care follow-up will do to the plans of the customers the sheet touched.

    `plans` is the plans tab's merge input (its database: working plans with their STEP);
    `names` the customers' names after this cycle; `people` is asked only when needed.
    """
    out = FollowUp()
    after = _after(customers, customer_db)
    if not after:
        return out
    steps, lead_id = playbook.active_steps()
    staff = people()
    lead = staff.lead if lead_id is not None else ""
    today = clock.local(now).date().isoformat()
    orphans = _orphans(plans, known_plans)
    held: dict[str, dict[int, str]] = {}  # customer ref -> {step id: working plan ref}
    by_customer: dict[str, list[str]] = {}
    for ref, values in plans.database.items():
        customer = values.get("customer_ref", "")
        if customer in after:
            by_customer.setdefault(customer, []).append(ref)
            if values.get(STEP):
                held.setdefault(customer, {})[int(values[STEP])] = ref
    for customer, values in after.items():
        wanted = set() if values is None else playbook.steps_for(values.get("tier", ""), values.get("stage", ""),
                                                               steps)
        have = held.get(customer, {})
        out.retired.update(ref for step, ref in have.items() if step not in wanted)
        if values is None:
            continue
        owner = values.get("owner", "")
        for step in (s for s in steps if s.id in wanted - have.keys()):
            orphan = orphans.get((customer, step.title))
            if orphan is not None:  # made by a killed cycle: the sheet path creates it, linked here
                out.links[orphan] = step.id
                continue
            ref = mint()
            out.links[ref] = step.id
            out.creates[ref] = {
                "customer_ref": customer, "customer_name": names.get(customer, ""), "title": step.title,
                "action": as_text(step.action), "channel": as_text(step.channel),
                "interval_days": as_text(step.interval_days), "next_due": today, "last_done": "",
                "owner": lead if step.owned_by_sales_lead and lead else owner,
                "status": "active", "notes": ""}
        for ref in by_customer.get(customer, ()):
            held_by = plans.database[ref].get("owner", "")
            if ref not in out.retired and owner and held_by != owner and (not held_by or held_by in staff.reps):
                out.moved[ref] = owner
    return out


def shown_to_the_merge(plans: TabInput, follow: FollowUp) -> TabInput:
    """The plans tab's merge input with the follow-up's plans as the commit will leave them."""
    database = {ref: values for ref, values in plans.database.items() if ref not in follow.retired}
    for ref, owner in follow.moved.items():
        database[ref] = {**database[ref], "owner": owner}
    database.update(follow.creates)
    archived = plans.archived | {ref for ref in follow.retired if ref in plans.base}
    return TabInput(plans.table, plans.rows, plans.free_rows, plans.next_row, database, archived,
                    plans.base, plans.open_conflicts)

