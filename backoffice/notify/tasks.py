"""The worker's part: every minute, settle stalled sends, plan digests and alerts, queue what is due."""
from __future__ import annotations

import logging
from contextlib import contextmanager

from huey import crontab

from ..queue import huey, settings

log = logging.getLogger(__name__)


@contextmanager
def _connected():
    """The worker opens its own connection; inline (tests, the command line) it reuses the open one."""
    from ..db import db
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield
    finally:
        if opened:
            db.close()


def tick(config: dict) -> list[int]:
    """One round: returns the ids of the notifications due now (queued by the caller)."""
    from . import outbox, planner
    recovered = outbox.recover(config)
    if any(recovered.values()):
        log.warning("notifications whose worker stopped: %s", recovered)
    planner.plan_digests(config)
    planner.plan_alerts(config)
    return outbox.due()


@huey.periodic_task(crontab(minute="*"))
@huey.lock_task("notify-plan")
def notify_tick(config: dict | None = None) -> int:
    """Plan and queue; each send is its own task, so several consumers share the sending."""
    with _connected():
        due = tick(config or settings)
    for notification_id in due:
        send_notification(notification_id)
    return len(due)


@huey.task()
def send_notification(notification_id: int, config: dict | None = None) -> str:
    """Send one notification; a second consumer given the same one finds it taken and stops."""
    from . import outbox
    with _connected():
        return outbox.deliver(notification_id, config or settings)
