"""What is wrong with the notification settings, in plain words, for the Notifications page.

The settings file is checked at start (a bad one stops the program); what people and admins
type in the panel (robots, personal webhooks, times) can go wrong later, and shows here.
"""
from __future__ import annotations

import datetime as dt

from .. import clock
from ..i18n import _
from ..models import GroupRobot, Notification, NotifyPreference, User
from . import addresses


def _robot_problem(kind: str, url: str | None, secret: str | None) -> str | None:
    try:
        addresses.webhook(kind, url or "")
        if kind == "dingtalk" and secret:
            addresses.dingtalk_secret(secret)
    except ValueError as exc:
        return str(exc)
    return None


def problems(settings: dict) -> list[str]:
    found = []
    prefs = list(NotifyPreference.select(NotifyPreference, User).join(User))
    chose_email = [p for p in prefs if "email" in p.channel_list]
    defaults = User.select().where(User.active, User.id.not_in([p.user_id for p in prefs])).count()
    if not settings["notify"]["smtp_host"] and (chose_email or defaults):
        found.append(_("No SMTP server is set (notify.smtp_host): %(count)d people receive e-mail, and "
                       "their messages fail.", count=len(chose_email) + defaults))
    for robot in GroupRobot.select().where(GroupRobot.active).order_by(GroupRobot.team):
        problem = _robot_problem(robot.kind, robot.webhook_url, robot.secret)
        if problem:
            found.append(_("The group robot of %(team)s: %(problem)s", team=robot.team, problem=problem))
    for pref in prefs:
        for kind in ("wecom", "dingtalk"):
            if kind in pref.channel_list:
                url = pref.wecom_webhook if kind == "wecom" else pref.dingtalk_webhook
                problem = _robot_problem(kind, url, pref.dingtalk_secret if kind == "dingtalk" else None)
                if problem:
                    found.append(_("%(person)s receives %(channel)s messages: %(problem)s",
                                   person=pref.user.email, channel=kind, problem=problem))
        for name in ("digest_time", "quiet_from", "quiet_until"):
            value = getattr(pref, name)
            if value:
                try:
                    addresses.time_of_day(value)
                except ValueError as exc:
                    found.append(f"{pref.user.email}: {exc}")
    week = clock.now() - dt.timedelta(days=7)
    stuck = Notification.select().where(Notification.status.in_(("failed", "unconfirmed")),
                                        Notification.created_at >= week).count()
    if stuck:
        found.append(_("%(count)d notifications of the last 7 days failed or are unconfirmed: see below, "
                       "and send them again once the cause is fixed.", count=stuck))
    return found
