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
from ..rules import STAGES
from .slices import first_day, last_day, month_key

CHUNK = 500
LOCK_ID = 20_0011  # PostgreSQL advisory lock: one refresh writes at a time


def _key_columns():
    return (Customer.owner, User.team, Customer.region, Customer.tier, Customer.industry)


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
    width = len(SLICE_KEY)
    return {tuple(row[:width]): tuple(row[width:]) for row in query.tuples()}


def _stock(end) -> dict[tuple, dict]:
    """Working customers made before `end` per slice: how many, per stage, and what they buy."""
    query = _with_team(Customer.select(*_key_columns(), Customer.stage, fn.COUNT(Customer.id),
                                       fn.SUM(Customer.annual_purchase)))
    query = query.where(~Customer.archived, Customer.created_at < end).group_by(*_key_columns(), Customer.stage)
    found: dict[tuple, dict] = defaultdict(lambda: {"customers": 0, "purchase": 0})
    width = len(SLICE_KEY)
    for row in query.tuples():
        counts = found[tuple(row[:width])]
        stage, n, purchase = row[width:]
        counts["customers"] += n
        counts["purchase"] += purchase or 0
        if stage in STAGES:
            counts[stage] = counts.get(stage, 0) + n
    return found


def _month_parts(month: str, cutoff: dt.date) -> dict[str, dict[tuple, tuple]]:
    """Customers and purchases, touches done and plans overdue, per slice, as of now."""
    end = clock.day_start(last_day(month) + dt.timedelta(days=1))
    done = _with_team(Interaction.select(*_key_columns(), fn.COUNT(Interaction.id)).join(Customer))
    done = done.where(Interaction.at >= clock.day_start(first_day(month)), Interaction.at < end)
    overdue = _with_team(CarePlan.select(*_key_columns(), fn.COUNT(CarePlan.id)).join(Customer))
    overdue = overdue.where(CarePlan.status == "active", ~CarePlan.archived, ~Customer.archived,
                            CarePlan.next_due < cutoff)
    return {"stock": _stock(end), "done": _grouped(done.group_by(*_key_columns())),
            "overdue": _grouped(overdue.group_by(*_key_columns()))}


def _rows(month: str, parts, past: dict, ahead: dict) -> list[dict]:
    keys = set(past) | set(ahead) | set().union(*(set(p) for p in parts.values()))
    rows = []
    for key in keys:
        stock = parts["stock"].get(key, {})
        rows.append({"month": month, **dict(zip(SLICE_KEY, key, strict=True)),
                     "customers": stock.get("customers", 0), "purchase": stock.get("purchase", 0),
                     **{stage: stock.get(stage, 0) for stage in STAGES},
                     "planned_past": past.get(key, 0), "planned_ahead": ahead.get(key, 0),
                     "done": parts["done"].get(key, (0,))[0], "overdue": parts["overdue"].get(key, (0,))[0]})
    return rows


def _insert(rows: list[dict]) -> None:
    """Many rows in one prepared statement: peewee's insert_many builds SQL text per row, which
    costs more than the whole refresh's queries at 100,000 customers."""
    if not rows:
        return
    fields = [f for f in ReviewSlice._meta.sorted_fields if f.name != "id"]
    names = ", ".join(f'"{f.column_name}"' for f in fields)
    table = ReviewSlice._meta.table_name
    postgres = isinstance(db.obj, PostgresqlDatabase)
    money = ReviewSlice.purchase.name
    values = [tuple(row[f.name] if postgres or f.name != money else str(row[f.name]) for f in fields)
              for row in rows]
    cursor = db.cursor()
    if postgres:
        from psycopg2.extras import execute_values
        execute_values(cursor, f'INSERT INTO "{table}" ({names}) VALUES %s', values, page_size=CHUNK)
    else:
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in fields)})', values)


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
    width = len(SLICE_KEY)
    return marker.recorded_through, {tuple(r[:width]): r[width]
                                     for r in rows.where(ReviewSlice.month == month).tuples()}


def needs_refresh(month: str, marker: ReviewMonth | None, today: dt.date) -> bool:
    """Not recorded yet, over but not closed, or not recorded since yesterday."""
    if marker is None:
        return True
    if marker.final:
        return False
    return month < month_key(today) or marker.recorded_through < today


def pending(months: Iterable[str]) -> list[str]:
    """Those of `months` a view wants recorded (see `needs_refresh`), in the order given."""
    today = clock.today()
    months = list(dict.fromkeys(m for m in months if m <= month_key(today)))
    markers = {m.month: m for m in ReviewMonth.select().where(ReviewMonth.month.in_(months))}
    return [m for m in months if needs_refresh(m, markers.get(m), today)]


# Customer-months (customers × months to record) a view records itself, about a second's work;
# more are left to the worker while the view shows what is recorded.
INLINE_BUDGET = 12_000


def quick_to_record(months: list[str]) -> bool:
    return len(months) * Customer.select().count() <= INLINE_BUDGET


def refresh(months: Iterable[str], only_if_needed: bool = False) -> list[str]:
    """Record `months` (none later than this one), in the order given (each month is written and
    committed on its own, so a view sees them arrive); returns the months written."""
    today = clock.today()
    months = list(dict.fromkeys(m for m in months if m <= month_key(today)))
    markers = {m.month: m for m in ReviewMonth.select().where(ReviewMonth.month.in_(months))}
    months = [m for m in months if not (markers.get(m) and markers[m].final)
              and (not only_if_needed or needs_refresh(m, markers.get(m), today))]
    if not months:
        return []
    groups = _plan_groups(first_day(min(months)))
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
        _insert(_rows(month, parts, past, ahead))
        (ReviewMonth.insert(month=month, recorded_through=max(cutoff, low), taken_at=clock.now(),
                            final=cutoff >= end)
         .on_conflict(conflict_target=[ReviewMonth.month],
                      update={ReviewMonth.recorded_through: max(cutoff, low), ReviewMonth.taken_at: clock.now(),
                              ReviewMonth.final: cutoff >= end})
         .execute())
    return True
