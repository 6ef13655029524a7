"""Deciding what to send: each person's digest at their time, and the alerts of new events.

Every decision ends in `outbox.record`, keyed by an event: `digest:<office day>`,
`negative-feedback:<interaction>`, `first-touch:<customer>`, `ticket-late:<ticket>:<deadline>`.
Planning again (every minute, by two consumers, after a crash) finds the records there and adds
nothing. Alerts look back over a bounded window, so the first run after an upgrade does not
alert about every old event.
"""
from __future__ import annotations

import datetime as dt

from peewee import fn

from .. import clock
from ..models import Customer, GroupRobot, Interaction, Notification, NotifyPreference, User
from . import digest, messages, outbox, tickets
from .addresses import time_of_day
from .render import locale_of, render

FEEDBACK_WINDOW = dt.timedelta(hours=24)  # negative feedback is answered within 24 hours
FIRST_TOUCH_WINDOW = dt.timedelta(days=2)  # how long after the deadline a silent customer is still news
TICKET_WINDOW = dt.timedelta(days=2)


def quiet_until(pref: NotifyPreference, now: dt.datetime) -> dt.datetime | None:
    """When the person's quiet period ends, if `now` is inside it (office time; may span midnight)."""
    if not (pref.quiet_from and pref.quiet_until):
        return None
    try:
        start, end = time_of_day(pref.quiet_from), time_of_day(pref.quiet_until)
    except ValueError:
        return None
    local = clock.local(now)
    at = local.time().replace(tzinfo=None)
    inside = start <= at < end if start <= end else (at >= start or at < end)
    if not inside or start == end:
        return None
    day = local.date() if at < end else local.date() + dt.timedelta(days=1)
    return clock.to_stored(dt.datetime.combine(day, end))


def _existing(event: str) -> set[tuple[str, str]]:
    return {(n.recipient, n.channel) for n in
            Notification.select(Notification.recipient, Notification.channel).where(Notification.event == event)}


def to_person(event: str, kind: str, user, content, settings: dict, now: dt.datetime,
              pref: NotifyPreference | None = None, immediate: bool = False) -> list[int]:
    """Record `content` for each of the person's channels, unless they muted this kind.
    A quiet period holds it until it ends (`immediate`: a message sent by hand is not held)."""
    pref = pref or NotifyPreference.of(user)
    if kind in pref.muted_list or not user.active:
        return []
    recipient, locale = f"user:{user.id}", locale_of(user, settings)
    hold = None if immediate else quiet_until(pref, now)
    have, made = _existing(event), []
    for channel in pref.channel_list:
        if (recipient, channel) in have:
            continue
        subject, text, html = render(locale, channel, content)
        new = outbox.record(event, kind, recipient, channel, user=user, locale=locale, subject=subject,
                            body_text=text, body_html=html, not_before=hold,
                            address=user.email if channel == "email" else "")
        made += [new] if new else []
    return made


def team_robots(user, settings: dict) -> list[tuple[str, GroupRobot | None, str]]:
    """(recipient, robot, channel) of the person's team robot, else the office's robots.

    The team's robot is the one chosen in the person's notification settings, else the robot
    named after the person's team (User.team, the team the monthly review filters by)."""
    pref = NotifyPreference.get_or_none(NotifyPreference.user == user.id) if user else None
    robot = pref.team_robot if pref and pref.team_robot_id else None
    team = getattr(user, "team", None) if user else None
    if robot is None and team:
        robot = GroupRobot.get_or_none(GroupRobot.team == team)
    if robot is not None and robot.active:
        return [(f"robot:{robot.id}", robot, robot.kind)]
    return [(f"office:{kind}", None, kind) for kind in ("wecom", "dingtalk")
            if settings["notify"][f"{kind}_webhook"]]


def to_team(event: str, kind: str, user, content, settings: dict) -> list[int]:
    """Post `content` once to the group robot of `user`'s team (in the office's language)."""
    have, made = _existing(event), []
    locale = settings["app"].get("locale") or "zh_CN"
    for recipient, robot, channel in team_robots(user, settings):
        if (recipient, channel) in have:
            continue
        subject, text, _html = render(locale, channel, content)
        new = outbox.record(event, kind, recipient, channel, robot=robot, locale=locale,
                            subject=subject, body_text=text)
        made += [new] if new else []
    return made


def supervisors():
    """The sales supervisors (销售主管): every active manager."""
    return list(User.select().where(User.role == "manager", User.active))


def plan_digests(settings: dict, now: dt.datetime | None = None, only=None, force: bool = False) -> list[int]:
    """Record the digests due at `now`: each person's once per office day, at or after their time.
    `only` a user and `force`: that person's digest at once, again if it went already."""
    now = now or clock.now()
    today, at = clock.day_of(now), clock.local(now).time().replace(tzinfo=None)
    default_at = time_of_day(settings["notify"]["digest_time"])
    event = f"digest:{today.isoformat()}"
    done = {recipient for recipient, _channel in _existing(event)}
    prefs = {p.user_id: p for p in NotifyPreference.select()}
    people = User.select().where(User.active).order_by(User.id)
    if only is not None:
        people = people.where(User.id == only.id)
    made = []
    for user in people:
        pref = prefs.get(user.id) or NotifyPreference(user=user, channels="email", muted="")
        if not force:
            if "digest" in pref.muted_list or not pref.channel_list or f"user:{user.id}" in done:
                continue
            try:
                wanted = time_of_day(pref.digest_time) if pref.digest_time else default_at
            except ValueError:
                wanted = default_at
            if at < wanted:
                continue
        this_event = event if not force else f"{event}:by-hand:{now.isoformat(timespec='seconds')}"
        found = digest.build(user, settings, today, now)
        if found.empty:  # nothing to send; recorded so it is not built again today and one can see why
            outbox.record(this_event, "digest", f"user:{user.id}", "none", user=user, status="skipped",
                          subject="", body_text="nothing to report")
            continue
        made += to_person(this_event, "digest", user, messages.digest(found, user, settings), settings, now,
                          pref=pref, immediate=force)
    return made


def plan_alerts(settings: dict, now: dt.datetime | None = None) -> list[int]:
    """Record the alerts of events that happened recently and have none yet."""
    now = now or clock.now()
    made = []
    feedback = (Interaction.select(Interaction, Customer).join(Customer)
                .where(Interaction.sentiment == "negative", Interaction.responded_at.is_null(),
                       Interaction.at > now - FEEDBACK_WINDOW, Interaction.at <= now, ~Customer.archived))
    for interaction in feedback:
        event, owner = f"negative-feedback:{interaction.id}", interaction.customer.owner
        content = messages.negative_feedback(interaction, settings)
        if owner is not None:
            made += to_person(event, "negative_feedback", owner, content, settings, now)
        made += to_team(event, "negative_feedback", owner, content, settings)

    days = settings["care"]["first_touch_days"]
    deadline = now - dt.timedelta(days=days)
    touched = Interaction.select(Interaction.id).where(Interaction.customer == Customer.id)
    silent = (Customer.select().where(~Customer.archived, Customer.created_at <= deadline,
                                      Customer.created_at > deadline - FIRST_TOUCH_WINDOW, ~fn.EXISTS(touched)))
    bosses = supervisors() if silent.exists() else []
    for customer in silent:
        event, content = f"first-touch:{customer.id}", messages.first_touch(customer, days, settings)
        for boss in bosses:
            made += to_person(event, "first_touch", boss, content, settings, now)
        made += to_team(event, "first_touch", customer.owner, content, settings)

    late = tickets.late(now, since=now - TICKET_WINDOW)
    bosses = supervisors() if late else []
    for line in late:
        ticket = line.ticket
        event = f"ticket-late:{ticket.id}:{line.what}:{line.due:%Y%m%d%H%M}"
        content = messages.ticket_late(line, settings)
        people = ([ticket.assignee] if ticket.assignee_id else []) + [b for b in bosses if b.id != ticket.assignee_id]
        for person in people:
            made += to_person(event, "ticket_late", person, content, settings, now)
        made += to_team(event, "ticket_late", ticket.assignee if ticket.assignee_id else None, content, settings)
    return made

