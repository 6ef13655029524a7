"""The panel's side: the Notifications page, group robots, My notifications, the Outbox, and the
`backoffice notify` commands an admin checks the settings with."""
from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from backoffice.cli import cli
from backoffice.models import GroupRobot, Notification, NotifyPreference
from backoffice.notify import localmail, outbox
from backoffice.queue import huey
from tests.conftest import make_user
from tests.factories import make_customer, make_plan

AT = dt.datetime(2026, 3, 2, 0, 30)  # 08:30 in Shanghai


@pytest.fixture
def admin(app):
    app.config["CLOCK"] = lambda: AT
    return make_user()


@pytest.fixture
def immediate():
    huey.immediate = True
    yield
    huey.immediate = False


def _form(client, auth, path: str, data: dict):
    return client.post(path, data={"csrf_token": auth.csrf_token(path), **data})


def test_the_notifications_page_says_what_failed_why_and_what_to_fix(client, auth, admin, settings, robots):
    GroupRobot.create(team="East", kind="wecom", webhook_url=f"{robots.base}/cgi-bin/webhook/send")
    outbox.record("x", "test", "to:gone@example.com", "email", address="gone@example.com", subject="Hello",
                  body_text="Hi", status="failed")
    Notification.update(last_error="the server refused the address gone@example.com (550 no such user)").execute()
    auth.login()
    page = client.get("/admin/notifications/").get_data(as_text=True)
    assert 'id="notify-problems"' in page
    assert "No SMTP server is set (notify.smtp_host)" in page
    assert "The group robot of East: a WeCom webhook address ends with ?key=" in page
    assert "gone@example.com (550 no such user)" in page and "failed" in page


def test_send_again_puts_a_failed_notification_back_and_it_is_sent(client, auth, admin, settings, smtp_plain,
                                                                  immediate, monkeypatch):
    # The worker's settings are the test's: the app gave them to the queue.
    nid = outbox.record("x", "test", "to:back@example.com", "email", address="back@example.com",
                        subject="Hello", body_text="Hi", status="failed")
    auth.login()
    response = client.post("/admin/notifications/action/", data={
        "csrf_token": auth.csrf_token("/admin/notifications/"), "action": "send_again", "rowid": [str(nid)]})
    assert response.status_code == 302
    assert Notification.get_by_id(nid).status == "sent" and len(smtp_plain.messages) == 1


def test_only_admins_open_the_notifications_page(client, auth, admin):
    make_user("rep@example.com", role="rep")
    auth.login("rep@example.com")
    assert client.get("/admin/notifications/").status_code == 403
    assert client.get("/admin/my-notifications/").status_code == 200


def test_a_person_chooses_channels_mutes_a_kind_and_sets_quiet_hours(client, auth, admin, robots):
    rep = make_user("rep@example.com", role="rep")
    auth.login("rep@example.com")
    response = _form(client, auth, "/admin/my-notifications/", {
        "channels": ["email", "dingtalk"], "muted": ["first_touch"], "digest_time": "7:15",
        "quiet_from": "22:00", "quiet_until": "08:00", "dingtalk_webhook": robots.dingtalk_url(),
        "dingtalk_secret": "SEC" + "ab" * 16})
    assert response.status_code == 302
    pref = NotifyPreference.get(NotifyPreference.user == rep.id)
    assert (pref.channel_list, pref.muted_list, pref.digest_time, pref.quiet_from, pref.quiet_until) == (
        ["email", "dingtalk"], ["first_touch"], "07:15", "22:00", "08:00")


def test_a_bad_webhook_or_time_is_refused_with_words(client, auth, admin):
    make_user("rep@example.com", role="rep")
    auth.login("rep@example.com")
    page = _form(client, auth, "/admin/my-notifications/", {
        "channels": ["wecom"], "digest_time": "25:00", "wecom_webhook": "qyapi.weixin.qq.com/send"}).get_data(as_text=True)
    assert "expected a time of day such as 08:30" in page
    assert "a WeCom webhook must be an https:// address" in page
    assert not NotifyPreference.select().exists()


def test_a_group_robot_with_a_bad_secret_is_not_saved(client, auth, admin, robots):
    auth.login()
    page = _form(client, auth, "/admin/group_robots/new/", {
        "team": "North", "kind": "dingtalk", "webhook_url": robots.dingtalk_url(), "secret": "not-a-secret",
        "active": "y"}).get_data(as_text=True)
    assert "a DingTalk signing secret starts with SEC" in page and not GroupRobot.select().exists()


def test_the_outbox_shows_a_digest_the_local_mail_server_received(client, auth, admin, settings, runner):
    server = localmail.start(settings["app"]["instance_path"])
    settings["notify"].update(smtp_host="127.0.0.1", smtp_port=server.port, smtp_security="none")
    try:
        rep = make_user("rep@example.com", role="rep")
        make_plan(make_customer(name="Acme", owner=rep, verified_at=dt.date(2026, 3, 1)),
                  title="Fortnightly call", next_due=dt.date(2026, 3, 3))
        result = runner.invoke(cli, ["notify", "digests", "--to", "rep@example.com", "--force"])
        assert result.exit_code == 0, result.output
        assert "digest to rep@example.com by email: sent" in result.output
    finally:
        server.stop()
    auth.login()
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert "Care digest for 2026-03-02" in page and "Fortnightly call — Acme" in page
    frame = re.search(r'<iframe id="outbox-html"[^>]*>', page).group(0)
    assert " sandbox " in frame and "&lt;h2" in frame  # the message's HTML, escaped into a sandboxed frame


def test_notify_digests_sends_nothing_before_anyones_time(admin, runner, settings, app):
    app.config["CLOCK"] = lambda: dt.datetime(2026, 3, 2, 0, 0)  # 08:00
    result = runner.invoke(cli, ["notify", "digests"])
    assert result.exit_code == 0 and "No digest is due now" in result.output


def test_notify_test_email_reports_a_refused_login_and_fails(admin, runner, settings, smtp_starttls):
    settings["notify"]["smtp_password"] = "wrong"
    result = runner.invoke(cli, ["notify", "test", "email", "--to", "me@example.com"])
    assert result.exit_code == 1
    assert "test to me@example.com by email: failed (the SMTP server refused the login" in result.output


def test_notify_test_posts_to_the_offices_robot(admin, runner, settings, robots):
    settings["notify"]["wecom_webhook"] = robots.wecom_url()
    result = runner.invoke(cli, ["notify", "test", "wecom"])
    assert result.exit_code == 0, result.output
    assert "by wecom: sent" in result.output
    assert "Test message from the customer-care back-office" in robots.posts[0]["json"]["markdown"]["content"]


def test_notify_test_without_a_robot_says_which_setting(admin, runner):
    result = runner.invoke(cli, ["notify", "test", "dingtalk"])
    assert result.exit_code == 2 and "notify.dingtalk_webhook" in result.output


def test_without_an_smtp_server_run_keeps_mail_locally_for_the_outbox(app, tmp_path, monkeypatch):
    for name in ("HOST", "PORT", "SECURITY"):
        monkeypatch.delenv(f"BACKOFFICE_NOTIFY__SMTP_{name}", raising=False)
    assert localmail.use_local(str(tmp_path), 0, "smtp.example.com") is None  # a configured server is used
    server = localmail.use_local(str(tmp_path), 0, "")
    try:
        from backoffice import config
        local = config.load(environ={**os.environ, "BACKOFFICE_APP__INSTANCE_PATH": str(tmp_path)})
        assert (local["notify"]["smtp_host"], local["notify"]["smtp_port"]) == ("127.0.0.1", server.port)
        nid = outbox.record("t", "test", "to:me@example.com", "email", address="me@example.com",
                            subject="Kept here", body_text="Hello")
        assert outbox.deliver(nid, local) == "sent"
    finally:
        server.stop()
        for name in ("HOST", "PORT", "SECURITY"):
            monkeypatch.delenv(f"BACKOFFICE_NOTIFY__SMTP_{name}", raising=False)
    [kept] = localmail.read(str(tmp_path))
    assert (kept.subject, kept.to, kept.text.strip()) == ("Kept here", "me@example.com", "Hello")
