"""Plain factory functions for test data."""
from __future__ import annotations

from backoffice import clock
from backoffice.models import CarePlan, Customer, Interaction


def make_customer(**overrides) -> Customer:
    values = {"name": "Acme Trading Co., Ltd.", "stage": "potential", "kind": "company"}
    values.update(overrides)
    customer = Customer(**values)
    customer.save()
    return customer


def make_plan(customer, **overrides) -> CarePlan:
    values = {"customer": customer, "title": "Follow-up call", "action": "call", "interval_days": 14,
              "next_due": clock.today(), "owner": customer.owner_id}
    values.update(overrides)
    plan = CarePlan(**values)
    plan.save()
    return plan


def make_interaction(customer, **overrides) -> Interaction:
    values = {"customer": customer, "summary": "Called about the renewal", "channel": "phone"}
    values.update(overrides)
    return Interaction.create(**values)
