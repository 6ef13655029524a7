"""Fast bench data: realistic customers (the demo's generator) inserted in bulk, 2 care plans each
(their playbook plans first; a strategic deal customer has 4).

A fresh database gets sequential ids, so plans and interactions point at customers without
reading anything back; the whole load is one transaction.
"""
from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

from peewee import (
    BooleanField,
    CharField,
    ForeignKeyField,
    IntegerField,
    PostgresqlDatabase,
    TextField,
)

from backoffice import demo, rules
from backoffice.care import derive, playbook
from backoffice.db import db, init_database
from backoffice.migrations import migrate
from backoffice.models import CarePlan, Change, Customer, Industry, Interaction, utcnow
from backoffice.models.base import REF_ALPHABET

PLAN_KINDS = (("Follow-up call", "call", "phone", 14), ("Industry news", "product-news", "email", 30),
              ("Quarterly review", "deep-review", "video", 91))


def bench_ref(prefix: str, n: int) -> str:
    """Unique, random-looking ids without the cost of `secrets`: n times an odd number, mod 32**8."""
    code = (n * 2_654_435_761 + 12_345) % 32**8
    chars = []
    for _ in range(8):
        code, digit = divmod(code, 32)
        chars.append(REF_ALPHABET[digit])
    return f"{prefix}-{''.join(chars)}"


def _default(value):
    return value() if callable(value) else value


def bulk_insert(model, rows: list[dict]) -> None:
    """Insert plain dicts with one prepared statement (peewee's insert_many spends its time
    building SQL text: ~1.7 ms a row here); values still pass through each field's db_value."""
    if not rows:
        return
    fields = [f for f in model._meta.sorted_fields if f.name != "id" and (f.name in rows[0] or f.default is not None)]
    defaults = {f.name: f.default for f in fields if f.name not in rows[0]}
    names = ", ".join(f'"{f.column_name}"' for f in fields)
    table = model._meta.table_name
    plain = (CharField, TextField, IntegerField, BooleanField, ForeignKeyField)
    convert = [None if isinstance(f, plain) else f.db_value for f in fields]
    values = []
    for row in rows:
        out = []
        for f, conv in zip(fields, convert, strict=True):
            value = row[f.name] if f.name in row else _default(defaults[f.name])
            out.append(value if conv is None else conv(value))
        values.append(tuple(out))
    database = db.obj
    cursor = database.cursor()
    if isinstance(database, PostgresqlDatabase):
        from psycopg2.extras import execute_values
        execute_values(cursor, f'INSERT INTO "{table}" ({names}) VALUES %s', values, page_size=1000)
    else:
        marks = ", ".join("?" for _ in fields)
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)


def populate(url: str, customers: int, settings: dict, plans_per_customer: int = 2, seed: int = 7) -> dict:
    """Create the schema, the demo users and `customers` customers with their plans and touches."""
    init_database(url)
    db.connect(reuse_if_open=True)
    migrate()
    login = demo.create_demo_logins(settings)  # a generated password, kept beside the data
    if login:
        demo.keep_login(settings["app"]["instance_path"], login)
    owners = demo.book_owners()
    industries = [i.id for i in Industry.select()]
    rnd = random.Random(seed)
    today = dt.date.today()
    now = utcnow()
    made = {"customers": 0, "plans": 0, "interactions": 0}
    steps, lead = playbook._active_steps()
    by_id = {step.id: step for step in steps}
    with db.atomic():
        base_id = (Customer.select(Customer.id).order_by(Customer.id.desc()).scalar() or 0)
        for start in range(0, customers, 10_000):
            batch = [demo._customer(rnd, owners, industries, today, settings)
                     for _ in range(min(10_000, customers - start))]
            for offset, row in enumerate(batch):
                row["ref"] = bench_ref("CU", base_id + start + offset + 1)
            bulk_insert(Customer, batch)
            plans, touches, history = [], [], []
            for offset, row in enumerate(batch):
                cid = base_id + start + offset + 1
                history.append({"actor_kind": "system", "actor_label": "bench data", "table": "customer",
                                "record_id": cid, "record_ref": row["ref"], "action": "create", "at": now})
                # The playbook's plans for the customer's tier and stage, as a live database holds
                # them (so touching a customer makes no new plan), then others up to the count.
                wanted = [by_id[i] for i in sorted(playbook.steps_for(row["tier"], row["stage"], steps))]
                for n in range(max(plans_per_customer, len(wanted))):
                    if n < len(wanted):
                        step = wanted[n]
                        kind = (step.title, step.action, step.channel, step.interval_days)
                        owner = lead if step.owned_by_sales_lead and lead else row["owner"]
                    else:
                        step, kind, owner = None, PLAN_KINDS[(offset + n) % len(PLAN_KINDS)], row["owner"]
                    title, action, channel, every = kind
                    plans.append({"ref": bench_ref("CP", cid * 8 + n), "customer": cid, "owner": owner,
                                  "title": title, "action": action, "channel": channel,
                                  "interval_days": every, "status": "active", "playbook_step": step and step.id,
                                  "next_due": today + dt.timedelta(days=rnd.randint(-30, 60)),
                                  "created_at": now, "updated_at": now})
                for _ in range(rnd.randint(0, 3)):
                    sentiment = rnd.choices(rules.FEEDBACK, weights=(5, 4, 1))[0]
                    touches.append({"customer": cid, "user": row["owner"], "channel": "phone",
                                    "at": now - dt.timedelta(days=rnd.randint(0, 90)),
                                    "summary": "Quarterly review", "sentiment": sentiment,
                                    "responded_at": None if sentiment == "negative" and rnd.random() < 0.1 else now})
            bulk_insert(CarePlan, plans)
            bulk_insert(Interaction, touches)
            bulk_insert(Change, history)
            made["customers"] += len(batch)
            made["plans"] += len(plans)
            made["interactions"] += len(touches)
    derive.derive(settings)  # closeness and churn risk as the periodic task keeps them
    last = Customer.get_or_none(Customer.id == base_id + customers)
    assert last is not None and last.ref == bench_ref("CU", base_id + customers), "ids were not sequential"
    if url.startswith("sqlite:///"):
        db.execute_sql("ANALYZE")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        db.execute_sql("ANALYZE")
    db.close()
    return made


def sqlite_copy(source: Path, target: Path) -> str:
    """A private copy of a generated SQLite file (sections that write must not share one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


if __name__ == "__main__":  # python -m bench.data URL CUSTOMERS FOLDER: fill a database in its own process
    import json
    import sys

    from .common import settings_for
    url, count, folder = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    print(json.dumps(populate(url, count, settings_for(url, folder))))
