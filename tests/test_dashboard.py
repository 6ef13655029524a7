"""The monthly review: a pinned several-month history, each figure per month and slice, months
that stay put when today's plans change, the report as XLSX and print, CSVs, a rep's own book."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from backoffice import reports
from backoffice.care.complete import mark_done
from backoffice.models import CarePlan, Conflict, Industry, ReviewMonth, SyncRun, Ticket
from backoffice.review import snapshot
from backoffice.review.slices import Slice, months_back, next_month, previous_month
from tests.conftest import make_user
from tests.factories import make_customer


def at(app, *when):
    """Pin the office clock (UTC 02:00 is 10:00 in Beijing, the same calendar day)."""
    instant = dt.datetime(*when) if len(when) > 3 else dt.datetime(*when, 2, 0)
    app.config["CLOCK"] = lambda: instant
    reports._cache.clear()


def review(user, month, **filters):
    return reports.review(user, month, Slice(**filters))


def headline(result, key):
    return next(h for h in result["headlines"] if h["key"] == key)


def figure(result, name, series):
    f = result["figures"][name]
    return dict(zip(f["keys"], f["series"][series], strict=True))


@pytest.fixture
def history(app):
    """August to November 2026, as it happened, with the month's figures recorded on the way.

    A (rep, strategic, East China, retail) made 5 Aug; B (rep, East China) made 10 Sep;
    C (other, North China) made in January and lost on 14 Oct; D (other, North China) made 20 Oct.
    Plans: B's fortnightly call from 14 Sep, A's monthly review from 1 Oct (made 20 Sep).
    """
    with app.test_request_context():
        at(app, 2026, 1, 3)
        boss = make_user("boss@example.com", role="manager", team="East")
        rep = make_user("rep@example.com", role="rep", team="East")
        rep.name = "Li Wei"
        rep.save()
        other = make_user("other@example.com", role="rep", team="North")
        other.name = "Zhang Min"
        other.save()
        retail = Industry.get(Industry.name == "retail")
        c = make_customer(name="C", stage="deal", owner=other, region="North China")
        at(app, 2026, 8, 5)
        a = make_customer(name="A", tier="strategic", stage="deal", owner=rep, industry=retail,
                          region="East China", annual_purchase=1_200_000)
        at(app, 2026, 9, 10)
        b = make_customer(name="B", stage="deal", owner=rep, region="East China", annual_purchase=80_000)
        fortnightly = CarePlan.create(customer=b, title="Call", next_due=dt.date(2026, 9, 14),
                                      interval_days=14, owner=rep)
        at(app, 2026, 9, 15)
        snapshot.refresh(["2026-09"])  # the worker, mid-September
        at(app, 2026, 9, 20)
        monthly = CarePlan.create(customer=a, title="Review", next_due=dt.date(2026, 10, 1),
                                  interval_days=30, owner=rep)
        at(app, 2026, 10, 5)
        review(boss, "2026-10")  # the first view in October closes September
        at(app, 2026, 10, 6)
        mark_done([fortnightly], dt.date(2026, 10, 6), channel="phone", summary="Called", user=rep)
        at(app, 2026, 10, 14)
        c.stage = "lost"
        c.save()
        at(app, 2026, 10, 20)
        d = make_customer(name="D", stage="intent", owner=other, region="North China")
        at(app, 2026, 11, 3)
        ticket = Ticket.create(ref="TK-2026-000001", customer=c, title="Late truck", category="logistics delay",
                               opened_at=dt.datetime(2026, 11, 3, 2), response_due=dt.datetime(2026, 11, 4, 2),
                               resolution_due=dt.datetime(2026, 11, 5, 2))
        ticket.first_response_at, ticket.resolved_at = dt.datetime(2026, 11, 3, 5), dt.datetime(2026, 11, 6, 2)
        ticket.status, ticket.satisfaction = "resolved", 4
        ticket.save()
        at(app, 2026, 11, 25)
        yield {"boss": boss, "rep": rep, "other": other, "a": a, "b": b, "c": c, "d": d,
               "fortnightly": fortnightly, "monthly": monthly, "retail": retail}


def test_months_run_back_in_order_across_the_year():
    assert months_back("2026-02", 12)[0] == "2025-03" and months_back("2026-02", 12)[-1] == "2026-02"
    assert (previous_month("2026-01"), next_month("2026-12")) == ("2025-12", "2027-01")


def test_schedule_occurrences_count_the_days_in_a_window():
    assert snapshot.occurrences(dt.date(2026, 9, 14), 14, dt.date(2026, 10, 1), dt.date(2026, 11, 1)) == 2
    assert snapshot.occurrences(dt.date(2026, 9, 14), 14, dt.date(2026, 9, 15), dt.date(2026, 9, 28)) == 0


def test_new_customers_and_churn_come_from_the_history_per_month(app, history):
    with app.test_request_context():
        october = review(history["boss"], "2026-10")
        assert headline(october, "new_customers")["value"] == 1  # D
        assert headline(october, "new_customers")["previous"] == 1  # B in September
        # C went lost on 14 Oct; A, B and C were customers when October began.
        assert headline(october, "churn_rate")["value"] == pytest.approx(1 / 3)
        assert headline(october, "churn_rate")["previous"] == 0
        series = figure(october, "new-and-churned", "churned")
        assert series["2026-10"] == 1 and sum(series.values()) == 1
        assert figure(october, "new-and-churned", "new customers")["2026-08"] == 1
        november = review(history["boss"], "2026-11")
        assert headline(november, "churn_rate")["value"] == 0  # A, B, D at the start; C already lost
        assert headline(november, "new_customers")["change"] == -1


def test_each_slice_narrows_every_figure(app, history):
    with app.test_request_context():
        other = review(history["boss"], "2026-10", owner=history["other"].id)
        assert headline(other, "churn_rate")["value"] == 1.0  # C was their only customer
        assert headline(other, "new_customers")["value"] == 1
        assert review(history["boss"], "2026-10", team="North")["headlines"] == other["headlines"]
        east = review(history["boss"], "2026-10", region="East China")
        assert headline(east, "churn_rate")["value"] == 0
        assert figure(east, "customers-by-region", "customers") == {"East China": 2}
        strategic = review(history["boss"], "2026-10", tier="strategic")
        assert figure(strategic, "touches", "planned")["2026-10"] == 2  # A's review: 1 and 31 Oct
        assert figure(strategic, "touches", "done")["2026-10"] == 0
        retail = review(history["boss"], "2026-10", industry=history["retail"].id)
        assert figure(retail, "customers-by-industry", "customers") == {"retail": 1}


def test_planned_done_and_overdue_are_kept_as_each_month_went(app, history):
    with app.test_request_context():
        result = review(history["boss"], "2026-11")
        touches = result["figures"]["touches"]["series"]
        planned = dict(zip(result["months"], touches["planned"], strict=True))
        done = dict(zip(result["months"], touches["done"], strict=True))
        # September: B's call on 14 Sep (recorded on the 15th) and 28 Sep; A's plan came later.
        assert planned["2026-09"] == 2 and done["2026-09"] == 0
        # October: A on 1 Oct (frozen on the 5th); then B's call done on 6 Oct and due 20 Oct, A on 31 Oct.
        assert planned["2026-10"] == 4 and done["2026-10"] == 1
        september = review(history["boss"], "2026-09")
        assert headline(september, "overdue_plans")["value"] == 1  # B's call, due 14 Sep, open at the close
        assert ReviewMonth.get_by_id("2026-09").final and ReviewMonth.get_by_id("2026-10").final
        october = review(history["boss"], "2026-10")
        assert headline(october, "care_completion")["value"] == pytest.approx(1 / 4)


def test_a_past_month_does_not_change_when_todays_plans_do(app, history):
    with app.test_request_context():
        before = {m: review(history["boss"], m) for m in ("2026-09", "2026-10")}
        monthly, fortnightly = history["monthly"], history["fortnightly"]
        monthly.status = "paused"
        monthly.save()
        fortnightly.interval_days, fortnightly.next_due = 3, dt.date(2026, 10, 2)
        fortnightly.save()
        CarePlan.create(customer=history["d"], title="Weekly", next_due=dt.date(2026, 10, 1), interval_days=7,
                        owner=history["other"], created_at=dt.datetime(2026, 9, 1))
        history["a"].tier, history["a"].region = "key", "South China"
        history["a"].save()
        reports._cache.clear()
        for month, result in before.items():
            again = review(history["boss"], month)
            assert again["figures"]["touches"] == result["figures"]["touches"]
            assert again["figures"]["customers-by-tier"] == result["figures"]["customers-by-tier"]
            assert again["figures"]["overdue-by-owner"] == result["figures"]["overdue-by-owner"]
            assert [h for h in again["headlines"] if h["key"] in ("care_completion", "overdue_plans")] == \
                [h for h in result["headlines"] if h["key"] in ("care_completion", "overdue_plans")]
        # This month still follows today's plans.
        assert review(history["boss"], "2026-11")["figures"]["touches"] != \
            before["2026-10"]["figures"]["touches"]


def test_series_follow_their_natural_order_and_people_their_names(app, history):
    with app.test_request_context():
        result = review(history["boss"], "2026-10")
        assert result["figures"]["customers-by-stage"]["keys"] == ["intent", "deal", "lost"]
        assert result["figures"]["customers-by-tier"]["keys"] == ["strategic", "ordinary"]
        assert result["figures"]["purchase-by-tier"]["keys"] == ["strategic", "key", "ordinary"]
        assert result["figures"]["overdue-by-owner"]["labels"] == ["Li Wei"]
        crossing = result["figures"]["industry-by-tier"]
        assert crossing["keys"] == ["retail", "not set"]
        assert crossing["series"]["strategic"] == [1, 0] and crossing["series"]["ordinary"] == [0, 3]
        assert headline(result, "purchase_strategic")["value"] == 1_200_000


def test_tickets_per_month_and_by_region_and_category(app, history):
    with app.test_request_context():
        result = review(history["boss"], "2026-11")
        assert headline(result, "tickets_opened")["value"] == 1
        assert headline(result, "responded_in_time")["value"] == 1.0
        assert headline(result, "resolved_in_time")["value"] == 0.0  # a day past its due time
        assert headline(result, "satisfaction")["value"] == 4
        crossing = result["figures"]["tickets-by-region-and-category"]
        assert crossing["keys"] == ["North China"] and crossing["series"] == {"logistics delay": [1]}
        assert headline(review(history["boss"], "2026-11", region="East China"), "tickets_opened")["value"] == 0


def test_a_rep_sees_only_their_own_book_whatever_the_address_asks(app, client, auth, history):
    auth.login("rep@example.com")
    page = client.get(f"/admin/dashboard/?month=2026-10&owner={history['other'].id}").get_data(as_text=True)
    assert 'id="review-owner"' not in page and 'id="review-team"' not in page
    text = client.get(f"/admin/dashboard/new-and-churned.csv?month=2026-10&owner={history['other'].id}").get_data(as_text=True)
    assert "2026-10,0,0" in text  # D and C are the other rep's
    with app.test_request_context():
        slice_ = Slice.from_args({"owner": str(history["other"].id), "team": "North"}, history["rep"])
    assert slice_ == Slice(owner=history["rep"].id)


def test_the_dashboard_shows_the_chosen_month_and_filters(client, auth, history):
    auth.login("boss@example.com")
    page = client.get("/admin/dashboard/?month=2026-10&team=North").get_data(as_text=True)
    assert '<option value="2026-10" selected>' in page and '<option value="North" selected>' in page
    assert 'id="headline-churn_rate"' in page and "100.0%" in page
    assert "Zhang Min" in page and "other@example.com" not in page.split('id="review-headlines"')[1]
    assert "month=2026-10" in page and "team=North" in page  # the downloads keep the slice


def test_each_figure_downloads_as_csv_with_the_excel_bom(client, auth, history):
    auth.login("boss@example.com")
    response = client.get("/admin/dashboard/customers-by-stage.csv?month=2026-10")
    assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    assert response.get_data(as_text=True).lstrip("\ufeff").splitlines() == ["Stage,Customers", "intent,1", "deal,2", "lost,1"]
    assert "customers-by-stage-2026-10.csv" in response.headers["Content-Disposition"]
    assert client.get("/admin/dashboard/nothing.csv").status_code == 404


def test_the_monthly_report_is_a_workbook_with_a_summary_and_a_sheet_per_figure(client, auth, history):
    auth.login("boss@example.com")
    response = client.get("/admin/dashboard/report.xlsx?month=2026-10&region=East+China")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "Summary" and "Customers by tier" in book.sheetnames
    assert "Touches done vs planned per month" in [book[n]["A1"].value for n in book.sheetnames]
    summary = {row[0]: row[1:] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Month"][0] == "2026-10" and summary["Region"][0] == "East China"
    assert summary["New customers"][:2] == (0, 1)
    assert "2026-10" in response.headers["Content-Disposition"]


def test_the_report_speaks_the_readers_language(client, auth, history):
    history["boss"].locale = "zh_CN"
    history["boss"].save()
    auth.login("boss@example.com")
    book = load_workbook(io.BytesIO(client.get("/admin/dashboard/report.xlsx?month=2026-10").data))
    tiers = [row[0] for sheet in book for row in sheet.iter_rows(values_only=True)]
    assert "战略客户" in tiers and "strategic" not in tiers


def test_the_printable_page_shows_the_same_numbers(client, auth, history):
    auth.login("boss@example.com")
    page = client.get(f"/admin/dashboard/report?month=2026-10&owner={history['other'].id}").get_data(as_text=True)
    assert "Monthly customer analysis report" in page and "Zhang Min" in page
    assert 'id="headline-churn_rate"' in page and "100.0%" in page


def test_figure_queries_do_not_grow_with_the_book(app, history):
    from tests.conftest import count_statements
    with app.test_request_context():
        review(history["boss"], "2026-10")
        small, _ = count_statements(lambda: review(history["boss"], "2026-10"))
        for n in range(30):
            make_customer(name=f"More {n}", stage="intent")
        assert count_statements(lambda: review(history["boss"], "2026-10"))[0] == small


def test_sync_health_says_when_no_sync_has_run(client, auth, history):
    auth.login("boss@example.com")
    page = client.get("/admin/dashboard/").get_data(as_text=True)
    assert "No sync has run yet." in page
    assert 'type="application/json" id="dashboard-data"' in page
    assert "vendor/chartjs/chart.umd.js" in page and "onclick" not in page


def test_sync_health_shows_the_latest_run_and_open_conflicts(client, auth, history):
    SyncRun.create(status="failed", finished_at=dt.datetime(2026, 11, 25), error="quota exceeded")
    Conflict.create(table="customer", ref="CU-1", field="phone", kept="database")
    Conflict.create(table="customer", ref="CU-2", field="phone", kept="database", resolved=True)
    auth.login("boss@example.com")
    page = client.get("/admin/dashboard/").get_data(as_text=True)
    assert "failed" in page and "quota exceeded" in page
    assert 'id="unresolved-conflicts">1<' in page


def test_dashboard_refuses_anonymous_users(client, history):
    response = client.get("/admin/dashboard/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_stopped_sync_shows_a_banner_on_the_dashboard(client, auth, history):
    SyncRun.create(status="ok")
    SyncRun.create(status="stopped", error="Customers: 60 of 100 customers are missing from the sheet")
    SyncRun.create(status="skipped", error="another sync cycle was running")
    auth.login("boss@example.com")
    page = client.get("/admin/dashboard/").get_data(as_text=True)
    assert 'id="sync-stopped"' in page and "60 of 100 customers are missing" in page
    SyncRun.create(status="ok")
    reports._cache.clear()
    assert 'id="sync-stopped"' not in client.get("/admin/dashboard/").get_data(as_text=True)


def test_an_older_database_gains_teams_and_kept_figures(app):
    from backoffice import migrations
    from backoffice.db import db
    from backoffice.models import ReviewSlice, User
    make_user("kept@example.com", role="rep")
    db.drop_tables([ReviewSlice, ReviewMonth])
    for index in ("user_team", "change_field_action_at", "customer_stage_created_at"):
        db.execute_sql(f'DROP INDEX "{index}"')
    db.execute_sql('ALTER TABLE "user" DROP COLUMN "team"')
    migrations.SchemaVersion.delete().where(migrations.SchemaVersion.version >= 11).execute()
    done = migrations.migrate()
    assert "migrated to version 11: the monthly review: a team per user, kept monthly figures, " \
           "stage changes by month" in done
    assert "team" in {c.name for c in db.get_columns("user")}
    assert {"change_field_action_at", "user_team", "customer_stage_created_at"} <= {
        i.name for t in ("change", "user", "customer") for i in db.get_indexes(t)}
    assert User.get(User.email == "kept@example.com").team is None and ReviewMonth.select().count() == 0


def test_an_admin_gives_a_user_a_team(client, auth, app):
    make_user()
    rep = make_user("rep@example.com", role="rep")
    auth.login()
    form = client.get(f"/admin/users/edit/?id={rep.id}").get_data(as_text=True)
    assert 'name="team"' in form


def test_demo_customers_that_are_lost_show_as_churn_in_their_month(app):
    from backoffice import demo
    from backoffice.models import Customer
    at(app, 2026, 11, 25)
    make_user("boss@example.com", role="manager")
    with app.test_request_context():
        demo.make_demo_data(60, seed=3, settings=app.config["BACKOFFICE"])
        lost = Customer.select().where(Customer.stage == "lost").count()
        result = review(make_user("lead@example.com", role="manager"), "2026-11")
    assert lost > 0 and sum(result["figures"]["new-and-churned"]["series"]["churned"]) == lost


def test_a_view_leaves_a_long_record_to_the_worker_and_shows_what_is_recorded(app, client, auth, history,
                                                                             monkeypatch):
    from backoffice.queue import huey
    from backoffice.review import tasks
    monkeypatch.setattr(snapshot, "INLINE_BUDGET", 0)  # as with 100,000 customers: never inline
    tasks._queued.clear()
    huey.flush()
    auth.login("boss@example.com")
    page = client.get("/admin/dashboard/?month=2026-11").get_data(as_text=True)
    assert 'id="review-recording"' in page and 'data-reload-seconds="15"' in page
    assert "(11 of 12 months recorded)" in page  # October was recorded on the 5th; November never
    note = page.split('id="headline-care_completion"')[1].split("</tr>")[0]
    assert ">–<" in note  # November's care is not recorded yet; customers and tickets are live
    assert "headline-new_customers" in page and ReviewMonth.get_or_none(ReviewMonth.month == "2026-11") is None
    client.get("/admin/dashboard/report?month=2026-11")  # another view meanwhile queues nothing more
    queued = huey.pending()
    assert len(queued) == 1 and queued[0].args == (["2026-11", "2026-10"],)  # the month shown first
    with app.test_request_context():
        assert tasks.record_review.call_local(*queued[0].args) == ["2026-11", "2026-10"]
    page = client.get("/admin/dashboard/?month=2026-11").get_data(as_text=True)
    assert 'id="review-recording"' not in page
    assert ReviewMonth.get_by_id("2026-10").final and ReviewMonth.get_by_id("2026-11").recorded_through == \
        dt.date(2026, 11, 25)


def test_a_small_book_is_recorded_by_the_view_itself(app, history):
    from backoffice.queue import huey
    huey.flush()
    with app.test_request_context():
        result = review(history["boss"], "2026-11")
    assert result["recording"] is None and huey.pending_count() == 0
    assert ReviewMonth.get_by_id("2026-11").recorded_through == dt.date(2026, 11, 25)


def test_the_review_indexes_come_with_migration_17(app):
    from backoffice import migrations
    from backoffice.db import db
    new = {"customer_tier_created_at_stage", "customer_owner_id_created_at_stage",
           "ticket_opened_at_archived_customer_id_assignee_id"}
    for index in new:
        db.execute_sql(f'DROP INDEX "{index}"')
    migrations.SchemaVersion.delete().where(migrations.SchemaVersion.version >= 17).execute()
    assert "migrated to version 17: indexes for the monthly review's customer and ticket figures" \
        in migrations.migrate()
    assert new <= {i.name for t in ("customer", "ticket") for i in db.get_indexes(t)}
