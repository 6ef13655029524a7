"""The columns each list downloads: header, how to read it from a row, and what kind of value it is."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str
    get: Callable
    kind: str | Callable = "text"  # or a function of the row, for history's old/new values

    def kind_for(self, row) -> str:
        return self.kind(row) if callable(self.kind) else self.kind


def _attr(name: str, kind: str = "text") -> Column:
    return Column(name, lambda row: getattr(row, name), kind)


def _email_of(related: str) -> Callable:
    def get(row):
        user = getattr(row, related) if getattr(row, f"{related}_id") else None
        return user.email if user else None
    return get


CUSTOMER_TYPED = ("kind", "employees", "annual_revenue", "annual_purchase", "stage", "tier",
                  "tier_override", "closeness", "churn_risk", "first_contact", "cooperation_since",
                  "birthday", "anniversary", "verified_at", "archived", "updated_at")
CUSTOMER_FIELDS = ("ref", "name", "kind", "credit_code", "industry", "region", "source",
                   "contact_name", "contact_title", "phone", "email", "address", "employees",
                   "annual_revenue", "annual_purchase", "stage", "tier", "tier_override",
                   "tier_override_reason", "closeness", "churn_risk", "tags", "owner",
                   "first_contact", "cooperation_since", "needs", "birthday", "anniversary",
                   "verified_at", "archived", "updated_at")


def _customer_column(name: str) -> Column:
    if name == "owner":
        return Column("owner", _email_of("owner"))
    if name == "industry":
        return Column("industry", lambda c: c.industry.name if c.industry_id else None)
    if name in ("phone", "email"):
        return _attr(name, name)
    return _attr(name, "typed" if name in CUSTOMER_TYPED else "text")


CUSTOMERS = [_customer_column(name) for name in CUSTOMER_FIELDS]

CARE_PLANS = [
    _attr("ref"), Column("customer", lambda p: p.customer.name),
    Column("customer_ref", lambda p: p.customer.ref), _attr("title"), _attr("action", "typed"),
    _attr("channel", "typed"), _attr("interval_days", "typed"), _attr("next_due", "typed"),
    _attr("last_done", "typed"), Column("owner", _email_of("owner")), _attr("status", "typed"),
    _attr("notes"),
]

INTERACTIONS = [
    _attr("at", "typed"), Column("customer", lambda i: i.customer.name),
    Column("customer_ref", lambda i: i.customer.ref), _attr("channel", "typed"),
    Column("by", _email_of("user")), _attr("summary"), _attr("feedback"),
    _attr("sentiment", "typed"), _attr("next_action"), _attr("responded_at", "typed"),
]


def _history_value_kind(change) -> str:
    """A changed phone or email is a contact detail in the history too."""
    return change.field if change.field in ("phone", "email") else "text"


CHANGES = [
    _attr("at", "typed"), Column("who", lambda c: c.actor_label), Column("source", lambda c: c.actor_kind, "typed"),
    Column("kind", lambda c: c.table, "typed"), Column("record", lambda c: c.record_ref),
    _attr("action", "typed"), _attr("field"), Column("old", lambda c: c.old, _history_value_kind),
    Column("new", lambda c: c.new, _history_value_kind),
]
