"""`backoffice notify digests` and `backoffice notify test CHANNEL`: send now, and check the settings."""
from __future__ import annotations

import uuid

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import clock


def _open_db():
    from ..db import db
    db.connect(reuse_if_open=True)


def _send_all(ids: list[int], settings: dict) -> int:
    """Send the recorded notifications now, in this process, and say how each went."""
    from ..models import Notification
    from . import outbox
    failures = 0
    for notification_id in ids:
        status = outbox.deliver(notification_id, settings)
        n = Notification.get_by_id(notification_id)
        where = n.address or n.recipient
        line = f"{n.kind} to {where} by {n.channel}: {n.status if status != 'taken' else 'sent by the worker'}"
        if n.status not in ("sent", "pending", "sending"):
            failures += 1
            line += f" ({n.last_error})"
        elif n.status == "pending":
            line += f" (held until {clock.show(n.next_attempt_at)}: the person's quiet period)"
        click.echo(line)
    return failures


@click.group("notify")
def notify_group():
    """Digests, alerts and their channels (e-mail, WeCom, DingTalk)."""


@notify_group.command("digests")
@click.option("--to", "email", default=None, help="Only this person's digest (their login e-mail).")
@click.option("--force", is_flag=True, help="With --to: send it now, even if it went today or it is not yet time.")
@with_appcontext
def digests_command(email, force):
    """Send the digests due now (the worker does this every minute)."""
    from ..models import User
    from . import planner
    _open_db()
    settings = current_app.config["BACKOFFICE"]
    person = None
    if email:
        person = User.get_or_none(User.email == email.strip().lower())
        if person is None:
            raise click.BadParameter(f"no user has the login {email}", param_hint="--to")
    elif force:
        raise click.UsageError("--force needs --to EMAIL: it sends one person's digest")
    ids = planner.plan_digests(settings, only=person, force=force)
    if not ids:
        click.echo("No digest is due now (each person gets one a day, at their time; empty ones are not sent).")
        return
    if _send_all(ids, settings):
        raise SystemExit(1)


@notify_group.command("test")
@click.argument("channel", type=click.Choice(["email", "wecom", "dingtalk"]))
@click.option("--to", "address", default=None, help="E-mail: the address to write to.")
@click.option("--robot", "team", default=None, help="WeCom/DingTalk: a team's group robot (default: the office's).")
@with_appcontext
def test_command(channel, address, team):
    """Send a test message through CHANNEL with the current settings, and say what happened."""
    from ..models import GroupRobot
    from . import messages, outbox
    from .render import render
    _open_db()
    settings = current_app.config["BACKOFFICE"]
    locale = settings["app"].get("locale") or "zh_CN"
    robot = None
    if channel == "email":
        if not address:
            raise click.UsageError("give the address to write to: --to someone@example.com")
        recipient = f"to:{address}"
    elif team:
        robot = GroupRobot.get_or_none(GroupRobot.team == team)
        if robot is None or robot.kind != channel:
            raise click.BadParameter(f"no {channel} group robot for the team {team!r}", param_hint="--robot")
        recipient = f"robot:{robot.id}"
    else:
        if not settings["notify"][f"{channel}_webhook"]:
            raise click.UsageError(f"no office {channel} robot is set (notify.{channel}_webhook); "
                                   f"or name a team's: --robot TEAM")
        recipient = f"office:{channel}"
    subject, text, html = render(locale, channel, messages.test_message(channel, settings))
    new = outbox.record(f"test:{uuid.uuid4().hex}", "test", recipient, channel, robot=robot, locale=locale,
                        subject=subject, body_text=text, body_html=html, address=address or "")
    if _send_all([new], settings):
        raise SystemExit(1)
