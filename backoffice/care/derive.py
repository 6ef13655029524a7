"""Derived customer fields (tier, closeness, churn risk), recomputed in bulk as the system."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import ExitStack

from peewee import Case, fn

from .. import actors, clock, rules
from ..models import Customer, Interaction, utcnow
from ..models.base import as_text
from ..writer import Batch

DERIVED = ("tier", "closeness", "churn_risk")


def derived_values(customer, touches_30_days: int, last_touch: dt.datetime | None,
                   settings: dict, now: dt.datetime) -> dict[str, str]:
    """What the derived fields should be; churn risk is only ever raised, staff lower it."""
    tiers = settings["tiers"]
    values = {"tier": customer.tier_override or rules.tier_for(
                  customer.annual_purchase, tiers["strategic_from"], tiers["key_from"]),
              "closeness": rules.closeness_for(touches_30_days),
              "churn_risk": customer.churn_risk}
    silence = dt.timedelta(days=settings["care"]["churn_silence_days"])
    # A customer never touched counts its silence from the day it was added.
    since = last_touch or customer.created_at
    if customer.stage == "deal" and since is not None and now - since >= silence:
        values["churn_risk"] = "high"
    return values


def _as_datetime(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))  # SQLite hands aggregates back as text


def touches(now: dt.datetime, customer_ids: list[int] | None = None
            ) -> tuple[dict[int, int], dict[int, dt.datetime]]:
    """({customer id: interactions in the 30 days to `now`}, {customer id: last interaction}): one
    aggregate query, for the given customers or all of them."""
    window = now - dt.timedelta(days=30)
    query = Interaction.select(Interaction.customer, fn.COUNT(Case(None, [(Interaction.at >= window, 1)], None)),
                               fn.MAX(Interaction.at)).group_by(Interaction.customer)
    if customer_ids is not None:
        query = query.where(Interaction.customer.in_(customer_ids))
    recent, last = {}, {}
    for cid, count, at in query.tuples():
        if count:
            recent[cid] = count
        last[cid] = _as_datetime(at)
    return recent, last


def derive(settings: dict, customer_ids: Iterable[int] | None = None,
           now: dt.datetime | None = None) -> dict[str, list[int]]:
    """Recompute the derived fields of working customers (all, or the given ones).

    Reads in two aggregate queries plus one pass over customers, then writes one UPDATE per
    (field, value, chunk) and the history rows together: never a query per customer.
    Returns the ids of the customers changed, per field.
    """
    now = now or clock.now()
    customers = Customer.select(Customer.id, Customer.ref, Customer.annual_purchase, Customer.tier,
                                Customer.tier_override, Customer.closeness, Customer.churn_risk,
                                Customer.stage, Customer.created_at).where(~Customer.archived)
    ids = None
    if customer_ids is not None:
        ids = sorted(set(customer_ids))
        if not ids:
            return {}
        customers = customers.where(Customer.id.in_(ids))
    touch_counts, last_touch = touches(now, ids)
    moves: dict[tuple[str, str], list[int]] = {}
    changed = {}
    with ExitStack() as stack:
        batch = None  # opened at the first change: a save that moves nothing pays for no transaction
        for customer in customers.order_by(Customer.id).iterator():
            wanted = derived_values(customer, touch_counts.get(customer.id, 0),
                                    last_touch.get(customer.id), settings, now)
            before = {name: getattr(customer, name) for name in DERIVED}
            if before == wanted:
                continue
            for name in DERIVED:
                if before[name] != wanted[name]:
                    moves.setdefault((name, wanted[name]), []).append(customer.id)
            if batch is None:
                batch = stack.enter_context(Batch(actors.SYSTEM))
            batch.changed(customer, {k: as_text(v) for k, v in before.items()}, wanted)
        for (name, value), ids in moves.items():
            batch.set(Customer, {name: value, "updated_at": utcnow()}, ids)
            changed.setdefault(name, []).extend(ids)
    return changed
