"""The dashboard's figures match a hand-computed book; each downloads as CSV; reps see their own."""
from __future__ import annotations

import datetime as dt

import pytest

from backoffice import reports
from backoffice.models import CarePlan, Change, Conflict, Industry, SyncRun
from tests.conftest import make_user
from tests.factories import make_customer, make_interaction

NOW = dt.datetime(2026, 11, 25, 10, 0)
TODAY = NOW.date()


@pytest.fixture
def book(app):
    app.config["CLOCK"] = lambda: NOW
    boss = make_user("boss@example.com", role="manager")
    rep = make_user("rep@example.com", role="rep")
    other = make_user("other@example.com", role="rep")
    retail = Industry.get(Industry.name == "retail")
    a = make_customer(name="A", tier="strategic", stage="deal", owner=rep, industry=retail,
                      region="East China", created_at=dt.datetime(2026, 11, 3))
    b = make_customer(name="B", stage="deal", owner=rep, region="East China",
                      created_at=dt.datetime(2026, 10, 9))
    c = make_customer(name="C", stage="potential", owner=other, created_at=dt.datetime(2025, 1, 1))
    make_customer(name="Gone", stage="deal", owner=other, archived=True, created_at=dt.datetime(2025, 1, 1))
    c.stage = "lost"
    c.save()
    Change.update(at=dt.datetime(2026, 9, 14)).where(Change.record_id == c.id, Change.field == "stage").execute()
    make_interaction(a, at=dt.datetime(2026, 11, 2))
    make_interaction(a, at=dt.datetime(2026, 10, 2))
    make_interaction(c, at=dt.datetime(2026, 11, 4))
    # Every 14 days, due Dec 1, made Oct 20: occurrences Oct 20, Nov 3, Nov 17 (Dec 1 is past the window).
    CarePlan.create(customer=b, title="Call", next_due=dt.date(2026, 12, 1), interval_days=14,
                    owner=rep, created_at=dt.datetime(2026, 10, 20))
    CarePlan.create(customer=a, title="Late", next_due=dt.date(2026, 11, 20), interval_days=30,
                    owner=rep, created_at=dt.datetime(2026, 11, 1))
    CarePlan.create(customer=c, title="Win back", next_due=dt.date(2026, 11, 1), interval_days=30,
                    owner=other, created_at=dt.datetime(2026, 10, 1))
    return {"boss": boss, "rep": rep, "other": other}


def test_months_run_back_twelve_months_to_this_one():
    months = reports.months_back(dt.date(2026, 2, 10))
    assert months[0] == "2025-03" and months[-1] == "2026-02" and len(months) == 12


def test_manager_figures_match_the_hand_count(book):
    figures = reports.figures(book["boss"], TODAY)
    stage = figures["customers-by-stage"]
    assert dict(zip(stage["labels"], stage["series"]["customers"], strict=True)) == {
        "deal": 2, "lost": 1}
    region = figures["customers-by-region"]
    assert dict(zip(region["labels"], region["series"]["customers"], strict=True)) == {
        "East China": 2, "not set": 1}
    industry = figures["customers-by-industry"]
    assert dict(zip(industry["labels"], industry["series"]["customers"], strict=True)) == {
        "retail": 1, "not set": 2}
    monthly = figures["new-and-churned"]
    at = {m: i for i, m in enumerate(monthly["labels"])}
    assert monthly["series"]["new customers"][at["2026-11"]] == 1
    assert monthly["series"]["new customers"][at["2026-10"]] == 1
    assert monthly["series"]["churned"][at["2026-09"]] == 1 and sum(monthly["series"]["churned"]) == 1
    touches = figures["touches"]["series"]
    assert (touches["done"][at["2026-11"]], touches["done"][at["2026-10"]]) == (2, 1)
    # Nov: Call on 3rd and 17th, Late on 20th, Win back on 1st; Oct: Win back on 2nd, Call on 20th.
    assert (touches["planned"][at["2026-11"]], touches["planned"][at["2026-10"]]) == (4, 2)
    assert sum(touches["planned"]) == 6
    overdue = figures["overdue-by-owner"]
    assert dict(zip(overdue["labels"], overdue["series"]["overdue plans"], strict=True)) == {
        "other@example.com": 1, "rep@example.com": 1}


def test_a_rep_sees_only_their_own_book(book):
    figures = reports.figures(book["rep"], TODAY)
    assert sum(figures["customers-by-stage"]["series"]["customers"]) == 2
    assert sum(figures["new-and-churned"]["series"]["churned"]) == 0
    assert figures["overdue-by-owner"]["labels"] == ["rep@example.com"]


def test_figure_queries_do_not_grow_with_the_book(book):
    from tests.test_playbook import _count_queries
    small = _count_queries(lambda: reports.figures(book["boss"], TODAY))
    for n in range(30):
        make_customer(name=f"More {n}", stage="intent")
    assert _count_queries(lambda: reports.figures(book["boss"], TODAY)) == small


def test_sync_health_says_when_no_sync_has_run(client, auth, book):
    auth.login("boss@example.com")
    page = client.get("/admin/dashboard/").get_data(as_text=True)
    assert "No sync has run yet." in page
    assert 'type="application/json" id="dashboard-data"' in page
    assert "vendor/chartjs/chart.umd.js" in page and "onclick" not in page


def test_sync_health_shows_the_latest_run_and_open_conflicts(client, auth, book):
    SyncRun.create(status="failed", finished_at=NOW, error="quota exceeded")
    Conflict.create(table="customer", ref="CU-1", field="phone", kept="database")
    Conflict.create(table="customer", ref="CU-2", field="phone", kept="database", resolved=True)
    auth.login("boss@example.com")
    page = client.get("/admin/dashboard/").get_data(as_text=True)
    assert "failed" in page and "quota exceeded" in page
    assert 'id="unresolved-conflicts">1<' in page


def test_each_figure_downloads_as_csv(client, auth, book):
    auth.login("boss@example.com")
    response = client.get("/admin/dashboard/customers-by-stage.csv")
    assert response.status_code == 200
    assert response.get_data(as_text=True).splitlines() == ["Stage,customers", "deal,2", "lost,1"]
    assert client.get("/admin/dashboard/nothing.csv").status_code == 404


def test_dashboard_refuses_anonymous_users(client, book):
    response = client.get("/admin/dashboard/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_stopped_sync_shows_a_banner_on_the_dashboard(client, auth, book):
    SyncRun.create(status="ok")
    SyncRun.create(status="stopped", error="Customers: 60 of 100 customers are missing from the sheet")
    SyncRun.create(status="skipped", error="another sync cycle was running")
    auth.login("boss@example.com")
    page = client.get("/admin/dashboard/").get_data(as_text=True)
    assert 'id="sync-stopped"' in page and "60 of 100 customers are missing" in page
    SyncRun.create(status="ok")
    reports._cache.clear()
    assert 'id="sync-stopped"' not in client.get("/admin/dashboard/").get_data(as_text=True)
