"""The Today page at size: the month-day indexes behind the greetings, lists cut at their first
rows with counts and links, and a number of queries that does not grow with the data."""
from __future__ import annotations

import datetime as dt

import pytest
from peewee import PostgresqlDatabase

from backoffice import greeting_indexes, migrations
from backoffice.care import today as today_module
from backoffice.db import db
from backoffice.models import Customer
from tests.conftest import count_statements, make_user
from tests.factories import make_customer, make_interaction, make_plan

NOW = dt.datetime(2026, 11, 25, 10, 0)
TODAY = NOW.date()
INDEX_NAMES = {greeting_indexes.index_name(f) for f in greeting_indexes.GREETING_FIELDS}
TODAY_INDEXES = {"customer_archived_verified_at", "customer_owner_id_archived_verified_at",
                 "interaction_sentiment_responded_at_at", "care_plan_status_archived_next_due_id"}


@pytest.fixture
def rep(app):
    return make_user("rep@example.com", role="rep")


@pytest.fixture
def fixed_clock(app):
    app.config["CLOCK"] = lambda: NOW
    return NOW


def _names(user, today, **kwargs):
    return [(g.customer.name, g.on) for g in today_module.greetings(user, today, **kwargs)]


def _index_names(*tables) -> set[str]:
    return {i.name for table in tables for i in db.get_indexes(table)}


def test_a_leap_day_is_greeted_when_the_window_ends_on_february_28_of_a_common_year(app, rep):
    make_customer(name="Leapling", owner=rep, birthday=dt.date(2000, 2, 29))
    make_customer(name="March", owner=rep, birthday=dt.date(1990, 3, 1))
    assert _names(rep, dt.date(2027, 2, 21)) == [("Leapling", dt.date(2027, 2, 28))]
    assert _names(rep, dt.date(2027, 2, 28)) == [("Leapling", dt.date(2027, 2, 28)),
                                                 ("March", dt.date(2027, 3, 1))]
    assert _names(rep, dt.date(2027, 3, 1))[0] == ("March", dt.date(2027, 3, 1))
    assert "Leapling" not in {name for name, _on in _names(rep, dt.date(2027, 3, 1))}
    # In a leap year the day itself counts, and a window ending on Feb 28 does not reach it.
    assert _names(rep, dt.date(2028, 2, 21)) == []
    assert _names(rep, dt.date(2028, 2, 29)) == [("Leapling", dt.date(2028, 2, 29)),
                                                 ("March", dt.date(2028, 3, 1))]


def test_the_first_greetings_are_the_soonest_even_over_the_new_year(app, rep):
    for name, day in (("E Jan 3", dt.date(1980, 1, 3)), ("A Dec 28", dt.date(1980, 12, 28)),
                      ("D Jan 1", dt.date(1985, 1, 1)), ("B Dec 30", dt.date(1970, 12, 30)),
                      ("C Dec 31", dt.date(1990, 12, 31)), ("Too far", dt.date(1990, 1, 5)),
                      ("Passed", dt.date(1990, 12, 27))):
        make_customer(name=name, owner=rep, birthday=day)
    make_customer(name="Anniversary Jan 2", owner=rep, anniversary=dt.date(2020, 1, 2))
    found = _names(rep, dt.date(2026, 12, 28), limit=4)
    assert found == [("A Dec 28", dt.date(2026, 12, 28)), ("B Dec 30", dt.date(2026, 12, 30)),
                     ("C Dec 31", dt.date(2026, 12, 31)), ("D Jan 1", dt.date(2027, 1, 1))]
    assert today_module.greetings_count(rep, dt.date(2026, 12, 28)) == 6


def test_a_common_year_february_28_and_29_are_ordered_as_one_day(app, rep):
    make_customer(name="B leap", owner=rep, birthday=dt.date(2000, 2, 29))
    make_customer(name="A 28th", owner=rep, birthday=dt.date(2001, 2, 28))
    make_customer(name="C 28th", owner=rep, birthday=dt.date(2002, 2, 28))
    make_customer(name="D March", owner=rep, birthday=dt.date(2002, 3, 1))
    assert [n for n, _on in _names(rep, dt.date(2027, 2, 26), limit=2)] == ["A 28th", "B leap"]


def test_greetings_follow_every_way_a_date_is_written(app, rep):
    """Nothing derived is stored: a save, a bulk update and a bulk insert are all seen at once."""
    saved = make_customer(name="Saved", owner=rep)
    saved.birthday = dt.date(1980, 11, 27)
    saved.save()
    bulk = make_customer(name="Bulk", owner=rep, birthday=dt.date(1980, 6, 1))
    Customer.update(anniversary=dt.date(2019, 11, 30)).where(Customer.id == bulk.id).execute()
    Customer.update(birthday=None).where(Customer.id == bulk.id).execute()
    Customer.insert_many([{"ref": "CU-BULK0001", "name": "Inserted", "owner": rep.id, "kind": "company",
                           "birthday": dt.date(1975, 12, 1), "annual_purchase": 0}]).execute()
    found = [(g.customer.name, g.occasion) for g in today_module.greetings(rep, TODAY)]
    assert found == [("Saved", "birthday"), ("Bulk", "anniversary"), ("Inserted", "birthday")]
    saved.birthday = dt.date(1980, 1, 1)
    saved.save()
    assert [g.customer.name for g in today_module.greetings(rep, TODAY)] == ["Bulk", "Inserted"]


def test_counts_and_greetings_keep_to_a_reps_own_book_and_skip_the_archive(app, rep):
    other = make_user("other@example.com", role="rep")
    mine = make_customer(name="Mine", owner=rep, birthday=dt.date(1980, 11, 26))
    make_customer(name="Theirs", owner=other, birthday=dt.date(1980, 11, 26))
    make_customer(name="Archived", owner=rep, birthday=dt.date(1980, 11, 26), archived=True)
    make_interaction(mine, sentiment="negative", at=NOW)
    make_interaction(make_customer(name="Theirs too", owner=other), sentiment="negative", at=NOW)
    assert [g.customer.name for g in today_module.greetings(rep, TODAY)] == ["Mine"]
    assert today_module.greetings_count(rep, TODAY) == 1
    assert today_module.unanswered_count(rep) == 1
    admin = make_user()
    assert today_module.greetings_count(admin, TODAY) == 2
    assert today_module.unanswered_count(admin) == 2


def _fill(owner, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        customer = make_customer(name=f"Customer {n:03d}", owner=owner,
                                 birthday=dt.date(1980, 11, 26 + n % 5),
                                 anniversary=dt.date(2015, 11, 28), verified_at=None if n % 2 else
                                 TODAY - dt.timedelta(days=200 + n))
        make_plan(customer, title=f"Overdue {n:03d}", next_due=TODAY - dt.timedelta(days=1 + n % 9))
        make_plan(customer, title=f"Today {n:03d}", next_due=TODAY)
        make_plan(customer, title=f"Tomorrow {n:03d}", next_due=TODAY + dt.timedelta(days=1))
        make_interaction(customer, sentiment="negative", at=NOW - dt.timedelta(hours=n + 1))


def _statements(client) -> tuple[int, str]:
    return count_statements(lambda: client.get("/admin/").get_data(as_text=True))


@pytest.mark.parametrize("role", ["admin", "rep"])
def test_the_number_of_queries_does_not_grow_with_the_book(app, client, auth, fixed_clock, role):
    user = make_user("me@example.com", role=role)
    auth.login("me@example.com")
    _fill(user, 3)
    small, page = _statements(client)
    assert "Customer 002" in page and "Showing the first" not in page
    _fill(user, today_module.LIMIT + 5, start=3)
    large, page = _statements(client)
    assert large == small
    limit, total = today_module.LIMIT, today_module.LIMIT + 8
    assert page.count("Mark done") == 3 * limit
    assert f"{limit}+</span>" in page
    assert f"Showing the first {limit} of {2 * total}." in page  # a birthday and an anniversary each
    assert f"Showing the {limit} oldest of {total}." in page
    assert f">{total}</span>" in page  # due for re-verification: every one of them


def test_a_plans_list_links_to_the_care_plans_list_filtered_alike(app, client, auth, fixed_clock):
    user = make_user()
    auth.login()
    _fill(user, today_module.LIMIT + 1)
    page = client.get("/admin/").get_data(as_text=True)
    links = [part.split('"', 1)[0].replace("&amp;", "&")
             for part in page.split('href="')[1:] if "/admin/care_plans/?" in part.split('"', 1)[0]]
    assert len(links) == 3
    listed = client.get(next(link for link in links if "=tomorrow" in link)).get_data(as_text=True)
    assert "Tomorrow 0" in listed and "Today 0" not in listed and "Overdue 0" not in listed


def test_a_fresh_database_has_the_today_indexes(app):
    assert INDEX_NAMES | TODAY_INDEXES <= _index_names("customer", "interaction", "care_plan")


def test_a_database_at_version_3_gets_steps_4_and_5(app):
    for name in INDEX_NAMES | TODAY_INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    migrations.SchemaVersion.delete().execute()
    migrations.SchemaVersion.create(version=3)  # a database made before step 4
    # Later steps follow; each leaves a schema that already has its change as it was.
    assert migrations.migrate()[:2] == ["migrated to version 4: indexes for the Today page",
                                        "migrated to version 5: index for the Today page's plans lists"]
    assert INDEX_NAMES | TODAY_INDEXES <= _index_names("customer", "interaction", "care_plan")
    assert migrations.migrate() == []


def _plan(query) -> str:
    sql, params = query.sql()
    if isinstance(db.obj, PostgresqlDatabase):
        with db.atomic() as transaction:  # a full scan only as the last resort; undone after
            db.execute_sql("SET LOCAL enable_seqscan = off")
            rows = db.execute_sql("EXPLAIN " + sql, params).fetchall()
            transaction.rollback()
        return "\n".join(r[0] for r in rows)
    return "\n".join(str(r) for r in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())


def test_the_greetings_query_reads_the_month_day_index(app, rep):
    """Everyone's book, as an admin or a manager sees it: the index, not the whole table."""
    # Enough customers, spread over the year, for the planner's statistics to tell. A rep's own
    # book is left to the planner: at this size reading it whole by owner can be cheaper.
    start = dt.date(1980, 1, 1)
    rows = [{"ref": f"CU-M{n:07d}", "name": f"Customer {n}", "kind": "individual", "annual_purchase": 0,
             "owner": rep.id if n % 10 == 0 else None, "birthday": start + dt.timedelta(days=n % 366),
             "anniversary": start + dt.timedelta(days=(7 * n) % 366) if n % 2 else None}
            for n in range(20_000)]
    for chunk in range(0, len(rows), 1000):
        Customer.insert_many(rows[chunk:chunk + 1000]).execute()
    db.execute_sql("ANALYZE")
    admin = make_user()
    for field in greeting_indexes.GREETING_FIELDS:
        for day in (TODAY, dt.date(2026, 12, 29), dt.date(2027, 2, 24)):
            condition, order = today_module._window(field, day, 7)
            query = today_module._customers(admin).where(condition).order_by(*order).limit(5)
            assert greeting_indexes.index_name(field) in _plan(query), (field.name, day)
