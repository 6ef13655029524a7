"""What is sent when: digests at each person's time (once a day, never empty), alerts of new
events, muted kinds, quiet periods, team robots, and each message in its reader's language."""
from __future__ import annotations

import datetime as dt

import pytest

from backoffice.models import GroupRobot, Notification, NotifyPreference
from backoffice.notify import outbox, planner
from tests.conftest import make_user
from tests.factories import make_customer, make_interaction, make_plan

DAY = dt.date(2026, 3, 2)
BEFORE = dt.datetime(2026, 3, 2, 0, 29)  # 08:29 in Shanghai
AT = dt.datetime(2026, 3, 2, 0, 30)  # 08:30 in Shanghai


@pytest.fixture
def at(app):
    """Pin the office clock for the test (models read it too): `at(instant)` moves it."""
    def move(instant):
        app.config["CLOCK"] = lambda: instant
        return instant
    move(AT)
    with app.app_context():
        yield move


def person(email: str, role: str = "rep", name: str | None = None, **extra):
    user = make_user(email, role=role, **extra)
    if name:
        user.name = name
        user.save()
    return user


@pytest.fixture
def rep(app, at):
    user = person("rep@example.com", name="Li Lei")
    acme = make_customer(name="Acme", owner=user, verified_at=DAY)
    make_plan(acme, title="Fortnightly call", next_due=DAY + dt.timedelta(days=1))
    make_plan(acme, title="Product news", next_due=DAY - dt.timedelta(days=3))
    return user


def _digests(user=None):
    query = Notification.select().where(Notification.kind == "digest")
    return list(query.where(Notification.user == user.id) if user else query)


def test_a_digest_goes_at_the_persons_time_once_a_day(settings, rep, at):
    at(BEFORE)
    assert planner.plan_digests(settings) == []
    at(AT)
    [nid] = planner.plan_digests(settings)
    n = Notification.get_by_id(nid)
    assert (n.event, n.channel, n.address, n.status) == ("digest:2026-03-02", "email", "rep@example.com", "pending")
    assert n.subject == "Care digest for 2026-03-02"
    assert "Due tomorrow (1)\n- Fortnightly call — Acme" in n.body_text
    assert "Overdue (1)\n- Product news — Acme, due 2026-02-27" in n.body_text
    assert "http://127.0.0.1:5000/admin/" in n.body_text and "<h2" in n.body_html
    at(AT + dt.timedelta(hours=3))
    assert planner.plan_digests(settings) == []  # the same office day
    at(AT + dt.timedelta(days=1))
    assert len(planner.plan_digests(settings)) == 1


def test_a_chosen_time_and_channels_are_followed(settings, rep, at, robots):
    NotifyPreference.create(user=rep, channels="email, wecom", digest_time="07:00",
                            wecom_webhook=robots.wecom_url())
    at(dt.datetime(2026, 3, 1, 22, 59))  # 06:59 in Shanghai
    assert planner.plan_digests(settings) == []
    at(dt.datetime(2026, 3, 1, 23, 0))
    made = [Notification.get_by_id(i) for i in planner.plan_digests(settings)]
    assert sorted(n.channel for n in made) == ["email", "wecom"]
    wecom = next(n for n in made if n.channel == "wecom")
    assert wecom.body_html is None and "**Due tomorrow (1)**" in wecom.body_text
    assert "[Fortnightly call — Acme](http://127.0.0.1:5000/admin/care_plans/details/?id=" in wecom.body_text


def test_an_empty_digest_is_not_sent_but_the_record_says_why(settings, at):
    user = person("quiet@example.com", role="rep")
    assert planner.plan_digests(settings) == []
    [n] = _digests(user)
    assert (n.status, n.channel, n.body_text) == ("skipped", "none", "nothing to report")
    assert planner.plan_digests(settings) == []  # not built again the same day


def test_a_muted_kind_is_not_sent(settings, rep, at):
    NotifyPreference.create(user=rep, channels="email", muted="digest")
    assert planner.plan_digests(settings) == [] and _digests() == []


def test_a_quiet_period_holds_messages_until_it_ends(settings, rep, at, smtp_plain):
    NotifyPreference.create(user=rep, channels="email", quiet_from="22:00", quiet_until="09:00")
    [nid] = planner.plan_digests(settings)
    assert Notification.get_by_id(nid).next_attempt_at == dt.datetime(2026, 3, 2, 1, 0)  # 09:00 local
    assert outbox.due() == []
    at(dt.datetime(2026, 3, 2, 1, 0))
    assert outbox.due() == [nid]
    assert outbox.deliver(nid, settings) == "sent" and len(smtp_plain.messages) == 1


def test_a_digest_is_written_in_each_persons_language(settings, rep, at):
    chinese = person("wang@example.com", name="王芳", locale="zh_CN")
    make_plan(make_customer(name="华信食品", owner=chinese, verified_at=DAY), title="月度回访", next_due=DAY + dt.timedelta(days=1))
    planner.plan_digests(settings)
    english, = _digests(rep)
    zh, = _digests(chinese)
    assert english.locale == "en" and zh.locale == "zh_CN"
    assert english.subject == "Care digest for 2026-03-02"
    assert zh.subject == "2026-03-02 客户维护提醒"
    assert "明天到期（1）\n- 月度回访 — 华信食品" in zh.body_text
    assert "王芳，早上好。今天有 1 项待办需要您处理。" in zh.body_text
    assert '<html lang="zh-CN">' in zh.body_html and "打开今日待办" in zh.body_html
    assert "Good morning, Li Lei. 2 items need you today." in english.body_text


def test_negative_feedback_alerts_the_owner_and_the_teams_robot_once(settings, rep, at, robots):
    GroupRobot.create(team="East", kind="dingtalk", webhook_url=robots.dingtalk_url(), secret=None)
    NotifyPreference.create(user=rep, channels="email", team_robot=GroupRobot.get())
    acme = rep.customers.get()
    make_interaction(acme, sentiment="negative", feedback="Delivery two weeks late", at=AT - dt.timedelta(hours=1))
    made = [Notification.get_by_id(i) for i in planner.plan_alerts(settings)]
    assert sorted((n.recipient, n.channel) for n in made) == [
        (f"robot:{GroupRobot.get().id}", "dingtalk"), (f"user:{rep.id}", "email")]
    assert all(n.subject == "Negative feedback from Acme" for n in made)
    assert planner.plan_alerts(settings) == []  # planned again: nothing new


def test_a_new_customer_without_follow_up_alerts_the_supervisors(settings, at):
    boss = person("boss@example.com", role="manager")
    at(AT - dt.timedelta(days=3, hours=1))
    silent = make_customer(name="Silent Co")
    touched = make_customer(name="Called Co")
    make_interaction(touched)
    at(AT)
    made = [Notification.get_by_id(i) for i in planner.plan_alerts(settings)]
    assert [(n.event, n.user_id) for n in made] == [(f"first-touch:{silent.id}", boss.id)]
    assert made[0].subject == "Silent Co has had no follow-up for 3 days"


def test_a_ticket_past_its_sla_alerts_its_assignee_and_the_supervisors(settings, rep, at):
    from backoffice.models import Ticket
    boss = person("boss@example.com", role="manager")
    ticket = Ticket.create(ref="TK-2026-000001", customer=rep.customers.get(), title="Broken valve",
                           assignee=rep, status="assigned", response_due=AT - dt.timedelta(minutes=5),
                           resolution_due=AT + dt.timedelta(days=1))
    made = [Notification.get_by_id(i) for i in planner.plan_alerts(settings)]
    assert sorted(n.user_id for n in made) == sorted([rep.id, boss.id])
    assert made[0].subject == "Ticket TK-2026-000001 is past its deadline"
    assert "TK-2026-000001 Broken valve: response was due 2026-03-02 08:25" in made[0].body_text
    assert made[0].event == f"ticket-late:{ticket.id}:response:202603020025"
