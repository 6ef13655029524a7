"""Recording each month's figures as the month goes, so a past month never changes afterwards.

Every refresh (the worker's periodic task, and a dashboard view that finds a month not yet
recorded or not yet closed) writes one row per slice of customers: how many there are and
what they buy, touches done, plans overdue, and touches planned. Planned touches of days
that have passed are frozen as each day passes, counted from the plans as they stood then;
the rest of the month follows the current plans until it, too, has passed. The first refresh
after a month ends closes it for good. A month first recorded after it began (or after it
ended, before this record existed) starts from the plans as they stood at that first view.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from peewee import JOIN, Case, PostgresqlDatabase, SqliteDatabase, fn

from .. import clock
from ..db import db
from ..models import CarePlan, Customer, Interaction, User
from ..models.review import SLICE_KEY, ReviewMonth, ReviewSlice
from .slices import first_day, last_day, month_key

CHUNK = 500
LOCK_ID = 20_0011  # PostgreSQL advisory lock: one refresh writes at a time


def _key_columns():
    return (Customer.owner, User.team, Customer.region, Customer.tier, Customer.stage, Customer.industry)


def _with_team(query):
    return query.join(User, JOIN.LEFT_OUTER, on=(Customer.owner == User.id))


def occurrences(anchor: dt.date, step: int, low: dt.date, high: dt.date) -> int:
    """How many days of the schedule `anchor + k * step` (any k) fall in [low, high)."""
    if high <= low:
        return 0
    first = low + dt.timedelta(days=(anchor - low).days % step)
    return 0 if first >= high else 1 + (high - first - dt.timedelta(days=1)).days // step


def _plan_groups(earliest: dt.date) -> list[tuple]:
    """Active plans of working customers, counted per (next due, interval, made on, slice).

    A plan made before `earliest` counts as made before every window: grouping those
    together keeps the rows few."""
    made = Case(None, [(CarePlan.created_at < clock.day_start(earliest), None)], fn.DATE(CarePlan.created_at))
    query = (CarePlan.select(CarePlan.next_due, CarePlan.interval_days, made, *_key_columns(),
                             fn.COUNT(CarePlan.id))
             .join(Customer))
    query = (_with_team(query).where(CarePlan.status == "active", ~CarePlan.archived, ~Customer.archived)
             .group_by(CarePlan.next_due, CarePlan.interval_days, made, *_key_columns()))
    return [(_as_date(due), max(int(step), 1), _as_date(made) if made else None, tuple(rest[:-1]), rest[-1])
            for due, step, made, *rest in query.tuples()]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _planned(groups, low: dt.date, high: dt.date) -> dict[tuple, int]:
    found: dict[tuple, int] = defaultdict(int)
    for due, step, made, key, n in groups:
        start = max(low, made) if made else low
        count = occurrences(due, step, start, high)
        if count:
            found[key] += count * n
    return found


def _grouped(query) -> dict[tuple, tuple]:
    return {tuple(row[:6]): tuple(row[6:]) for row in query.tuples()}


def _month_parts(month: str, cutoff: dt.date) -> dict[str, dict[tuple, tuple]]:
    """Customers and purchases, touches done and plans overdue, per slice, as of now."""
    end = clock.day_start(last_day(month) + dt.timedelta(days=1))
    stock = _with_team(Customer.select(*_key_columns(), fn.COUNT(Customer.id), fn.SUM(Customer.annual_purchase)))
    stock = stock.where(~Customer.archived, Customer.created_at < end).group_by(*_key_columns())
    done = _with_team(Interaction.select(*_key_columns(), fn.COUNT(Interaction.id)).join(Customer))
    done = done.where(Interaction.at >= clock.day_start(first_day(month)), Interaction.at < end)
    overdue = _with_team(CarePlan.select(*_key_columns(), fn.COUNT(CarePlan.id)).join(Customer))
    overdue = overdue.where(CarePlan.status == "active", ~CarePlan.archived, ~Customer.archived,
                            CarePlan.next_due < cutoff)
    return {"stock": _grouped(stock), "done": _grouped(done.group_by(*_key_columns())),
            "overdue": _grouped(overdue.group_by(*_key_columns()))}


def _rows(month: str, parts, past: dict, ahead: dict) -> list[dict]:
    keys = set(past) | set(ahead) | set().union(*(set(p) for p in parts.values()))
    rows = []
    for key in keys:
        customers, purchase = parts["stock"].get(key, (0, 0))
        rows.append({"month": month, **dict(zip(SLICE_KEY, key, strict=True)),
                     "customers": customers, "purchase": purchase or 0,
                     "planned_past": past.get(key, 0), "planned_ahead": ahead.get(key, 0),
                     "done": parts["done"].get(key, (0,))[0], "overdue": parts["overdue"].get(key, (0,))[0]})
    return rows


def _exclusive():
    """A transaction that holds the write lock from its first statement."""
    database = db.obj
    if isinstance(database, SqliteDatabase):
        return database.atomic("IMMEDIATE")
    return database.atomic()


def _recorded(month: str) -> tuple[dt.date | None, dict[tuple, int]]:
    marker = ReviewMonth.get_or_none(ReviewMonth.month == month)
    if marker is None:
        return None, {}
    rows = ReviewSlice.select(*(getattr(ReviewSlice, k) for k in SLICE_KEY), ReviewSlice.planned_past)
    return marker.recorded_through, {tuple(r[:6]): r[6] for r in rows.where(ReviewSlice.month == month).tuples()}


def needs_refresh(month: str, marker: ReviewMonth | None, today: dt.date) -> bool:
    """Not recorded yet, over but not closed, or not recorded since yesterday."""
    if marker is None:
        return True
    if marker.final:
        return False
    return month < month_key(today) or marker.recorded_through < today


def refresh(months: Iterable[str], only_if_needed: bool = False) -> list[str]:
    """Record `months` (none later than this one); returns the months written."""
    today = clock.today()
    months = sorted({m for m in months if m <= month_key(today)})
    markers = {m.month: m for m in ReviewMonth.select().where(ReviewMonth.month.in_(months))}
    months = [m for m in months if not (markers.get(m) and markers[m].final)
              and (not only_if_needed or needs_refresh(m, markers.get(m), today))]
    if not months:
        return []
    groups = _plan_groups(first_day(months[0]))
    written = []
    for month in months:
        if _refresh_month(month, today, groups, markers.get(month)):
            written.append(month)
    return written


def _refresh_month(month: str, today: dt.date, groups, seen: ReviewMonth | None) -> bool:
    first, end = first_day(month), last_day(month) + dt.timedelta(days=1)
    cutoff = min(today, end)  # days before it have passed
    parts = _month_parts(month, cutoff)
    with _exclusive():
        if isinstance(db.obj, PostgresqlDatabase):
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
        through, kept = _recorded(month)
        if through != (seen.recorded_through if seen else None):
            return False  # another refresh recorded it meanwhile
        low = through or first
        past = dict(kept)
        for key, n in _planned(groups, low, cutoff).items():
            past[key] = past.get(key, 0) + n
        ahead = _planned(groups, cutoff, end)
        ReviewSlice.delete().where(ReviewSlice.month == month).execute()
        rows = _rows(month, parts, past, ahead)
        for i in range(0, len(rows), CHUNK):
            ReviewSlice.insert_many(rows[i:i + CHUNK]).execute()
        (ReviewMonth.insert(month=month, recorded_through=max(cutoff, low), taken_at=clock.now(),
                            final=cutoff >= end)
         .on_conflict(conflict_target=[ReviewMonth.month],
                      update={ReviewMonth.recorded_through: max(cutoff, low), ReviewMonth.taken_at: clock.now(),
                              ReviewMonth.final: cutoff >= end})
         .execute())
    return True
