"""The managers' monthly review: every figure one GROUP BY query, whatever the number of customers."""
from __future__ import annotations

import datetime as dt
import threading
import time

from peewee import JOIN, SQL, NodeList, PostgresqlDatabase, Value, fn

from . import clock
from .db import db
from .models import CarePlan, Change, Conflict, Customer, Industry, Interaction, SyncRun, User


def months_back(today: dt.date, count: int = 12) -> list[str]:
    """'YYYY-MM' for the last `count` months, the current one last."""
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def _first_day(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:]), 1)


def _scope(query, user):
    return query if user.sees_all_customers else query.where(Customer.owner == user.id)


def month_of(column):
    """The office's 'YYYY-MM' of a stored UTC time, computed by the database itself (peewee's
    portable date_part is a Python function on SQLite, called per row)."""
    if isinstance(db.obj, PostgresqlDatabase):
        local = NodeList((SQL("(("), column, SQL(" AT TIME ZONE 'UTC') AT TIME ZONE"),
                          Value(clock.zone().key), SQL(")")))
        return fn.to_char(local, "YYYY-MM")
    # SQLite knows no zones: shift by the office's offset now (exact for zones without DST).
    minutes = int(clock.local().utcoffset().total_seconds() // 60)
    return fn.strftime("%Y-%m", column, f"{minutes:+d} minutes")


def _per_month(query, column, months: list[str], distinct=None) -> list[int]:
    month = month_of(column)
    counted = fn.COUNT(fn.DISTINCT(distinct)) if distinct is not None else fn.COUNT(SQL("*"))
    counts = dict(query.select(month, counted).group_by(month).tuples())
    return [counts.get(m, 0) for m in months]


def shares(user) -> dict[str, dict[str, int]]:
    working = _scope(Customer.select().where(~Customer.archived), user)
    result = {}
    for name, column in (("tier", Customer.tier), ("stage", Customer.stage), ("region", Customer.region)):
        rows = working.select(column, fn.COUNT(Customer.id)).group_by(column).order_by(column).tuples()
        result[name] = {(key or "not set"): n for key, n in rows}
    rows = (working.select(Industry.name, fn.COUNT(Customer.id))
            .join(Industry, JOIN.LEFT_OUTER, on=(Customer.industry == Industry.id))
            .group_by(Industry.name).order_by(Industry.name).tuples())
    result["industry"] = {(key or "not set"): n for key, n in rows}
    return result


def new_and_churned(user, months: list[str]) -> dict[str, list[int]]:
    start = clock.day_start(_first_day(months[0]))
    new = _scope(Customer.select().where(Customer.created_at >= start), user)
    # Churn: a customer archived or moved to "lost", counted once per month, from the history.
    churn = Change.select().where(
        Change.table == "customer", Change.at >= start,
        (Change.action == "archive") | ((Change.field == "stage") & (Change.new == "lost")))
    if not user.sees_all_customers:
        churn = churn.where(Change.record_id.in_(Customer.select(Customer.id).where(Customer.owner == user.id)))
    return {"new customers": _per_month(new, Customer.created_at, months),
            "churned": _per_month(churn, Change.at, months, distinct=Change.record_id)}


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def touches(user, months: list[str]) -> dict[str, list[int]]:
    """Touches done (interactions) against planned (occurrences of active plans' schedules).

    A plan's schedule is its next due date stepped by its interval, back to the day the plan
    was made; plans are grouped by (next due, interval, made on), so the query stays one.
    """
    start, index = _first_day(months[0]), {m: i for i, m in enumerate(months)}
    last = months[-1]
    end = dt.date(int(last[:4]) + (last[5:] == "12"), int(last[5:]) % 12 + 1, 1)
    done = Interaction.select().where(Interaction.at >= clock.day_start(start))
    if not user.sees_all_customers:  # the join is only needed to scope a rep's book
        done = _scope(done.join(Customer), user)
    planned = [0] * len(months)
    made_on = fn.DATE(CarePlan.created_at)
    groups = _scope(CarePlan.select(CarePlan.next_due, CarePlan.interval_days, made_on,
                                    fn.COUNT(CarePlan.id)).join(Customer)
                    .where(CarePlan.status == "active", ~CarePlan.archived, ~Customer.archived), user)
    for next_due, interval, made, n in groups.group_by(CarePlan.next_due, CarePlan.interval_days, made_on).tuples():
        first, step = max(start, _as_date(made)), dt.timedelta(days=max(int(interval), 1))
        day = _as_date(next_due)
        while day - step >= first:
            day -= step
        while day < end:
            if day >= first:
                planned[index[f"{day.year:04d}-{day.month:02d}"]] += n
            day += step
    return {"done": _per_month(done, Interaction.at, months), "planned": planned}


def overdue_by_owner(user, today: dt.date) -> dict[str, int]:
    rows = _scope(CarePlan.select(User.email, fn.COUNT(CarePlan.id)).join(Customer).switch(CarePlan)
                  .join(User, JOIN.LEFT_OUTER, on=(CarePlan.owner == User.id))
                  .where(CarePlan.status == "active", ~CarePlan.archived, ~Customer.archived,
                         CarePlan.next_due < today), user)
    return {(email or "no owner"): n for email, n in rows.group_by(User.email).order_by(User.email).tuples()}


def last_sync_run():
    """The latest run that did or tried work (skipped and running ones say nothing new)."""
    return (SyncRun.select().where(SyncRun.status.not_in(["skipped", "running"]))
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).first())


def sync_health() -> dict:
    run = last_sync_run()
    unresolved = Conflict.select().where(~Conflict.resolved).count()
    if run is None:
        return {"ran": False, "unresolved_conflicts": unresolved}
    return {"ran": True, "status": run.status, "finished_at": run.finished_at, "error": run.error,
            "stopped": run.status == "stopped", "unresolved_conflicts": unresolved}


FRESH_SECONDS = 60  # the monthly review does not need to-the-second figures
_cache: dict[tuple, tuple[float, dict]] = {}
_cache_lock = threading.Lock()


def cached_figures(user, today: dt.date) -> dict[str, dict]:
    """`figures`, kept for a minute per book (all customers, or one rep's), so a busy
    dashboard does not re-aggregate 100,000 customers on every view."""
    key = ("all" if user.sees_all_customers else user.id, today)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < FRESH_SECONDS:
            return hit[1]
    result = figures(user, today)
    with _cache_lock:
        _cache[key] = (now, result)
    return result


def figures(user, today: dt.date) -> dict[str, dict]:
    """Every chart's numbers: {figure: {title, x, y, labels, series: {name: values}}}."""
    months = months_back(today)
    share = shares(user)
    result = {}
    for name in ("tier", "stage", "industry", "region"):
        result[f"customers-by-{name}"] = {
            "title": f"Customers by {name}", "x": name.capitalize(), "y": "Customers",
            "labels": list(share[name]), "series": {"customers": list(share[name].values())}}
    result["new-and-churned"] = {"title": "New and churned customers per month", "x": "Month",
                                 "y": "Customers", "labels": months, "series": new_and_churned(user, months)}
    result["touches"] = {"title": "Touches done vs planned per month", "x": "Month", "y": "Touches",
                         "labels": months, "series": touches(user, months)}
    overdue = overdue_by_owner(user, today)
    result["overdue-by-owner"] = {"title": "Overdue care plans per owner", "x": "Owner",
                                  "y": "Overdue plans", "labels": list(overdue),
                                  "series": {"overdue plans": list(overdue.values())}}
    return result
