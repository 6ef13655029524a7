"""Trigram indexes behind the panel's substring search, on PostgreSQL.

The lists search with `column ILIKE '%term%'` (peewee's `**`), which a btree index cannot
serve; a GIN index with `gin_trgm_ops` from the pg_trgm extension can. SQLite is left as
it is: there the search scans, and stays fast enough at the sizes SQLite is meant for.
"""
from __future__ import annotations

from peewee import DatabaseError, PostgresqlDatabase

from .db import db
from .models import CarePlan, Customer, User

# The columns the panel's search boxes reach: the customers list (and, through the owner's
# email, the users table), and the care plans list (and, through the customer's name, the
# customers table), and the users list. The users table is small and rarely written, so its
# indexes cost next to nothing. Interactions and the change history are left out: they are
# the largest tables, written on every touch and save, and searched rarely.
SEARCHED_FIELDS = (
    Customer.name, Customer.contact_name, Customer.phone, Customer.email,
    Customer.credit_code, Customer.ref,
    User.email, User.name,
    CarePlan.title, CarePlan.ref,
)

EXTENSION = "pg_trgm"

SLOWER_SEARCH = ("search indexes not created: the {extension} extension could not be created "
                 "({reason}); search works but is slower on large tables. Have a superuser run "
                 "`CREATE EXTENSION {extension}` in this database, then `backoffice init-db` again.")


def index_name(field) -> str:
    return f"{field.model._meta.table_name}_{field.column_name}_trgm"


def index_sql(field) -> str:
    table = field.model._meta.table_name
    return (f'CREATE INDEX IF NOT EXISTS "{index_name(field)}" ON "{table}" '
            f'USING gin ("{field.column_name}" gin_trgm_ops)')


def existing_indexes() -> set[str]:
    cursor = db.execute_sql("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    return {row[0] for row in cursor.fetchall()}


def has_extension() -> bool:
    cursor = db.execute_sql("SELECT 1 FROM pg_extension WHERE extname = %s", (EXTENSION,))
    return cursor.fetchone() is not None


def create_search_indexes() -> str | None:
    """Create the extension and whichever search indexes are missing; a warning if it could not.

    Does nothing on SQLite. Never fails the caller for want of the extension: without it the
    search still works, it only scans. Safe to call on every start: indexes already there are
    not touched (so no table is locked), and a database whose extension was refused before
    gets its indexes once the extension is there.
    """
    if not isinstance(db.obj, PostgresqlDatabase):
        return None
    there = existing_indexes()
    missing = [field for field in SEARCHED_FIELDS if index_name(field) not in there]
    if not missing:
        return None
    if not has_extension():
        try:
            with db.atomic():  # a savepoint: a refusal must not abort the caller's transaction
                db.execute_sql(f'CREATE EXTENSION IF NOT EXISTS "{EXTENSION}"')
        except DatabaseError as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            return SLOWER_SEARCH.format(extension=EXTENSION, reason=reason)
    for field in missing:
        db.execute_sql(index_sql(field))
    return None
