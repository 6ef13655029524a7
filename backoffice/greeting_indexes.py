"""Indexes on the month and day of the customers' birthdays and anniversaries (the Today page).

The greetings list wants dates falling in the next days of any year, so a plain index on the
date cannot serve it. Each database gets an index on an expression of the month and day; the
query (`month_day`) writes exactly the same expression, so the planner reads a short range of
the index instead of the whole customer table. Nothing is stored beside the dates, so no write
path (the panel, the import, the sheet sync, bulk updates) has a derived value to keep right.

- SQLite keeps a date as text 'YYYY-MM-DD': the expression is `substr(date, 6, 5)`, 'MM-DD'.
- PostgreSQL: `date_part('month', date) * 100 + date_part('day', date)`, e.g. 1125 for
  25 November (`date_part` on a date is immutable; `to_char` is not, so it cannot be indexed).
Both are partial indexes (`IS NOT NULL`): most customers have neither date.
"""
from __future__ import annotations

from peewee import SQL, PostgresqlDatabase, fn

from .db import db
from .models import Customer

GREETING_FIELDS = (Customer.birthday, Customer.anniversary)


def _postgres() -> bool:
    return isinstance(db.obj, PostgresqlDatabase)


def month_day(field):
    """The query side of the indexed expression, for `field` of Customer (aliases work)."""
    if _postgres():
        return (fn.date_part(SQL("'month'"), field) * SQL("100")) + fn.date_part(SQL("'day'"), field)
    return fn.substr(field, SQL("6"), SQL("5"))


def key(month: int, day: int):
    """The value `month_day` gives for a month and day."""
    return month * 100 + day if _postgres() else f"{month:02d}-{day:02d}"


def index_name(field) -> str:
    return f"{field.model._meta.table_name}_{field.column_name}_month_day"


def index_sql(field) -> str:
    column = f'"{field.column_name}"'
    if _postgres():
        expression = f"(date_part('month', {column}) * 100 + date_part('day', {column}))"
    else:
        expression = f"substr({column}, 6, 5)"
    return (f'CREATE INDEX IF NOT EXISTS "{index_name(field)}" ON "{field.model._meta.table_name}" '
            f"({expression}) WHERE {column} IS NOT NULL")


def create_greeting_indexes() -> None:
    """Create whichever of the indexes are missing (safe to call again)."""
    for field in GREETING_FIELDS:
        db.execute_sql(index_sql(field))
