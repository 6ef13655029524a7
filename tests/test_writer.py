"""The one bulk record writer: history per field, chunks within SQLite's variable limit, archive never deletes."""
import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
from peewee import SqliteDatabase

from backoffice import actors, clock, writer
from backoffice.db import db
from backoffice.models import CarePlan, Change, Customer
from tests.conftest import make_user
from tests.factories import make_customer

NOW = dt.datetime(2026, 3, 10, 2, 30)
CLERK = actors.Actor("import", "import by clerk@example.com")


@pytest.fixture(autouse=True)
def _pinned(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def strict_sqlite(app):
    """SQLite at the lowest variable limit it has shipped with (999); PostgreSQL as it is."""
    if isinstance(db.obj, SqliteDatabase):
        db.connection().setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, writer.VARIABLES)
    return app


def _history(record, **where) -> list[tuple]:
    query = Change.select().where(Change.table == record.history_table, Change.record_id == record.id)
    for name, value in where.items():
        query = query.where(getattr(Change, name) == value)
    return sorted((c.action, c.field, c.old, c.new, c.actor_label) for c in query)


def test_records_built_in_memory_get_a_history_row_per_field_they_hold(app):
    owner = make_user("rep@example.com", role="rep")
    new = Customer(ref="CU-WRITER01", name="Acme", stage="deal", owner=owner.id,
                   annual_purchase=Decimal("1200.50"))
    with writer.Batch(CLERK) as batch:
        batch.create_records([new])
    saved = Customer.get_by_id(new.id)
    assert (saved.name, saved.owner_id, saved.annual_purchase) == ("Acme", owner.id, Decimal("1200.50"))
    rows = _history(saved, action="create")
    assert ("create", "name", None, "Acme", CLERK.label) in rows
    assert ("create", "owner", None, str(owner.id), CLERK.label) in rows
    assert ("create", "annual_purchase", None, "1200.50", CLERK.label) in rows
    assert {field for _a, field, *_ in rows} == {n for n, v in saved.tracked_values().items() if v is not None}


def test_an_update_writes_each_record_its_own_values_and_one_history_row_per_field_moved(app):
    first, second = make_customer(name="First", stage="potential"), make_customer(name="Second", region="East")
    with writer.Batch(CLERK) as batch:
        for customer, values in ((first, {"stage": "deal", "region": "North"}), (second, {"region": "South"})):
            before = customer.tracked_values()
            for name, value in values.items():
                setattr(customer, name, value)
            batch.changed(customer, before, customer.tracked_values())
        batch.update(Customer, {first.id: {"stage": "deal", "region": "North"}, second.id: {"region": "South"}})
    assert (Customer.get_by_id(first.id).stage, Customer.get_by_id(first.id).region) == ("deal", "North")
    assert (Customer.get_by_id(second.id).stage, Customer.get_by_id(second.id).region) == ("potential", "South")
    assert _history(first, action="update") == [("update", "region", None, "North", CLERK.label),
                                                 ("update", "stage", "potential", "deal", CLERK.label)]
    assert _history(second, action="update") == [("update", "region", "East", "South", CLERK.label)]
    assert Customer.get_by_id(second.id).updated_at == NOW


def test_a_batch_that_fails_writes_neither_records_nor_history(app):
    customer = make_customer(name="Kept", stage="potential")
    before = Change.select().count()
    with pytest.raises(RuntimeError), writer.Batch(CLERK) as batch:
        batch.create(Customer, [{"name": "Never", "stage": "deal"}], "CU")
        batch.changed(customer, {"stage": "potential"}, {"stage": "deal"})
        batch.update(Customer, {customer.id: {"stage": "deal"}})
        raise RuntimeError("stopped half way")
    assert Customer.select().where(Customer.name == "Never").count() == 0
    assert Customer.get_by_id(customer.id).stage == "potential"
    assert Change.select().count() == before


def test_bulk_writes_stay_within_sqlite_variable_limit(strict_sqlite):
    count = 1500  # more ids than one IN (...) and more rows than one statement may bind
    with writer.Batch(CLERK) as batch:
        made = batch.create(Customer, [{"name": f"C{n}", "stage": "potential", "region": "East"}
                                       for n in range(count)], "CU")
    assert len({pk for pk, _ref in made}) == count == Customer.select().count()
    assert [Customer.get_by_id(pk).name for pk, _ref in made[:3]] == ["C0", "C1", "C2"]
    assert Change.select().where(Change.action == "create", Change.actor_label == CLERK.label).count() == count

    ids = [pk for pk, _ref in made]
    with writer.Batch(CLERK) as batch:  # three fields per record: a CASE ... WHEN pair for each
        batch.update(Customer, {pk: {"stage": "deal", "region": f"R{pk}", "needs": "more"} for pk in ids})
        batch.set(Customer, {"churn_risk": "medium"}, ids)
    assert Customer.select().where(Customer.stage == "deal", Customer.needs == "more",
                                   Customer.churn_risk == "medium").count() == count
    assert all(c.region == f"R{c.id}" for c in Customer.select(Customer.id, Customer.region))
    assert writer.ids_by_ref(Customer, [ref for _pk, ref in made]) == dict((ref, pk) for pk, ref in made)


def test_archive_never_deletes_and_says_so_in_the_history(strict_sqlite):
    customers = [make_customer(name=f"Gone {n}") for n in range(3)]
    with writer.Batch(CLERK) as batch:
        made = batch.create(Customer, [{"name": f"Bulk {n}", "stage": "lost"} for n in range(1200)], "CU")
    archived = customers + list(Customer.select().where(Customer.id.in_([pk for pk, _ in made[:450]])))
    total = Customer.select().count()
    with writer.Batch(CLERK) as batch:
        batch.archive(Customer, archived)
    assert Customer.select().count() == total  # every row is still there
    assert Customer.select().where(Customer.archived).count() == len(archived)
    gone = Customer.get_by_id(customers[0].id)
    assert (gone.archived, gone.archived_at, gone.name) == (True, NOW, "Gone 0")
    assert _history(gone, action="archive") == [("archive", "archived", "no", "yes", CLERK.label)]


def test_archiving_plans_beside_other_values_records_each_field(app):
    plan = CarePlan.create(customer=make_customer(), title="Call", action="call", interval_days=14,
                           next_due=dt.date(2026, 3, 10), status="paused")
    with writer.Batch(actors.SYSTEM) as batch:
        batch.archive(CarePlan, [plan], also={"status": "done"})
    kept = CarePlan.get_by_id(plan.id)
    assert (kept.archived, kept.status) == (True, "done")
    assert [row for row in _history(kept) if row[0] != "create"] == [
        ("archive", "archived", "no", "yes", "system"), ("update", "status", "paused", "done", "system")]
