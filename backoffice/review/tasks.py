"""The worker keeps this month's review figures recorded as the month goes, and closes the last;
it also records the months a dashboard view found not recorded, while the view shows what is."""
from __future__ import annotations

import time

from huey import crontab

from ..db import connected
from ..queue import huey

LOCK = "review-record"
REQUEUE_SECONDS = 120  # a view asks again after this, should the worker have lost the task
_queued: dict[tuple[str, ...], float] = {}


@huey.periodic_task(crontab(minute="*/30"))
@huey.lock_task(LOCK)
def record_review_months() -> list[str]:
    """This month's figures (each day frozen as it passes), and last month's if not closed yet."""
    from .. import clock
    from . import snapshot
    from .slices import month_key, previous_month
    with connected():
        current = month_key(clock.today())
        return snapshot.refresh([previous_month(current), current])


@huey.task(retries=20, retry_delay=15)
def record_review(months: list[str]) -> list[str]:
    """The months a view found not recorded, in its order (the month it shows first); when
    another record holds the lock, tried again shortly."""
    from . import snapshot
    with connected(), huey.lock_task(LOCK):
        return snapshot.refresh(months, only_if_needed=True)


def record_soon(months: list[str]) -> bool:
    """Queue `months` for the worker, unless this process queued them a moment ago."""
    key, now = tuple(months), time.monotonic()
    if now - _queued.get(key, -REQUEUE_SECONDS) < REQUEUE_SECONDS:
        return False
    _queued[key] = now
    record_review(list(months))
    return True

