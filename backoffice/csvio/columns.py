"""The columns each list downloads: header, the database column it reads, and its kind of value."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from peewee import Node

from ..models import CarePlan, Change, Customer, Industry, Interaction, User

# The joined users of plans and interactions: the list views join through these same aliases.
PLAN_OWNER = User.alias("plan_owner")
INTERACTION_BY = User.alias("interaction_by")


@dataclass(frozen=True)
class Column:
    header: str
    source: Node  # the column as the list's query selects it
    kind: str | Callable = "text"  # or a function of the row, for history's old/new values
    domain: str = ""  # backoffice.words domain: the stored key is shown in the reader's language


CUSTOMER_KINDS = {
    "kind": "typed", "employees": "typed", "annual_revenue": "money", "annual_purchase": "money",
    "stage": "typed", "tier": "typed", "tier_override": "typed", "closeness": "typed",
    "churn_risk": "typed", "first_contact": "date", "cooperation_since": "date", "birthday": "date",
    "anniversary": "date", "verified_at": "date", "archived": "bool", "updated_at": "datetime",
    "phone": "phone", "email": "email",
}
CUSTOMER_FIELDS = ("ref", "name", "kind", "credit_code", "industry", "region", "source",
                   "contact_name", "contact_title", "phone", "email", "address", "employees",
                   "annual_revenue", "annual_purchase", "stage", "tier", "tier_override",
                   "tier_override_reason", "closeness", "churn_risk", "tags", "owner",
                   "first_contact", "cooperation_since", "needs", "birthday", "anniversary",
                   "verified_at", "archived", "updated_at")


CUSTOMER_DOMAINS = {"kind": "kind", "source": "source", "stage": "stage", "tier": "tier",
                    "tier_override": "tier", "closeness": "closeness", "churn_risk": "churn_risk",
                    "tags": "tag"}


def _customer_column(name: str) -> Column:
    if name == "owner":
        return Column("owner", User.email)
    if name == "industry":
        return Column("industry", Industry.name, domain="industry")
    if name == "credit_code":
        return Column(name, Customer.credit_code, "code")
    return Column(name, getattr(Customer, name), CUSTOMER_KINDS.get(name, "text"),
                  CUSTOMER_DOMAINS.get(name, ""))


CUSTOMERS = [_customer_column(name) for name in CUSTOMER_FIELDS]

CARE_PLANS = [
    Column("ref", CarePlan.ref), Column("customer", Customer.name),
    Column("customer_ref", Customer.ref), Column("title", CarePlan.title),
    Column("action", CarePlan.action, "typed", "action"), Column("channel", CarePlan.channel, "typed", "channel"),
    Column("interval_days", CarePlan.interval_days, "typed"),
    Column("next_due", CarePlan.next_due, "date"), Column("last_done", CarePlan.last_done, "date"),
    Column("owner", PLAN_OWNER.email), Column("status", CarePlan.status, "typed", "plan_status"),
    Column("notes", CarePlan.notes),
]

INTERACTIONS = [
    Column("at", Interaction.at, "datetime"), Column("customer", Customer.name),
    Column("customer_ref", Customer.ref), Column("channel", Interaction.channel, "typed", "channel"),
    Column("by", INTERACTION_BY.email), Column("summary", Interaction.summary),
    Column("feedback", Interaction.feedback), Column("sentiment", Interaction.sentiment, "typed", "feedback"),
    Column("next_action", Interaction.next_action),
    Column("responded_at", Interaction.responded_at, "datetime"),
]

_FIELD_AT = 7  # where "field" sits in a history row (after the id the export reads first)


def _history_value_kind(row) -> str:
    """A changed phone or email is a contact detail in the history too."""
    return row[_FIELD_AT] if row[_FIELD_AT] in ("phone", "email") else "text"


CHANGES = [
    Column("at", Change.at, "datetime"), Column("who", Change.actor_label),
    Column("source", Change.actor_kind, "typed"), Column("kind", Change.table, "typed"),
    Column("record", Change.record_ref), Column("action", Change.action, "typed"),
    Column("field", Change.field), Column("old", Change.old, _history_value_kind),
    Column("new", Change.new, _history_value_kind),
]
