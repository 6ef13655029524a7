"""The panel's substring search: trigram indexes on PostgreSQL, plain scans on SQLite."""
from __future__ import annotations

import os

import pytest
from flask_login import login_user
from peewee import PostgresqlDatabase

from backoffice import migrations, search_indexes
from backoffice.db import db
from backoffice.models import CarePlan, Customer, User
from tests.conftest import make_user
from tests.factories import make_customer, make_plan

on_postgres = pytest.mark.skipif(os.environ.get("TEST_DATABASE", "sqlite") != "postgresql",
                                 reason="trigram indexes are PostgreSQL's")

INDEX_NAMES = {search_indexes.index_name(f) for f in search_indexes.SEARCHED_FIELDS}


def _view(app, endpoint):
    return next(v for v in app.extensions["backoffice_admin"]._views if getattr(v, "endpoint", "") == endpoint)


def _trigram_indexes() -> dict[str, str]:
    rows = db.execute_sql("SELECT indexname, indexdef FROM pg_indexes "
                          "WHERE schemaname = current_schema() AND indexname LIKE %s", ("%\\_trgm",))
    return dict(rows.fetchall())


def _drop_trigram_indexes() -> None:
    for name in INDEX_NAMES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


def _stamp_at_version_2() -> None:
    """A database made before step 3: a new one is stamped at the latest version only."""
    migrations.SchemaVersion.delete().execute()
    migrations.SchemaVersion.create(version=2)
    assert migrations.current_version() == 2


def _plan(sql: str, params) -> str:
    """The plan PostgreSQL picks when a full scan is the last resort; in a transaction, undone."""
    with db.atomic() as transaction:
        db.execute_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(row[0] for row in db.execute_sql("EXPLAIN " + sql, params).fetchall())
        transaction.rollback()
    return plan


def test_every_column_the_panel_searches_is_indexed(app):
    # customers (with the owner's email), users, care plans (with the customer's name)
    wanted = {f for endpoint in ("customers", "users", "care_plans")
              for f in _view(app, endpoint)._search_fields}
    wanted |= {User.email, Customer.name}
    assert wanted <= set(search_indexes.SEARCHED_FIELDS)


def test_search_finds_by_each_column_and_by_the_owner(client, auth):
    owner = make_user("hengda.owner@example.com", role="rep")
    make_customer(name="Hengda Trading")
    make_customer(name="By Contact", contact_name="Mr Hengda")
    make_customer(name="By Mail", email="sales@hengda.example")
    make_customer(name="By Owner", owner=owner)
    make_customer(name="Unrelated Co")
    make_user()
    auth.login()
    page = client.get("/admin/customers/?search=hengda").get_data(as_text=True)
    for name in ("Hengda Trading", "By Contact", "By Mail", "By Owner"):
        assert name in page
    assert "Unrelated Co" not in page
    plans = client.get("/admin/care_plans/?search=hengda")
    assert plans.status_code == 200


def test_care_plan_search_reaches_the_customer_name(client, auth):
    make_plan(make_customer(name="Hengda Trading"), title="Quarterly review")
    make_plan(make_customer(name="Other Co"), title="Monthly call")
    make_user()
    auth.login()
    page = client.get("/admin/care_plans/?search=hengda").get_data(as_text=True)
    assert "Quarterly review" in page and "Monthly call" not in page


def test_sqlite_gets_no_indexes_and_no_warning(app):
    if isinstance(db.obj, PostgresqlDatabase):
        pytest.skip("SQLite only")
    assert search_indexes.create_search_indexes() is None
    names = {i.name for i in db.get_indexes("customer")}
    assert not names & INDEX_NAMES


def test_a_database_at_version_2_gets_step_3(app):
    if isinstance(db.obj, PostgresqlDatabase):
        _drop_trigram_indexes()
    _stamp_at_version_2()
    done = migrations.migrate()
    assert done[0] == "migrated to version 3: trigram indexes for the search (PostgreSQL)"
    assert migrations.current_version() == migrations.LATEST
    if isinstance(db.obj, PostgresqlDatabase):
        assert set(_trigram_indexes()) >= INDEX_NAMES
    assert migrations.migrate() == []


@on_postgres
def test_the_indexes_exist_after_migrate(app):
    indexes = _trigram_indexes()
    assert set(indexes) >= INDEX_NAMES
    for name in INDEX_NAMES:
        assert "USING gin" in indexes[name] and "gin_trgm_ops" in indexes[name]
    assert db.execute_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()


@on_postgres
def test_the_panel_search_uses_the_trigram_indexes(app):
    make_user()
    # Enough rows that walking the whole table costs more than the indexes, made in the database.
    db.execute_sql(
        "INSERT INTO customer (ref, name, kind, contact_name, phone, email, annual_purchase, stage,"
        " tier, closeness, churn_risk, archived, created_at, updated_at)"
        " SELECT 'CU-T' || i, 'Company ' || i || ' Trading', 'company', 'Person ' || i,"
        " '+86138' || lpad(i::text, 8, '0'), 'p' || i || '@firm' || i || '.example', 0, 'potential',"
        " 'ordinary', 'loose', 'low', false, now(), now() FROM generate_series(1, 20000) AS i")
    db.execute_sql(
        "INSERT INTO care_plan (ref, customer_id, title, action, interval_days, next_due, status,"
        " archived, created_at, updated_at)"
        " SELECT 'CP-T' || id, id, 'Call ' || id, 'call', 14, current_date, 'active', false, now(), now()"
        " FROM customer")
    # As autovacuum would: statistics, and the new rows moved out of the indexes' pending lists.
    db.execute_sql('VACUUM ANALYZE customer, care_plan, "user"')
    with app.test_request_context():
        login_user(User.get(User.email == "admin@example.com"))
        customers = _view(app, "customers")
        for lean in (True, False):  # the page's ids and count, and the CSV download's rows
            plan = _plan(*customers.filtered_query("hengda", [], lean=lean).sql())
            assert "BitmapOr" in plan and "SubPlan" not in plan, plan
            for field in (Customer.name, Customer.contact_name, Customer.phone, Customer.email,
                          Customer.credit_code, Customer.ref):
                assert search_indexes.index_name(field) in plan, plan
        plans = _view(app, "care_plans")
        plan = _plan(*plans.filtered_query("hengda", [], lean=True).sql())
        for field in (CarePlan.title, CarePlan.ref, Customer.name):
            assert search_indexes.index_name(field) in plan, plan


@on_postgres
def test_an_upgrade_without_the_extension_still_succeeds(app, client, auth, monkeypatch):
    make_customer(name="Hengda Trading")
    _drop_trigram_indexes()
    _stamp_at_version_2()
    monkeypatch.setattr(search_indexes, "EXTENSION", "no_such_extension")
    done = migrations.migrate()
    assert done[0] == "migrated to version 3: trigram indexes for the search (PostgreSQL)"
    later_steps = [number for number, _description, _step in migrations.STEPS if number > 2]
    assert len(done) == len(later_steps) + 1 and "search works but is slower" in done[1], done
    assert done[2] == "migrated to version 4: indexes for the Today page"
    assert migrations.current_version() == migrations.LATEST and not _trigram_indexes()
    make_user()
    auth.login()
    assert "Hengda Trading" in client.get("/admin/customers/?search=hengda").get_data(as_text=True)
    # once the extension is there, the next run creates what is missing
    monkeypatch.setattr(search_indexes, "EXTENSION", "pg_trgm")
    assert migrations.migrate() == []
    assert set(_trigram_indexes()) >= INDEX_NAMES
