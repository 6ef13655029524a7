"""The worker's part: every minute, settle stalled sends, plan digests and alerts, queue what is due."""
from __future__ import annotations

import logging

from huey import crontab

from ..db import connected
from ..queue import huey, settings

log = logging.getLogger(__name__)


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
    with connected():
        due = tick(config or settings())
    for notification_id in due:
        send_notification(notification_id)
    return len(due)


@huey.task()
def send_notification(notification_id: int, config: dict | None = None) -> str:
    """Send one notification; a second consumer given the same one finds it taken and stops."""
    from . import outbox
    with connected():
        return outbox.deliver(notification_id, config or settings())
