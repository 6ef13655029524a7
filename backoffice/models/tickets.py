"""Service tickets (服务工单): the ticket, its never-reused number, and the options admins edit."""
from __future__ import annotations

import datetime as dt

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .. import clock, rules
from ..db import db
from .base import BaseModel, TrackedModel, utcnow
from .care import Interaction
from .customers import Customer
from .users import User

OPTION_KINDS = ("category", "priority", "department")
# Routine problems are answered within a day and solved within two (the playbooks' SLA).
DEFAULT_RESPONSE_HOURS, DEFAULT_RESOLUTION_HOURS = 24, 48
NUMBER_PREFIX = "TK"


class TicketOption(BaseModel):
    """A ticket category, priority or department; a category or priority may set SLA hours."""
    kind = CharField(choices=[(k, k) for k in OPTION_KINDS], index=True)
    name = CharField(max_length=100)  # the stored key, English and stable
    label_zh = CharField(max_length=100, null=True)  # what Chinese-speaking staff read and type
    response_hours = IntegerField(null=True)
    resolution_hours = IntegerField(null=True)
    position = IntegerField(default=0)
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("kind", "name"), True),)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def names(cls, kind: str) -> tuple[str, ...]:
        return tuple(o.name for o in cls.select(cls.name).where(cls.kind == kind, cls.active)
                     .order_by(cls.position, cls.name))

    @classmethod
    def words(cls) -> rules.TicketWords:
        """The dictionaries as the rules check them, Chinese labels included."""
        options = list(cls.select().where(cls.active).order_by(cls.position, cls.name))
        zh = dict(rules.TICKET_ZH)
        zh.update({o.label_zh: o.name for o in options if o.label_zh})
        pick = lambda kind: tuple(o.name for o in options if o.kind == kind)  # noqa: E731
        return rules.TicketWords(pick("category"), pick("priority"), pick("department"), zh)

    @classmethod
    def sla_hours(cls, category: str | None, priority: str | None) -> tuple[int, int]:
        """(respond within, resolve within) in hours: the priority's when it sets them (urgent
        is tighter than any category), else the category's, else the routine 24 h and 48 h."""
        found = {(o.kind, o.name): o for o in cls.select().where(
            ((cls.kind == "category") & (cls.name == (category or ""))) |
            ((cls.kind == "priority") & (cls.name == (priority or ""))))}
        chosen = [found.get(("priority", priority)), found.get(("category", category))]
        response = next((o.response_hours for o in chosen if o and o.response_hours), DEFAULT_RESPONSE_HOURS)
        resolution = next((o.resolution_hours for o in chosen if o and o.resolution_hours),
                          DEFAULT_RESOLUTION_HOURS)
        return response, resolution


class TicketCounter(BaseModel):
    """The last ticket number handed out per year: numbers only ever go up, so none is reused."""
    year = IntegerField(primary_key=True)
    last = IntegerField(default=0)

    @classmethod
    def next_number(cls, year: int) -> str:
        """The next number of `year`, safe when many take one at once.

        The UPDATE takes the row's write lock (a row lock on PostgreSQL, the database's write
        lock on SQLite) before it reads `last`, so a second taker waits and then counts on from
        the first one's number; the SELECT in the same transaction reads our own increment.
        """
        with db.atomic():
            cls.insert(year=year, last=0).on_conflict_ignore().execute()
            cls.update(last=cls.last + 1).where(cls.year == year).execute()
            last = cls.select(cls.last).where(cls.year == year).scalar()
        return f"{NUMBER_PREFIX}-{year:04d}-{last:06d}"


def _choices(options):
    return [(o, o) for o in options]


class Ticket(TrackedModel):
    history_table = "ticket"

    ref = CharField(unique=True, max_length=20)  # the ticket number, TK-2026-000123
    customer = ForeignKeyField(Customer, backref="tickets", on_delete="CASCADE")
    title = CharField(max_length=200)
    description = TextField(null=True)
    category = CharField(max_length=100, default="other", index=True)
    priority = CharField(max_length=100, default="normal")
    department = CharField(max_length=100, null=True)
    assignee = ForeignKeyField(User, null=True, backref="tickets", on_delete="SET NULL")
    channel = CharField(choices=_choices(rules.CHANNELS), null=True)
    status = CharField(choices=_choices(rules.TICKET_STATUSES), default="new", index=True)
    opened_at = DateTimeField(default=utcnow, index=True)
    response_due = DateTimeField(null=True)
    resolution_due = DateTimeField(null=True)
    first_response_at = DateTimeField(null=True)
    resolved_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    resolution = TextField(null=True)
    satisfaction = IntegerField(null=True)
    interaction = ForeignKeyField(Interaction, null=True, on_delete="SET NULL")  # the feedback it came from
    archived = BooleanField(default=False, index=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        # Open tickets by deadline (Today, the SLA filters) and each assignee's queue.
        # The monthly review counts tickets per month of each of their times, for a slice of
        # customers or people too, from the last four alone.
        indexes = ((("status", "archived", "response_due"), False),
                   (("status", "archived", "resolution_due"), False),
                   (("assignee", "status"), False),
                   (("opened_at", "archived", "customer", "assignee"), False),
                   (("first_response_at", "archived", "response_due", "customer", "assignee"), False),
                   (("resolved_at", "archived", "resolution_due", "satisfaction", "customer", "assignee"), False),
                   (("closed_at", "archived", "customer", "assignee"), False))

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in rules.OPEN_TICKET_STATUSES

    @classmethod
    def in_book_of(cls, user, query=None):
        """Every ticket for admins and managers; for a rep, their customers' and those assigned to
        them. `query` must join Customer."""
        query = cls.select(cls, Customer).join(Customer).switch(cls) if query is None else query
        if user.sees_all_customers:
            return query
        return query.where((Customer.owner == user.id) | (cls.assignee == user.id))

    @classmethod
    def on_desk_of(cls, user, query=None):
        """The tickets a person works on (Today): every one for admins and managers; for a rep,
        those assigned to them and their customers' that nobody holds yet. `query` must join Customer."""
        query = cls.select(cls, Customer).join(Customer).switch(cls) if query is None else query
        if user.sees_all_customers:
            return query
        return query.where((cls.assignee == user.id)
                           | ((Customer.owner == user.id) & cls.assignee.is_null()))

    @classmethod
    def open(cls):
        return cls.select().where(cls.status.in_(rules.OPEN_TICKET_STATUSES), ~cls.archived)

    def set_deadlines(self) -> None:
        """Response and resolution deadlines from when it was opened and its category and priority."""
        opened = self.opened_at or utcnow()
        response, resolution = TicketOption.sla_hours(self.category, self.priority)
        self.response_due = opened + dt.timedelta(hours=response)
        self.resolution_due = opened + dt.timedelta(hours=resolution)

    def save(self, *args, **kwargs):
        with db.atomic():  # the number is taken in the ticket's own transaction: no gap on failure
            if not self.ref:
                self.ref = TicketCounter.next_number(clock.local(self.opened_at or utcnow()).year)
            if self.response_due is None or self.resolution_due is None:
                self.set_deadlines()
            return super().save(*args, **kwargs)

    def archive(self) -> bool:
        if self.archived:
            return False
        self.archived = True
        self.save()
        return True
