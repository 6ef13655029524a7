"""Fast multi-row inserts for imports and bulk history: one prepared statement, many rows."""
from __future__ import annotations

from peewee import PostgresqlDatabase

from .db import db

PAGE = 1000


def insert_rows(model, names: list[str], rows: list[tuple]) -> None:
    """Insert `rows` (tuples in the order of `names`) without rendering SQL per value.

    Peewee builds every value into its query tree, which costs far more than the database
    itself for 100,000-row imports; here each value only goes through its field's db_value.
    """
    if not rows:
        return
    # Columns left out get the model's defaults, as peewee's own insert would give them.
    extra = [f for name, f in model._meta.fields.items()
             if name not in names and f.default is not None and not f.primary_key]
    fields = [model._meta.fields[name] for name in names] + extra
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    table = f'"{model._meta.table_name}"'

    def defaults():
        return tuple(f.default() if callable(f.default) else f.default for f in extra)
    converted = [tuple(f.db_value(v) for f, v in zip(fields, row + defaults(), strict=True))
                 for row in rows]
    cursor = db.cursor()
    if isinstance(db.obj, PostgresqlDatabase):
        from psycopg2.extras import execute_values
        execute_values(cursor, f"INSERT INTO {table} ({columns}) VALUES %s", converted, page_size=PAGE)
    else:
        marks = ", ".join("?" for _ in fields)
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", converted)


def ids_by_ref(model, refs: list[str]) -> dict[str, int]:
    """{ref: id} for the given refs, in pages; plain SQL, as peewee renders each value slowly."""
    found: dict[str, int] = {}
    table, mark = f'"{model._meta.table_name}"', db.obj.param
    for start in range(0, len(refs), PAGE):
        part = refs[start:start + PAGE]
        sql = f'SELECT "ref", "id" FROM {table} WHERE "ref" IN ({", ".join(mark for _ in part)})'
        found.update(db.execute_sql(sql, part).fetchall())
    return found


def fresh_refs(model, prefix: str, count: int) -> list[str]:
    """`count` new record ids, unique among themselves and not used by any `model` row.

    Random ids collide now and then once there are hundreds of thousands of them, and one
    collision would fail a whole all-or-nothing import, so clashes are drawn again here."""
    from .models import new_ref
    refs: set[str] = set()
    while len(refs) < count:
        drawn = list({new_ref(prefix) for _ in range(count - len(refs))} - refs)
        taken = ids_by_ref(model, drawn)
        refs.update(ref for ref in drawn if ref not in taken)
    return list(refs)
