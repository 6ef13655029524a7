"""Each channel against a real server on loopback: what arrives, and the status a failure leaves."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest

from backoffice import clock
from backoffice.models import GroupRobot, Notification
from backoffice.notify import outbox
from tests.conftest import make_user

NOON = dt.datetime(2026, 3, 2, 4, 0)  # 12:00 in Shanghai, stored UTC
SECRET = "SEC" + "0123456789abcdef" * 4


@pytest.fixture
def pinned(app):
    app.config["CLOCK"] = lambda: NOON
    with clock.pinned(NOON):
        yield NOON


def _email(to="rep@example.com", **extra) -> int:
    return outbox.record(f"test:{to}", "test", f"to:{to}", "email", address=to, subject="Care digest",
                         body_text="Plain words\n", body_html="<p>Rich <b>words</b></p>", **extra)


def _robot(kind: str, url: str, secret: str | None = None) -> int:
    robot = GroupRobot.create(team=f"East {kind}", kind=kind, webhook_url=url, secret=secret)
    return outbox.record(f"alert:{kind}", "negative_feedback", f"robot:{robot.id}", kind, robot=robot,
                         subject="Negative feedback from Acme", body_text="**Acme**: late delivery")


def test_email_over_starttls_with_a_login_carries_text_and_html(app, settings, smtp_starttls, pinned):
    assert outbox.deliver(_email(), settings) == "sent"
    [message] = smtp_starttls.messages
    assert smtp_starttls.logins == ["care@example.com"]
    assert message["Subject"] == "Care digest" and message["To"] == "rep@example.com"
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Plain words\n"
    assert "<b>words</b>" in message.get_body(("html",)).get_content()
    assert "notification." in message["Message-ID"]
    n = Notification.get()
    assert (n.status, n.attempts, n.sent_at, n.address) == ("sent", 1, NOON, "rep@example.com")


def test_email_over_tls_from_the_start(app, settings, smtp_tls, pinned):
    assert outbox.deliver(_email(), settings) == "sent"
    assert len(smtp_tls.messages) == 1 and smtp_tls.logins == ["care@example.com"]


def test_a_wrong_password_fails_for_good_and_says_which_settings(app, settings, smtp_starttls, pinned):
    settings["notify"]["smtp_password"] = "not-it"
    assert outbox.deliver(_email(), settings) == "failed"
    n = Notification.get()
    assert "refused the login (notify.smtp_username, smtp_password)" in n.last_error
    assert smtp_starttls.messages == []


def test_an_untrusted_certificate_fails_and_names_the_ca_setting(app, settings, smtp_starttls, pinned):
    settings["notify"]["smtp_ca_file"] = ""
    assert outbox.deliver(_email(), settings) == "failed"
    assert "certificate is not trusted" in Notification.get().last_error
    assert "notify.smtp_ca_file" in Notification.get().last_error


def test_a_refused_address_fails_with_the_servers_words_and_no_retry(app, settings, smtp_plain, pinned):
    smtp_plain.rcpt_reply = "550 5.1.1 no such mailbox"
    assert outbox.deliver(_email("gone@example.com"), settings) == "failed"
    n = Notification.get()
    assert n.last_error == "the server refused the address gone@example.com (550 5.1.1 no such mailbox)"
    assert n.handed_over_at is None  # refused before anything was handed over
    assert outbox.due(NOON + dt.timedelta(days=1)) == []


def test_a_message_refused_after_its_data_fails_with_the_servers_words(app, settings, smtp_plain, pinned):
    smtp_plain.data_reply = "554 5.7.1 message rejected as spam"
    assert outbox.deliver(_email(), settings) == "failed"
    assert Notification.get().last_error == "the server refused the message (554 5.7.1 message rejected as spam)"


def test_a_malformed_address_fails_without_connecting(app, settings, smtp_plain, pinned):
    assert outbox.deliver(_email("not an address"), settings) == "failed"
    assert "is not a valid e-mail address" in Notification.get().last_error


def test_a_busy_server_is_retried_with_a_doubling_wait_then_given_up(app, settings, smtp_plain, pinned):
    smtp_plain.rcpt_reply = "451 4.3.0 try again later"
    settings["notify"].update(max_attempts=3, retry_seconds=60)
    nid = _email()
    now, waits = NOON, []
    for _ in range(3):
        with clock.pinned(now):
            status = outbox.deliver(nid, settings)
        n = Notification.get_by_id(nid)
        waits.append((status, n.next_attempt_at - now))
        now = n.next_attempt_at
    assert waits == [("retrying", dt.timedelta(seconds=60)), ("retrying", dt.timedelta(seconds=120)),
                     ("failed", dt.timedelta(0))]
    assert Notification.get_by_id(nid).last_error.startswith("gave up after 3 attempts: the server refused")


def test_an_unreachable_server_is_retried(app, settings, pinned):
    from backoffice.notify import localmail
    settings["notify"].update(smtp_host="127.0.0.1", smtp_port=localmail.free_port(), smtp_security="none")
    assert outbox.deliver(_email(), settings) == "retrying"
    assert "could not reach the SMTP server" in Notification.get().last_error


def test_wecom_robot_gets_markdown(app, settings, robots, pinned):
    assert outbox.deliver(_robot("wecom", robots.wecom_url()), settings) == "sent"
    [post] = robots.posts
    assert post["query"] == {"key": "wecom-key-0001"}
    assert post["json"] == {"msgtype": "markdown",
                            "markdown": {"content": "**Negative feedback from Acme**\n\n**Acme**: late delivery"}}
    assert Notification.get().address.endswith("key=…0001")  # the token is not shown whole


def test_dingtalk_robot_posts_are_signed_with_the_secret(app, settings, robots, pinned):
    assert outbox.deliver(_robot("dingtalk", robots.dingtalk_url(), SECRET), settings) == "sent"
    [post] = robots.posts
    timestamp = post["query"]["timestamp"]
    assert timestamp == str(int(NOON.replace(tzinfo=dt.UTC).timestamp() * 1000))
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert post["query"]["sign"] == expected
    assert post["json"]["markdown"]["title"] == "Negative feedback from Acme"


@pytest.mark.parametrize(("kind", "status", "answer", "outcome", "words"), [
    ("wecom", 200, {"errcode": 93000, "errmsg": "invalid webhook url"}, "failed",
     "the webhook address is not valid: the robot was removed or the key is wrong (93000"),
    ("dingtalk", 200, {"errcode": 310000, "errmsg": "sign not match"}, "failed",
     "the signing secret does not match"),
    ("wecom", 200, {"errcode": 45009, "errmsg": "api freq out of limit"}, "retrying", "asks to slow down"),
    ("dingtalk", 404, {}, "failed", "the DingTalk webhook address was refused (HTTP 404)"),
    ("wecom", 502, {}, "retrying", "the WeCom robot is not available (HTTP 502)"),
])
def test_robot_refusals_get_a_clear_status(app, settings, robots, pinned, kind, status, answer, outcome, words):
    robots.status, robots.answer = status, answer
    url = robots.wecom_url() if kind == "wecom" else robots.dingtalk_url()
    assert outbox.deliver(_robot(kind, url, SECRET if kind == "dingtalk" else None), settings) == outcome
    assert words in Notification.get().last_error


def test_a_webhook_address_without_its_token_fails_before_posting(app, settings, robots, pinned):
    nid = _robot("wecom", f"{robots.base}/cgi-bin/webhook/send")
    assert outbox.deliver(nid, settings) == "failed"
    assert "ends with ?key=" in Notification.get().last_error and robots.posts == []


def test_a_person_without_a_webhook_for_a_chosen_channel_gets_a_clear_status(app, settings, pinned):
    user = make_user("rep@example.com", role="rep")
    nid = outbox.record("x", "digest", f"user:{user.id}", "wecom", user=user, subject="s", body_text="t")
    assert outbox.deliver(nid, settings) == "failed"
    assert Notification.get().last_error == "rep@example.com has no wecom webhook in their notification settings"
