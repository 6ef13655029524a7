"""Plain factory functions for customers, plans and interactions in tests."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from backoffice.models import CarePlan, Customer, Interaction


def make_customer(**overrides) -> Customer:
    values = {"name": "Hengda Machinery Co., Ltd.", "stage": "potential",
              "annual_purchase": Decimal("0")}
    values.update(overrides)
    customer = Customer(**values)
    customer.save()
    return customer


def make_plan(customer, **overrides) -> CarePlan:
    values = {"customer": customer, "title": "Call", "action": "call", "interval_days": 14,
              "next_due": dt.date(2026, 11, 25), "owner": customer.owner_id}
    values.update(overrides)
    plan = CarePlan(**values)
    plan.save()
    return plan


def make_interaction(customer, **overrides) -> Interaction:
    values = {"customer": customer, "summary": "Checked in", "channel": "phone",
              "at": dt.datetime(2026, 11, 20, 9, 0)}
    values.update(overrides)
    return Interaction.create(**values)
