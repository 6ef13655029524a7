"""The columns each list downloads: header, the database column it reads, and its kind of value."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from peewee import Node

from .. import schema
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


CUSTOMER_FIELDS = schema.CUSTOMERS.exported
# Fields a customer's list reads through a join: the name people know, not the stored id.
CUSTOMER_JOINED = {"owner": User.email, "industry": Industry.name}


def _customer_column(name: str) -> Column:
    declared = schema.CUSTOMERS[name]
    return Column(name, CUSTOMER_JOINED.get(name) or getattr(Customer, name), declared.export_kind,
                  declared.domain)


CUSTOMERS = [_customer_column(name) for name in CUSTOMER_FIELDS]

# Fields a care plan's list reads through a join: its customer's name and ID, its owner's login.
PLAN_JOINED = {"customer": Customer.name, "customer_ref": Customer.ref, "owner": PLAN_OWNER.email}


def _plan_column(name: str) -> Column:
    declared = schema.PLANS[name]
    return Column(name, PLAN_JOINED.get(name) or getattr(CarePlan, name), declared.export_kind, declared.domain)


CARE_PLANS = [_plan_column(name) for name in schema.PLANS.exported]

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
