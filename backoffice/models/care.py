"""Care plans (recurring touches), the interaction log and the playbook that seeds plans."""
from __future__ import annotations

import datetime as dt

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .. import rules
from .base import BaseModel, TrackedModel, new_ref, utcnow
from .customers import Customer
from .users import User


def _choices(options):
    return [(o, o) for o in options]


class PlaybookStep(BaseModel):
    """A default care plan for customers of one tier or one stage; managers edit these."""
    applies_to = CharField(choices=[("tier", "tier"), ("stage", "stage")])
    value = CharField(max_length=20)  # a tier or a stage
    title = CharField(max_length=200)
    action = CharField(choices=_choices(rules.PLAN_ACTIONS))
    channel = CharField(choices=_choices(rules.CHANNELS), null=True)
    interval_days = IntegerField()
    owned_by_sales_lead = BooleanField(default=False)
    once = BooleanField(default=False)  # a single touch, e.g. the win-back call
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("applies_to", "value"), False),)

    def __str__(self) -> str:
        return f"{self.value}: {self.title}"


class CarePlan(TrackedModel):
    history_table = "care plan"

    ref = CharField(unique=True, max_length=20, default=lambda: new_ref("CP"))
    customer = ForeignKeyField(Customer, backref="care_plans", on_delete="CASCADE")
    title = CharField(max_length=200)
    action = CharField(choices=_choices(rules.PLAN_ACTIONS), default="call")
    channel = CharField(choices=_choices(rules.CHANNELS), null=True)
    interval_days = IntegerField(default=30)
    next_due = DateField(index=True)
    last_done = DateField(null=True)
    owner = ForeignKeyField(User, null=True, backref="care_plans", on_delete="SET NULL")
    status = CharField(choices=_choices(rules.PLAN_STATUSES), default="active", index=True)
    notes = TextField(null=True)
    playbook_step = ForeignKeyField(PlaybookStep, null=True, on_delete="SET NULL")
    archived = BooleanField(default=False, index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        # (status, archived, next_due, id): the Today page's plans lists, active plans by due day in
        # their listed order, past done and archived ones without reading them.
        indexes = ((("owner", "status", "next_due"), False),
                   (("status", "archived", "next_due", "id"), False))

    def __str__(self) -> str:
        return self.title

    @classmethod
    def in_book_of(cls, user, query=None):
        """Plans of the customers in `user`'s book; `query` must join Customer."""
        return Customer.in_book_of(user, cls.select().join(Customer) if query is None else query)

    @classmethod
    def due(cls, on: dt.date):
        return cls.select().where(cls.status == "active", ~cls.archived, cls.next_due == on)

    @classmethod
    def overdue(cls, on: dt.date):
        return cls.select().where(cls.status == "active", ~cls.archived, cls.next_due < on)


class Interaction(BaseModel):
    customer = ForeignKeyField(Customer, backref="interactions", on_delete="CASCADE")
    care_plan = ForeignKeyField(CarePlan, null=True, backref="interactions", on_delete="SET NULL")
    at = DateTimeField(default=utcnow, index=True)
    channel = CharField(choices=_choices(rules.CHANNELS), default="phone")
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    summary = TextField()
    feedback = TextField(null=True)
    sentiment = CharField(choices=_choices(rules.FEEDBACK), null=True, index=True)
    next_action = TextField(null=True)
    responded_at = DateTimeField(null=True)

    class Meta:
        # Negative feedback not yet responded to, oldest first (the Today page): an ordered range.
        indexes = ((("customer", "at"), False), (("sentiment", "responded_at", "at"), False))

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.channel}"

    def save(self, *args, **kwargs):
        """Save; text over its limit is refused here too, whichever path wrote it (RuleError)."""
        for name, most in rules.INTERACTION_TEXT_LIMITS.items():
            value = getattr(self, name)
            if value is not None and len(str(value)) > most:
                try:
                    rules.text(value, max_length=most)
                except rules.RuleError as exc:
                    label = rules.interaction_rules(rules.Context())[name].label
                    raise rules.RuleError(f"{label}: {exc}") from None
        return super().save(*args, **kwargs)

    @classmethod
    def in_book_of(cls, user, query=None):
        """Interactions with the customers in `user`'s book; `query` must join Customer."""
        return Customer.in_book_of(user, cls.select().join(Customer) if query is None else query)
