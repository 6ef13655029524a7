"""The record of every notification, and the one way a message leaves: claim, hand over, settle.

1. `record` writes the notification before anything is sent; the unique (event, recipient,
   channel) index makes a second recording of the same event a no-op.
2. `deliver` claims it with a conditional UPDATE (one consumer wins), prepares the connection,
   marks it *handed over* (again conditionally: a consumer whose claim was taken over stops
   here), and only then sends.
3. The outcome settles it: sent; retrying later with a doubling wait; failed for good; or
   unconfirmed when the connection broke after the hand-over.
`recover` finds sends whose worker died: not yet handed over, they go back to the queue;
handed over, the message may have arrived, so they become unconfirmed and wait for an admin.
A message is therefore never sent twice on its own, whatever dies when.
"""
from __future__ import annotations

import datetime as dt
import logging
import uuid

from .. import clock
from ..db import db
from ..models import GroupRobot, Notification, NotifyPreference
from . import addresses, robots, smtp
from .errors import FAILED, RETRY, UNCONFIRMED, ClaimLost, DeliveryError

log = logging.getLogger(__name__)
READY = ("pending", "retrying")


def record(event: str, kind: str, recipient: str, channel: str, *, subject: str, body_text: str,
           body_html: str | None = None, user=None, robot=None, address: str = "", locale: str = "zh_CN",
           not_before: dt.datetime | None = None, status: str = "pending") -> int | None:
    """Write a notification unless this event already has one for this recipient and channel.
    Returns the new notification's id, or None when it was there already."""
    now = clock.now()
    query = Notification.insert(
        event=event, kind=kind, recipient=recipient, channel=channel, user=user, robot=robot,
        address=address, locale=locale, subject=subject[:300], body_text=body_text, body_html=body_html,
        status=status, next_attempt_at=max(now, not_before or now), created_at=now,
    ).on_conflict_ignore()
    same = (Notification.event == event) & (Notification.recipient == recipient) & (Notification.channel == channel)
    with db.atomic():
        if Notification.select().where(same).exists():
            return None
        query.execute()
        found = Notification.select(Notification.id, Notification.created_at).where(same).first()
    # Another planner may have written it between the check and the insert: then it is theirs.
    return found.id if found and found.created_at == now else None


def due(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Notifications whose time has come, oldest first."""
    now = now or clock.now()
    return [n.id for n in Notification.select(Notification.id)
            .where(Notification.status.in_(READY), Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.id).limit(limit)]


def _destination(n: Notification, settings: dict) -> tuple[str, str | None]:
    """(address, webhook secret) as they stand now, so a corrected address serves the retries."""
    notify = settings["notify"]
    if n.channel == "email":
        return (n.user.email if n.user_id else n.address), None
    if n.robot_id:
        robot = GroupRobot.get_by_id(n.robot_id)
        if not robot.active:
            raise DeliveryError(f"the group robot of {robot.team} is switched off", FAILED)
        return robot.webhook_url, robot.secret
    if n.user_id:
        pref = NotifyPreference.of(n.user)
        url = pref.wecom_webhook if n.channel == "wecom" else pref.dingtalk_webhook
        if not url:
            raise DeliveryError(f"{n.user.email} has no {n.channel} webhook in their notification settings",
                                FAILED)
        return url, pref.dingtalk_secret
    url = notify[f"{n.channel}_webhook"]  # recipient office:<channel>
    if not url:
        raise DeliveryError(f"no office {n.channel} robot is set (notify.{n.channel}_webhook)", FAILED)
    return url, notify["dingtalk_secret"] if n.channel == "dingtalk" else None


def _send(n: Notification, settings: dict, handover) -> str:
    address, secret = _destination(n, settings)
    shown = address if n.channel == "email" else addresses.masked(address)
    Notification.update(address=shown[:500]).where(Notification.id == n.id).execute()
    if n.channel == "email":
        host = settings["notify"]["smtp_host"]
        message = smtp.build_message(settings, address, n.subject, n.body_text, n.body_html,
                                     smtp.message_id(n.id, host))
        smtp.send(settings, address, message, handover)
    else:
        robots.send(n.channel, address, secret, n.subject, n.body_text, handover)
    return shown


def deliver(notification_id: int, settings: dict) -> str:
    """Send one notification if it is still waiting and nobody else holds it; returns its status
    afterwards ('taken' when another consumer had it)."""
    token, now = uuid.uuid4().hex, clock.now()
    mine = (Notification.id == notification_id) & (Notification.claim == token)
    claimed = Notification.update(
        status="sending", claim=token, claimed_at=now, handed_over_at=None, attempts=Notification.attempts + 1,
    ).where(Notification.id == notification_id, Notification.status.in_(READY),
            Notification.next_attempt_at <= now).execute()
    if not claimed:
        return "taken"
    n = Notification.get_by_id(notification_id)
    handed = []

    def handover() -> None:
        moved = Notification.update(handed_over_at=clock.now()).where(
            mine, Notification.status == "sending", Notification.handed_over_at.is_null()).execute()
        if moved != 1:
            raise ClaimLost
        handed.append(True)

    try:
        _send(n, settings, handover)
    except ClaimLost:
        return "taken"
    except DeliveryError as exc:
        return _settle_failure(n, token, exc, settings)
    except Exception as exc:  # a bug or an odd library error: kept on the record, the log has the trace
        log.exception("notification %s: unexpected error", notification_id)
        outcome = UNCONFIRMED if handed else RETRY
        return _settle_failure(n, token, DeliveryError(f"unexpected error: {exc}", outcome), settings)
    Notification.update(status="sent", sent_at=clock.now(), last_error=None).where(
        mine, Notification.status.in_(("sending", "unconfirmed"))).execute()
    return "sent"


def backoff(settings: dict, attempts: int) -> dt.timedelta:
    """The wait before try `attempts + 1`: retry_seconds, then twice as long each time (at most a day)."""
    seconds = settings["notify"]["retry_seconds"] * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, 86_400))


def _settle_failure(n: Notification, token: str, exc: DeliveryError, settings: dict) -> str:
    now = clock.now()
    status, error, next_at = exc.outcome, exc.message, now
    if status == RETRY:
        if n.attempts >= settings["notify"]["max_attempts"]:
            status, error = FAILED, f"gave up after {n.attempts} attempts: {exc.message}"
        else:
            next_at = now + backoff(settings, n.attempts)
    values = {"status": status, "last_error": error[:2000], "next_attempt_at": next_at}
    if status != UNCONFIRMED:
        values["handed_over_at"] = None
    Notification.update(**values).where(Notification.id == n.id, Notification.claim == token,
                                        Notification.status == "sending").execute()
    log.warning("notification %s %s: %s", n.id, status, error)
    return status


def recover(settings: dict, now: dt.datetime | None = None) -> dict[str, int]:
    """Settle sends whose worker stopped (held longer than notify.claim_timeout_seconds)."""
    now = now or clock.now()
    stale = (Notification.status == "sending") & (
        Notification.claimed_at < now - dt.timedelta(seconds=settings["notify"]["claim_timeout_seconds"]))
    requeued = Notification.update(  # still due since before its claim: the next round sends it
        status="retrying", claim=None,
        last_error="the worker stopped before handing the message over; it is sent again",
    ).where(stale, Notification.handed_over_at.is_null()).execute()
    unconfirmed = Notification.update(
        status="unconfirmed",
        last_error="the worker stopped while handing the message over, so it may have arrived; it is "
                   "not sent again on its own (send it again from the Notifications page if it did not)",
    ).where(stale, Notification.handed_over_at.is_null(False)).execute()
    return {"requeued": requeued, "unconfirmed": unconfirmed}


def send_again(ids, settings: dict) -> int:
    """An admin's decision: failed or unconfirmed notifications go back to the queue, tries reset."""
    return Notification.update(
        status="pending", claim=None, claimed_at=None, handed_over_at=None, attempts=0,
        next_attempt_at=clock.now(), last_error=Notification.last_error.concat(" — sent again by an admin"),
    ).where(Notification.id.in_(list(ids)), Notification.status.in_(("failed", "unconfirmed"))).execute()
