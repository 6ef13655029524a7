"""The worker keeps this month's review figures recorded as the month goes, and closes the last."""
from __future__ import annotations

from huey import crontab

from ..db import connected
from ..queue import huey


@huey.periodic_task(crontab(minute="*/30"))
@huey.lock_task("review-record")
def record_review_months() -> list[str]:
    """This month's figures (each day frozen as it passes), and last month's if not closed yet."""
    from .. import clock
    from . import snapshot
    from .slices import month_key, previous_month
    with connected():
        current = month_key(clock.today())
        return snapshot.refresh([previous_month(current), current])
