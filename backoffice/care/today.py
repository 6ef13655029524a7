"""What each user should do today: plans due, greetings, re-verifications, unanswered complaints."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, PostgresqlDatabase, fn

from ..db import db
from ..models import CarePlan, Customer, Interaction, User
from . import clock

LIMIT = 200  # a start page, not a report: the lists link on to the full, filterable views
RESPONSE_HOURS = 24


def _plans(user):
    owner = User.alias()
    query = (CarePlan.select(CarePlan, Customer, owner).join(Customer).switch(CarePlan)
             .join(owner, JOIN.LEFT_OUTER, on=(CarePlan.owner == owner.id)).switch(CarePlan)
             .where(CarePlan.status == "active", ~CarePlan.archived, ~Customer.archived))
    if not user.sees_all_customers:
        query = query.where(Customer.owner == user.id)
    return query


def _customers(user):
    owner = User.alias()
    query = (Customer.select(Customer, owner)
             .join(owner, JOIN.LEFT_OUTER, on=(Customer.owner == owner.id)).switch(Customer)
             .where(~Customer.archived))
    if not user.sees_all_customers:
        query = query.where(Customer.owner == user.id)
    return query


def plans_due(user, today: dt.date) -> dict[str, list[CarePlan]]:
    tomorrow = today + dt.timedelta(days=1)
    order = (CarePlan.next_due, CarePlan.id)
    return {
        "overdue": list(_plans(user).where(CarePlan.next_due < today).order_by(*order).limit(LIMIT)),
        "today": list(_plans(user).where(CarePlan.next_due == today).order_by(*order).limit(LIMIT)),
        "tomorrow": list(_plans(user).where(CarePlan.next_due == tomorrow).order_by(*order).limit(LIMIT)),
    }


def occurrence(day: dt.date, year: int) -> dt.date:
    """The day a date falls on in a given year; Feb 29 is kept on Feb 28 in common years."""
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return day.replace(year=year)


def next_occurrence(day: dt.date, today: dt.date) -> dt.date:
    this_year = occurrence(day, today.year)
    return this_year if this_year >= today else occurrence(day, today.year + 1)


@dataclass
class Greeting:
    customer: Customer
    occasion: str  # birthday | anniversary
    on: dt.date
    years: int


def _month_day(column):
    """The date's "MM-DD" in the database's own function: peewee's `.month`/`.day` run a Python
    function per row on SQLite, which made the Today page take ~1 s at 100k customers."""
    if isinstance(db.obj, PostgresqlDatabase):
        return fn.to_char(column, "MM-DD")
    return fn.strftime("%m-%d", column)


def _month_day_condition(column, days: list[dt.date]):
    wanted = []
    for day in days:
        wanted.append(f"{day.month:02d}-{day.day:02d}")
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            wanted.append("02-29")
    return _month_day(column).in_(wanted)


def greetings(user, today: dt.date, days: int = 7) -> list[Greeting]:
    """Birthdays and anniversaries from today through the next `days` days, any year."""
    window = [today + dt.timedelta(days=n) for n in range(days + 1)]
    found = []
    for occasion, column in (("birthday", Customer.birthday), ("anniversary", Customer.anniversary)):
        query = _customers(user).where(column.is_null(False), _month_day_condition(column, window))
        for customer in query.limit(LIMIT):
            day = getattr(customer, occasion)
            on = next_occurrence(day, today)
            found.append(Greeting(customer, occasion, on, on.year - day.year))
    return sorted(found, key=lambda g: (g.on, g.customer.name))


def due_for_reverification(user, today: dt.date, reverify_days: int) -> tuple[int, list[Customer]]:
    """Never verified, or last verified more than `reverify_days` ago (the quarterly check)."""
    cutoff = today - dt.timedelta(days=reverify_days)
    # Two plain queries, never verified and verified long ago, each served by the index on
    # verified_at; one OR with a NULLS FIRST sort made the database read half the table.
    lean = Customer.select(Customer.id).where(~Customer.archived)
    if not user.sees_all_customers:
        lean = lean.where(Customer.owner == user.id)
    never = lean.where(Customer.verified_at.is_null())
    stale = lean.where(Customer.verified_at < cutoff)
    ids = [c.id for c in never.order_by(Customer.id).limit(LIMIT)]
    if len(ids) < LIMIT:
        ids += [c.id for c in stale.order_by(Customer.verified_at, Customer.id).limit(LIMIT - len(ids))]
    found = {c.id: c for c in _customers(user).where(Customer.id.in_(ids))}
    return never.count() + stale.count(), [found[i] for i in ids if i in found]


def unanswered_complaints(user, now: dt.datetime) -> list[tuple[Interaction, bool]]:
    """Negative feedback not yet responded to, each with whether its 24 hours have passed."""
    query = (Interaction.select(Interaction, Customer).join(Customer)
             .where(Interaction.sentiment == "negative", Interaction.responded_at.is_null(),
                    ~Customer.archived))
    if not user.sees_all_customers:
        query = query.where(Customer.owner == user.id)
    late = now - dt.timedelta(hours=RESPONSE_HOURS)
    return [(i, i.at <= late) for i in query.order_by(Interaction.at, Interaction.id).limit(LIMIT)]


def today_lists(user, settings: dict) -> dict:
    today, now = clock.today(), clock.now()
    count, reverify = due_for_reverification(user, today, settings["care"]["reverify_days"])
    return {"today": today, "plans": plans_due(user, today), "greetings": greetings(user, today),
            "reverify_count": count, "reverify": reverify,
            "complaints": unanswered_complaints(user, now)}
