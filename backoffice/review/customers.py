"""New and lost customers per month, and the customers at each month's start, from the history.

Churn is a stage change to `lost` in the change history (not today's stage). The customers at
a month's start are those made before it, less those lost then; "lost then" is worked back
from today's stage and the stage changes since, so two GROUP BYs give a whole year.
"""
from __future__ import annotations

from collections import defaultdict

from peewee import JOIN, SQL, Case, NodeList, PostgresqlDatabase, Value, fn

from .. import clock
from ..db import db
from ..models import Change, Customer
from .slices import Slice, first_day


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


def _made(slice_: Slice, start) -> tuple[dict, dict]:
    """Customers made before `start` ({lost now: n}) and per month since ({(month, lost now): n})."""
    # Two counts rather than one grouped by stage: each reads one index alone, (created_at, stage)
    # and (stage, created_at) for everyone, (owner | tier | industry | region, created_at, stage)
    # for a slice, where a grouping by stage would visit every older customer's row.
    made = slice_.customers(Customer.select(fn.COUNT(SQL("*"))).where(Customer.created_at < start)).scalar()
    lost = slice_.customers(Customer.select(fn.COUNT(SQL("*")))
                            .where(Customer.stage == "lost", Customer.created_at < start)).scalar()
    month = month_of(Customer.created_at)
    flag = Case(None, [(Customer.stage == "lost", 1)], 0)
    since = slice_.customers(Customer.select(month, flag, fn.COUNT(Customer.id))
                             .where(Customer.created_at >= start)).group_by(month, flag)
    return {0: (made or 0) - (lost or 0), 1: lost or 0}, {(m, f): n for m, f, n in since.tuples()}


def _stage_changes(slice_: Slice, start) -> list[tuple]:
    """(month of the change, month the customer was made or None if before `start`,
    to lost?, changes, customers) for every change into or out of `lost` since `start`."""
    made = Case(None, [(Customer.created_at < start, None)], month_of(Customer.created_at))
    to_lost = Case(None, [(Change.new == "lost", 1)], 0)
    month = month_of(Change.at)
    # Read from the few stage changes since `start`, each customer by its key: a CROSS JOIN keeps
    # SQLite from starting at the customers of a slice and looking up each one's changes.
    query = (Change.select(month, made, to_lost, fn.COUNT(Change.id), fn.COUNT(fn.DISTINCT(Change.record_id)))
             .join(Customer, JOIN.CROSS)
             .where(Change.record_id == Customer.id,
                    Change.field == "stage", Change.at >= start, Change.table == "customer",
                    Change.action == "update", (Change.new == "lost") | (Change.old == "lost")))
    return list(slice_.customers(query).group_by(month, made, to_lost).tuples())


def monthly(slice_: Slice, months: list[str]) -> dict[str, dict[str, int]]:
    """{month: {new, churned, at_start}} for consecutive `months`."""
    start = clock.day_start(first_day(months[0]))
    before, since = _made(slice_, start)
    changes = _stage_changes(slice_, start)
    churned = defaultdict(int)
    for month, _made_in, to_lost, _n, customers in changes:
        if to_lost:
            churned[month] += customers
    result = {}
    for month in months:
        made_before = [(m, flag, n) for (m, flag), n in since.items() if m < month]
        total = sum(before.values()) + sum(n for _, _, n in made_before)
        lost_now = before.get(1, 0) + sum(n for _, flag, n in made_before if flag)
        # Undo the changes since the month began, of customers made before it.
        for changed_in, made_in, to_lost, n, _ in changes:
            if changed_in >= month and (made_in is None or made_in < month):
                lost_now += -n if to_lost else n
        result[month] = {"new": sum(n for (m, _), n in since.items() if m == month),
                         "churned": churned.get(month, 0), "at_start": total - lost_now}
    return result
