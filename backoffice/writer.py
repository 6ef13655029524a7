"""The one bulk record writer: records made, changed and archived in bulk, each with its history.

The sheet sync, the playbook, the derivations, the CSV import and the demo data all write through
here, so a record's history reads the same whichever way it changed, and no statement ever binds
more values than the strictest database takes.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from peewee import Case, PostgresqlDatabase, Value

from . import actors
from .db import db
from .models import Change, new_ref, utcnow
from .models.base import as_text

VARIABLES = 999  # values bound per statement: the lowest limit SQLite has shipped with
CHUNK = 400  # ids per IN (...): well under it
PAGE = 1000  # rows per multi-row INSERT page on PostgreSQL (SQLite binds row by row)
HISTORY = ("at", "actor_kind", "actor_label", "user", "table", "record_id", "record_ref",
           "action", "field", "old", "new")


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    """`items` in slices of `size`: what every IN (...) and bulk statement here is cut by."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _default(model_field):
    return model_field.default() if callable(model_field.default) else model_field.default


def insert_rows(model, names: list[str], rows: list[tuple]) -> None:
    """Insert `rows` (tuples in the order of `names`) without rendering SQL per value.

    Peewee builds every value into its query tree, which costs far more than the database
    itself for 100,000-row imports; here each value only goes through its field's db_value,
    and the values are bound row by row, so no parameter limit is ever reached.
    """
    if not rows:
        return
    # Columns left out get the model's defaults, as peewee's own insert would give them.
    extra = [f for name, f in model._meta.fields.items()
             if name not in names and f.default is not None and not f.primary_key]
    fields = [model._meta.fields[name] for name in names] + extra
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    table = f'"{model._meta.table_name}"'
    converted = [tuple(f.db_value(v) for f, v in zip(fields, (*row, *(_default(f) for f in extra)), strict=True))
                 for row in rows]
    cursor = db.cursor()
    if isinstance(db.obj, PostgresqlDatabase):
        from psycopg2.extras import execute_values
        execute_values(cursor, f"INSERT INTO {table} ({columns}) VALUES %s", converted, page_size=PAGE)
    else:
        marks = ", ".join("?" for _ in fields)
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", converted)


def insert_dicts(model, rows: list[dict]) -> None:
    """Rows given as {field name: value}; a name some row leaves out gets the field's default."""
    if not rows:
        return
    names = list(dict.fromkeys(name for row in rows for name in row))
    fields = model._meta.fields
    insert_rows(model, names, [tuple(row[n] if n in row else _default(fields[n]) for n in names)
                               for row in rows])


def ids_by_ref(model, refs: list[str]) -> dict[str, int]:
    """{ref: id} for the given refs, in chunks; plain SQL, as peewee renders each value slowly."""
    found: dict[str, int] = {}
    table, mark = f'"{model._meta.table_name}"', db.obj.param
    for part in chunks(refs):
        sql = f'SELECT "ref", "id" FROM {table} WHERE "ref" IN ({", ".join(mark for _ in part)})'
        found.update(db.execute_sql(sql, part).fetchall())
    return found


def fresh_refs(model, prefix: str, count: int) -> list[str]:
    """`count` new record ids, unique among themselves and not used by any `model` row.

    Random ids collide now and then once there are hundreds of thousands of them, and one
    collision would fail a whole all-or-nothing import, so clashes are drawn again here."""
    refs: set[str] = set()
    while len(refs) < count:
        drawn = list({new_ref(prefix) for _ in range(count - len(refs))} - refs)
        taken = ids_by_ref(model, drawn)
        refs.update(ref for ref in drawn if ref not in taken)
    return list(refs)


def write_history(rows: list[dict]) -> None:
    """Change rows in bulk, one prepared statement."""
    insert_rows(Change, list(HISTORY), [tuple(row.get(name) for name in HISTORY) for row in rows])


def made_rows(table: str, made: Iterable[tuple[int, str | None]], actor: actors.Actor, at=None) -> list[dict]:
    """One `create` history row per (id, ref): a record made in bulk is its own first values, so
    the row says who made it and when; later edits are recorded field by field."""
    at = at or utcnow()
    return [{"at": at, "actor_kind": actor.kind, "actor_label": actor.label, "user": actor.user_id,
             "table": table, "record_id": pk, "record_ref": ref, "action": "create",
             "field": None, "old": None, "new": None} for pk, ref in made]


class Batch:
    """The bulk writes of one transaction; their history rows are gathered and written together
    (at the end, or at `flush()` when later work must find them written)."""

    FLUSH_AT = 20_000  # history rows held before they are written anyway: memory stays bounded

    def __init__(self, actor: actors.Actor | None = None):
        self.actor = actor or actors.current()
        self.history: list[dict] = []

    def __enter__(self) -> Batch:
        self._atomic = db.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, kind, error, trace):
        if kind is None:
            self.flush()
        return self._atomic.__exit__(kind, error, trace)

    # -- history

    def changed(self, record, before: dict | None, after: dict, actor: actors.Actor | None = None) -> None:
        """History rows for one record going from `before` (None: created) to `after`, field by field."""
        self._keep(Change.rows_for(record, before, after, actor or self.actor))

    def made(self, table: str, made: Iterable[tuple[int, str | None]], at=None) -> None:
        self._keep(made_rows(table, made, self.actor, at))

    def note(self, rows: list[dict]) -> None:
        """History rows written as they are (e.g. a past change told by demo data)."""
        self._keep(rows)

    def _keep(self, rows: list[dict]) -> None:
        self.history.extend(rows)
        if len(self.history) >= self.FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        write_history(self.history)
        self.history = []

    # -- records

    def insert(self, model, rows: list[dict]) -> None:
        """Rows inserted as they are, no history (records that keep none, or whose history the
        caller tells with `made`/`note`)."""
        insert_dicts(model, rows)

    def create(self, model, rows: list[dict], prefix: str) -> list[tuple[int, str]]:
        """New records from {field: value} rows, each under a fresh id and with one history row;
        returns their (id, ref) in the order of `rows`."""
        if not rows:
            return []
        refs = fresh_refs(model, prefix, len(rows))
        insert_dicts(model, [{"ref": ref, **row} for ref, row in zip(refs, rows, strict=True)])
        ids = ids_by_ref(model, refs)
        made = [(ids[ref], ref) for ref in refs]
        self.made(model.history_table, made)
        return made

    def create_records(self, records: list, actor: actors.Actor | None = None) -> None:
        """Records built in memory (each with its ref) inserted in bulk; their ids are set and every
        field's first value goes into the history."""
        if not records:
            return
        model = type(records[0])
        fields = [f for f in model._meta.sorted_fields if f.name != "id"]
        for record in records:  # the defaults, as a save would give them, kept on the record too
            for f in fields:
                if f.name not in record.__data__ and f.default is not None:
                    record.__data__[f.name] = _default(f)
        insert_rows(model, [f.name for f in fields],
                    [tuple(r.__data__.get(f.name) for f in fields) for r in records])
        ids = ids_by_ref(model, [r.ref for r in records])
        for record in records:
            record.id = ids[record.ref]
            self.changed(record, None, record.tracked_values(), actor)

    def update(self, model, values: dict[int, dict[str, Any]], now=None) -> None:
        """Each record (by id) given its own new values ({field: value}), in one UPDATE per chunk
        of records, sized so the CASE ... WHEN of every field stays within the limit."""
        if not values:
            return
        now = now or utcnow()
        by_field: dict[str, list[tuple[int, Any]]] = {}
        for pk, changes in values.items():
            for name, value in changes.items():
                by_field.setdefault(name, []).append((pk, value))
        size = max(1, (VARIABLES - 1) // (1 + 2 * len(by_field)))  # its IN, and a WHEN pair per field
        for part in chunks(list(values), size):
            wanted = set(part)
            update: dict = {model.updated_at: now}
            for name, pairs in by_field.items():
                model_field = model._meta.fields[name]
                whens = [(model.id == pk, Value(v, converter=model_field.db_value, unpack=False))
                         for pk, v in pairs if pk in wanted]
                if whens:
                    update[model_field] = Case(None, whens, model_field)
            model.update(update).where(model.id.in_(part)).execute()

    def set(self, model, values: dict, ids: Iterable[int]) -> None:
        """The same values ({field: value}) on every record of `ids`."""
        columns = {model._meta.fields[name]: value for name, value in values.items()}
        for part in chunks(list(ids)):
            model.update(columns).where(model.id.in_(part)).execute()

    def archive(self, model, records: list, also: dict | None = None, actor: actors.Actor | None = None,
                now=None) -> None:
        """Records archived, never deleted (with `also`'s values set beside, e.g. a plan's status):
        the flag, when (where the model keeps it), and the history of each field that moved."""
        if not records:
            return
        also = also or {}
        now = now or utcnow()
        values = {**also, "archived": True, "updated_at": now}
        if "archived_at" in model._meta.fields:
            values["archived_at"] = now
        for record in records:
            before = {name: as_text(record.__data__.get(name)) for name in (*also, "archived")}
            record.__data__.update(also)
            record.archived = True
            self.changed(record, before, {**{n: as_text(v) for n, v in also.items()}, "archived": "yes"}, actor)
        self.set(model, values, [r.id for r in records])
