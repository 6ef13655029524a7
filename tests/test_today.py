"""The Today page picks the right plans, greetings, re-verifications and complaints on a fixed day."""
from __future__ import annotations

import datetime as dt

import pytest

from backoffice.care import today as today_module
from backoffice.models import Interaction
from tests.conftest import make_user
from tests.factories import make_customer, make_interaction, make_plan

NOW = dt.datetime(2026, 11, 25, 10, 0)
TODAY = NOW.date()


@pytest.fixture
def fixed_clock(app):
    app.config["CLOCK"] = lambda: NOW
    return NOW


@pytest.fixture
def rep(app):
    return make_user("rep@example.com", role="rep")


def test_plans_are_split_into_overdue_today_and_tomorrow(app, rep):
    customer = make_customer(owner=rep)
    overdue = make_plan(customer, title="Late", next_due=TODAY - dt.timedelta(days=3))
    due = make_plan(customer, title="Now", next_due=TODAY)
    soon = make_plan(customer, title="Soon", next_due=TODAY + dt.timedelta(days=1))
    make_plan(customer, title="Later", next_due=TODAY + dt.timedelta(days=2))
    make_plan(customer, title="Paused", next_due=TODAY, status="paused")
    make_plan(customer, title="Retired", next_due=TODAY, archived=True)
    lists = today_module.plans_due(rep, TODAY)
    assert [[p.id for p in lists[k]] for k in ("overdue", "today", "tomorrow")] == [
        [overdue.id], [due.id], [soon.id]]


def test_a_rep_sees_only_their_own_book_and_a_manager_sees_all(app, rep):
    other = make_user("other@example.com", role="rep")
    manager = make_user("boss@example.com", role="manager")
    mine = make_plan(make_customer(name="Mine", owner=rep), next_due=TODAY)
    theirs = make_plan(make_customer(name="Theirs", owner=other), next_due=TODAY)
    assert [p.id for p in today_module.plans_due(rep, TODAY)["today"]] == [mine.id]
    assert {p.id for p in today_module.plans_due(manager, TODAY)["today"]} == {mine.id, theirs.id}


def test_greetings_in_the_next_seven_days_whatever_the_year(app, rep):
    make_customer(name="Birthday", owner=rep, birthday=dt.date(1980, 11, 28))
    make_customer(name="Anniversary", owner=rep, anniversary=dt.date(2020, 12, 2))
    make_customer(name="Too far", owner=rep, birthday=dt.date(1980, 12, 3))
    make_customer(name="Just passed", owner=rep, birthday=dt.date(1980, 11, 24))
    found = [(g.customer.name, g.occasion, g.on, g.years) for g in today_module.greetings(rep, TODAY)]
    assert found == [("Birthday", "birthday", dt.date(2026, 11, 28), 46),
                     ("Anniversary", "anniversary", dt.date(2026, 12, 2), 6)]


def test_a_leap_day_birthday_is_greeted_on_february_28_in_common_years(app, rep):
    make_customer(name="Leapling", owner=rep, birthday=dt.date(2000, 2, 29))
    found = today_module.greetings(rep, dt.date(2027, 2, 25))
    assert [(g.customer.name, g.on) for g in found] == [("Leapling", dt.date(2027, 2, 28))]
    in_leap_year = today_module.greetings(rep, dt.date(2028, 2, 25))
    assert [g.on for g in in_leap_year] == [dt.date(2028, 2, 29)]


def test_greetings_wrap_over_new_year(app, rep):
    make_customer(name="New year", owner=rep, birthday=dt.date(1990, 1, 2))
    found = today_module.greetings(rep, dt.date(2026, 12, 29))
    assert [(g.on, g.years) for g in found] == [(dt.date(2027, 1, 2), 37)]


def test_customers_unverified_for_ninety_days_or_never_are_due(app, rep):
    never = make_customer(name="Never", owner=rep)
    old = make_customer(name="Old", owner=rep, verified_at=TODAY - dt.timedelta(days=91))
    make_customer(name="Recent", owner=rep, verified_at=TODAY - dt.timedelta(days=90))
    make_customer(name="Archived", owner=rep, archived=True)
    count, rows = today_module.due_for_reverification(rep, TODAY, 90)
    assert (count, [c.id for c in rows]) == (2, [never.id, old.id])


def test_unanswered_negative_feedback_is_listed_and_flagged_after_24_hours(app, rep):
    customer = make_customer(owner=rep)
    late = make_interaction(customer, sentiment="negative", at=NOW - dt.timedelta(hours=30))
    fresh = make_interaction(customer, sentiment="negative", at=NOW - dt.timedelta(hours=2))
    make_interaction(customer, sentiment="negative", at=NOW - dt.timedelta(hours=40),
                     responded_at=NOW - dt.timedelta(hours=39))
    make_interaction(customer, sentiment="positive", at=NOW - dt.timedelta(hours=30))
    found = [(i.id, is_late) for i, is_late in today_module.unanswered_complaints(rep, NOW)]
    assert found == [(late.id, True), (fresh.id, False)]


def test_today_is_the_home_page_and_shows_the_users_lists(app, client, auth, rep, fixed_clock):
    customer = make_customer(name="Huaxin Foods", owner=rep)
    make_plan(customer, title="Quarterly review call", next_due=TODAY)
    make_plan(make_customer(name="Someone else's"), title="Hidden", next_due=TODAY)
    auth.login("rep@example.com")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Wednesday 25 November 2026" in page
    assert "Quarterly review call" in page and "Hidden" not in page
    assert "Someone else" not in page


def test_mark_responded_needs_csrf_and_only_works_on_own_customers(app, client, auth, rep, fixed_clock):
    mine = make_interaction(make_customer(owner=rep), sentiment="negative")
    other = make_user("other@example.com", role="rep")
    theirs = make_interaction(make_customer(name="Theirs", owner=other), sentiment="negative")
    auth.login("rep@example.com")
    assert client.post(f"/admin/responded/{mine.id}").status_code == 400
    token = auth.csrf_token("/admin/care_plans/")
    assert client.post(f"/admin/responded/{theirs.id}", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/responded/{mine.id}", data={"csrf_token": token}).status_code == 302
    assert Interaction.get_by_id(mine.id).responded_at == NOW
    assert Interaction.get_by_id(theirs.id).responded_at is None


def test_today_refuses_anonymous_users(client, app):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_marking_plans_done_from_the_list_records_and_advances(app, client, auth, rep, fixed_clock):
    customer = make_customer(owner=rep)
    plan = make_plan(customer, next_due=TODAY, interval_days=7)
    other = make_plan(make_customer(name="Theirs", owner=make_user("o@example.com", role="rep")),
                      next_due=TODAY)
    auth.login("rep@example.com")
    form = client.get(f"/admin/care_plans/done/?ids={plan.id},{other.id}").get_data(as_text=True)
    assert "Theirs" not in form
    token = auth.csrf_token(f"/admin/care_plans/done/?ids={plan.id}")
    data = {"ids": f"{plan.id},{other.id}", "done_on": "2026-11-25", "channel": "phone",
            "summary": "Talked about the renewal", "sentiment": "negative",
            "feedback": "Late delivery", "next_action": "Call logistics"}
    assert client.post("/admin/care_plans/done/", data=data).status_code == 400  # no CSRF token
    response = client.post("/admin/care_plans/done/", data={**data, "csrf_token": token})
    assert response.status_code == 302
    from backoffice.models import CarePlan, Customer
    assert CarePlan.get_by_id(plan.id).next_due == dt.date(2026, 12, 2)
    assert CarePlan.get_by_id(other.id).next_due == TODAY
    assert Interaction.select().where(Interaction.customer == customer).count() == 1
    assert Customer.get_by_id(customer.id).closeness == "stable"


def test_mark_done_refuses_a_day_still_to_come_as_the_sheet_does(app, client, auth, rep, fixed_clock):
    plan = make_plan(make_customer(owner=rep), next_due=TODAY, interval_days=7)
    auth.login("rep@example.com")
    token = auth.csrf_token(f"/admin/care_plans/done/?ids={plan.id}")
    data = {"ids": str(plan.id), "channel": "phone", "summary": "Called", "csrf_token": token}
    response = client.post("/admin/care_plans/done/", data={**data, "done_on": "2026-11-26"})
    assert response.status_code == 200
    assert "&#34;2026-11-26&#34; is still to come; type the day the touch was made" in \
        response.get_data(as_text=True)
    from backoffice.models import CarePlan
    assert CarePlan.get_by_id(plan.id).next_due == TODAY
    assert Interaction.select().count() == 0
    response = client.post("/admin/care_plans/done/", data={**data, "done_on": "2026-11-25"})
    assert response.status_code == 302  # today itself is fine
    assert CarePlan.get_by_id(plan.id).next_due == dt.date(2026, 12, 2)


def test_playbook_editing_is_for_managers_only(app, client, auth, rep):
    auth.login("rep@example.com")
    assert client.get("/admin/playbook/").status_code == 403
    make_user("boss@example.com", role="manager")
    auth.logout()
    auth.login("boss@example.com")
    page = client.get("/admin/playbook/").get_data(as_text=True)
    assert "Win-back call" in page
