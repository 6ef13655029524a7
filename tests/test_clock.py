"""One office clock: days turn over at the office's midnight, whatever the server's date or TZ."""
from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path

import pytest

from backoffice import clock, config, reports
from backoffice.models import Interaction
from tests.conftest import make_user
from tests.factories import make_customer, make_interaction, make_plan

ROOT = Path(__file__).resolve().parent.parent

# (stored UTC instant, the office's day in Beijing): the instants where UTC and Beijing disagree.
INSTANTS = [
    (dt.datetime(2026, 12, 1, 16, 30), dt.date(2026, 12, 2)),    # 00:30 the next day in Beijing
    (dt.datetime(2026, 12, 31, 23, 30), dt.date(2027, 1, 1)),    # a new year in Beijing only
    (dt.datetime(2028, 2, 28, 16, 30), dt.date(2028, 2, 29)),    # a leap day begins
    (dt.datetime(2028, 2, 29, 16, 30), dt.date(2028, 3, 1)),     # and ends
    (dt.datetime(2027, 4, 30, 16, 0), dt.date(2027, 5, 1)),      # a month's last day turns over
    (dt.datetime(2027, 4, 30, 15, 59), dt.date(2027, 4, 30)),    # one minute before it does
]

WALL_CLOCK = re.compile(r"\b(?:date\.today\(|datetime\.(?:now|utcnow|today)\(|time\.(?:localtime|gmtime|strftime)\(|fromtimestamp\()")


def test_no_product_module_reads_the_wall_clock_but_the_clock_module():
    offenders = []
    for folder in ("backoffice", "sync"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            # The emulator stands in for Google, whose clock is its own.
            if relative == "backoffice/clock.py" or "/emulator/" in relative:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if WALL_CLOCK.search(line.split("#", 1)[0]):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize(("instant", "office_day"), INSTANTS)
def test_today_is_the_offices_day(app, instant, office_day):
    app.config["CLOCK"] = lambda: instant
    with app.app_context():
        assert clock.today() == office_day
        assert clock.now() == instant
        assert clock.day_of(instant) == office_day
        assert clock.day_start(office_day) <= instant < clock.day_start(office_day + dt.timedelta(days=1))


@pytest.fixture
def server_in_another_zone():
    """The machine's own zone far from the office's, to show that it does not matter."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_the_machines_time_zone_does_not_move_the_office_day(app, server_in_another_zone):
    app.config["CLOCK"] = lambda: dt.datetime(2026, 12, 1, 16, 30)
    with app.app_context():
        assert clock.today() == dt.date(2026, 12, 2)
        assert clock.show(clock.now()) == "2026-12-02 00:30"


def test_outside_an_app_the_clock_follows_the_configured_zone(tmp_path):
    config.load(environ={}, overrides={"app": {"instance_path": str(tmp_path), "timezone": "Europe/Berlin"}})
    try:
        with clock.pinned(dt.datetime(2026, 12, 1, 23, 30)):
            assert clock.today() == dt.date(2026, 12, 2)  # 00:30 in Berlin
    finally:
        clock.configure({"app": {"timezone": clock.DEFAULT_ZONE}})


def test_an_unknown_zone_stops_the_program_naming_the_key(tmp_path):
    with pytest.raises(config.ConfigError, match=r"^app\.timezone: unknown time zone 'Mars/Olympus'"):
        config.load(environ={"BACKOFFICE_APP__TIMEZONE": "Mars/Olympus"},
                    overrides={"app": {"instance_path": str(tmp_path)}})


@pytest.mark.parametrize(("instant", "office_day"), INSTANTS)
def test_today_page_and_due_filter_show_the_offices_day(app, client, auth, instant, office_day):
    app.config["CLOCK"] = lambda: instant
    rep = make_user("rep@example.com", role="rep")
    customer = make_customer(name="Huaxin Foods", owner=rep)
    make_plan(customer, title="Due in Beijing today", next_due=office_day)
    make_plan(customer, title="Due on the UTC day", next_due=office_day - dt.timedelta(days=1))
    auth.login("rep@example.com")
    page = client.get("/admin/").get_data(as_text=True)
    assert f"{office_day.day:02d} {office_day.strftime('%B')} {office_day.year}" in page
    listed = client.get("/admin/care_plans/?flt0_due_is=today").get_data(as_text=True)
    assert "Due in Beijing today" in listed and "Due on the UTC day" not in listed


def test_an_interaction_typed_at_10_in_beijing_is_stored_as_02_utc_and_shown_as_10(app, client, auth):
    app.config["CLOCK"] = lambda: dt.datetime(2026, 12, 1, 1, 0)  # 09:00 in Beijing
    rep = make_user("rep@example.com", role="rep")
    customer = make_customer(name="Huaxin Foods", owner=rep)
    auth.login("rep@example.com")
    form = client.get("/admin/interactions/new/").get_data(as_text=True)
    assert 'value="2026-12-01 09:00:00"' in form  # the default is the office's time, not UTC's
    token = auth.csrf_token("/admin/interactions/new/")
    response = client.post("/admin/interactions/new/", data={
        "customer": customer.id, "at": "2026-12-01 10:00:00", "channel": "phone",
        "summary": "Called about the renewal", "csrf_token": token})
    assert response.status_code == 302
    saved = Interaction.get(Interaction.customer == customer.id)
    assert saved.at == dt.datetime(2026, 12, 1, 2, 0)
    listed = client.get("/admin/interactions/").get_data(as_text=True)
    assert "2026-12-01 10:00" in listed and "UTC" not in listed
    edit = client.get(f"/admin/interactions/edit/?id={saved.id}").get_data(as_text=True)
    assert 'value="2026-12-01 10:00:00"' in edit


def test_dashboard_months_turn_over_at_the_offices_midnight(app):
    app.config["CLOCK"] = lambda: dt.datetime(2026, 12, 10, 4, 0)
    boss = make_user("boss@example.com", role="manager")
    customer = make_customer(name="A", owner=boss, created_at=dt.datetime(2026, 11, 30, 17, 0))
    make_interaction(customer, at=dt.datetime(2026, 11, 30, 16, 30))  # 00:30 on 1 December in Beijing
    make_interaction(customer, at=dt.datetime(2026, 11, 30, 15, 30))  # 23:30 on 30 November
    with app.test_request_context():
        figures = reports.review(boss, "2026-12", reports.Slice())["figures"]
        done = figures["touches"]["series"]["done"]
        new = figures["new-and-churned"]["series"]["new customers"]
    assert (done[-2], done[-1]) == (1, 1)
    assert (new[-2], new[-1]) == (0, 1)


def test_csv_times_are_the_offices_wall_time(app, client, auth):
    app.config["CLOCK"] = lambda: dt.datetime(2026, 12, 1, 2, 0)
    make_user()
    make_interaction(make_customer(name="A"), at=dt.datetime(2026, 12, 1, 2, 0))
    auth.login()
    text = client.get("/admin/interactions/export.csv").get_data(as_text=True)
    assert "2026-12-01 10:00:00" in text and "2026-12-01 02:00:00" not in text


def test_mark_done_logs_the_offices_wall_time_on_the_day_done(app):
    from backoffice.care.complete import mark_done
    app.config["CLOCK"] = lambda: dt.datetime(2026, 12, 1, 16, 30)  # 00:30 on 2 December in Beijing
    rep = make_user("rep@example.com", role="rep")
    plan = make_plan(make_customer(owner=rep), next_due=dt.date(2026, 12, 2), interval_days=7)
    with app.app_context():
        [logged] = mark_done([plan], clock.today(), channel="phone", summary="Called")
    assert logged.at == dt.datetime(2026, 12, 1, 16, 30)
    assert plan.next_due == dt.date(2026, 12, 9)
