"""What each user should do today: plans due, greetings, re-verifications, unanswered complaints."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Case

from .. import clock, greeting_indexes
from ..models import CarePlan, Customer, Interaction, User

LIMIT = 50  # a start page, not a report: each list shows its first rows and links on
RESPONSE_HOURS = 24


def _plans(user):
    owner = User.alias()
    query = (CarePlan.select(CarePlan.id, CarePlan.title, CarePlan.channel, CarePlan.next_due,
                             CarePlan.owner, CarePlan.customer, Customer.id, Customer.name,
                             owner.id, owner.email)
             .join(Customer).switch(CarePlan)
             .join(owner, JOIN.LEFT_OUTER, on=(CarePlan.owner == owner.id)).switch(CarePlan)
             .where(CarePlan.status == "active", CarePlan.archived == False))  # noqa: E712
    return _scoped(query, user)


def _scoped(query, user):
    """Working customers only, and only a rep's own book unless the user sees every customer.
    `archived = false` rather than `NOT archived`: SQLite uses an index only for the former."""
    return Customer.in_book_of(user, query).where(Customer.archived == False)  # noqa: E712 - SQL, not a Python test


def _customers(user):
    """Customers with what the page shows of them: name, the dates, the owner's login."""
    owner = User.alias()
    query = (Customer.select(Customer.id, Customer.name, Customer.owner, Customer.birthday,
                             Customer.anniversary, Customer.verified_at, owner.id, owner.email)
             .join(owner, JOIN.LEFT_OUTER, on=(Customer.owner == owner.id)).switch(Customer))
    return _scoped(query, user)


def plans_due(user, today: dt.date, limit: int = LIMIT) -> dict[str, list[CarePlan]]:
    """Active plans overdue, due today and due tomorrow: the first `limit` of each, soonest first."""
    tomorrow = today + dt.timedelta(days=1)
    order = (CarePlan.next_due, CarePlan.id)
    return {
        "overdue": list(_plans(user).where(CarePlan.next_due < today).order_by(*order).limit(limit)),
        "today": list(_plans(user).where(CarePlan.next_due == today).order_by(*order).limit(limit)),
        "tomorrow": list(_plans(user).where(CarePlan.next_due == tomorrow).order_by(*order).limit(limit)),
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


def _window(column, today: dt.date, days: int):
    """The condition "falls from today through today + `days`, any year", and the order in which
    such dates come round, both on the indexed month-day expression (greeting_indexes.py).

    The condition lists the window's month-days, so each is one probe of the index, also when
    the window runs over the new year. A Feb 29 is greeted on Feb 28 in a common year: such a
    window lists 02-29 too, and orders it as Feb 28.
    """
    key = greeting_indexes.key
    month_day = greeting_indexes.month_day(column)
    window = [today + dt.timedelta(days=n) for n in range(days + 1)]
    wanted = [key(d.month, d.day) for d in window]
    order = month_day
    if any((d.month, d.day) == (2, 28) and not calendar.isleap(d.year) for d in window):
        wanted.append(key(2, 29))
        order = Case(None, [(month_day == key(2, 29), key(2, 28))], month_day)
    if window[-1].year != today.year:  # this year's days first, then next year's
        order = Case(None, [(month_day >= key(today.month, today.day), 0)], 1), order
    else:
        order = (order,)
    return column.is_null(False) & month_day.in_(wanted), order


def greetings(user, today: dt.date, days: int = 7, limit: int = LIMIT) -> list[Greeting]:
    """Birthdays and anniversaries from today through the next `days` days, any year: the first
    `limit` in date order (then by name)."""
    found = []
    for occasion, column in (("birthday", Customer.birthday), ("anniversary", Customer.anniversary)):
        condition, order = _window(column, today, days)
        for customer in _customers(user).where(condition).order_by(*order, Customer.name, Customer.id).limit(limit):
            day = getattr(customer, occasion)
            on = next_occurrence(day, today)
            found.append(Greeting(customer, occasion, on, on.year - day.year))
    return sorted(found, key=lambda g: (g.on, g.customer.name))[:limit]


def greetings_count(user, today: dt.date, days: int = 7) -> int:
    total = 0
    for column in (Customer.birthday, Customer.anniversary):
        condition, _order = _window(column, today, days)
        total += _scoped(Customer.select(Customer.id).where(condition), user).count()
    return total


def due_for_reverification(user, today: dt.date, reverify_days: int,
                           limit: int = LIMIT) -> tuple[int, list[Customer]]:
    """Never verified, or last verified more than `reverify_days` ago (the quarterly check)."""
    cutoff = today - dt.timedelta(days=reverify_days)
    # Two plain queries, never verified and verified long ago, each served by an index on
    # (archived, verified_at) or (owner, archived, verified_at), and counted from it alone;
    # one OR with a NULLS FIRST sort made the database read half the table.
    lean = _scoped(Customer.select(Customer.id), user)
    never = lean.where(Customer.verified_at.is_null())
    stale = lean.where(Customer.verified_at < cutoff)
    ids = [c.id for c in never.order_by(Customer.id).limit(limit)]
    if len(ids) < limit:
        ids += [c.id for c in stale.order_by(Customer.verified_at, Customer.id).limit(limit - len(ids))]
    found = {c.id: c for c in _customers(user).where(Customer.id.in_(ids))} if ids else {}
    return never.count() + stale.count(), [found[i] for i in ids if i in found]


def _complaints(user, *columns):
    query = (Interaction.select(*columns).join(Customer)
             .where(Interaction.sentiment == "negative", Interaction.responded_at.is_null()))
    return _scoped(query, user)


def unanswered_complaints(user, now: dt.datetime, limit: int = LIMIT) -> list[tuple[Interaction, bool]]:
    """Negative feedback not yet responded to, oldest first, each with whether its 24 hours have
    passed."""
    query = _complaints(user, Interaction.id, Interaction.at, Interaction.summary, Interaction.feedback,
                        Interaction.customer, Customer.id, Customer.name)
    late = now - dt.timedelta(hours=RESPONSE_HOURS)
    return [(i, i.at <= late) for i in query.order_by(Interaction.at, Interaction.id).limit(limit)]


def unanswered_count(user) -> int:
    return _complaints(user, Interaction.id).count()


def today_lists(user, settings: dict) -> dict:
    """Everything the page shows, in a fixed number of queries whatever the size of the book.

    Each list holds its first LIMIT rows; a plans list has `more` set when there are others
    (counting every overdue plan would read a third of the plans); the other lists come with
    their full count, read from an index.
    """
    today, now = clock.today(), clock.now()
    plans = plans_due(user, today, limit=LIMIT + 1)
    more = {name: len(rows) > LIMIT for name, rows in plans.items()}
    count, reverify = due_for_reverification(user, today, settings["care"]["reverify_days"])
    return {"today": today, "limit": LIMIT,
            "plans": {name: rows[:LIMIT] for name, rows in plans.items()}, "more_plans": more,
            "greetings": greetings(user, today), "greetings_count": greetings_count(user, today),
            "reverify_count": count, "reverify": reverify,
            "complaints": unanswered_complaints(user, now), "complaints_count": unanswered_count(user)}
