"""The managers' monthly review and the sheet sync's health, as the dashboard reads them."""
from __future__ import annotations

import threading
import time

from . import clock
from .models import Conflict, SyncRun
from .review.customers import month_of
from .review.figures import review
from .review.slices import Slice, months_back

__all__ = ["Slice", "cached_review", "last_sync_run", "month_of", "months_back", "review", "sync_health"]


def last_sync_run():
    """The latest run that did or tried work (skipped and running ones say nothing new)."""
    return (SyncRun.select().where(SyncRun.status.not_in(["skipped", "running"]))
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).first())


def sync_health() -> dict:
    run = last_sync_run()
    unresolved = Conflict.select().where(~Conflict.resolved).count()
    if run is None:
        return {"ran": False, "unresolved_conflicts": unresolved}
    return {"ran": True, "status": run.status, "finished_at": run.finished_at, "error": run.error,
            "stopped": run.status == "stopped", "unresolved_conflicts": unresolved}


FRESH_SECONDS = 60  # the monthly review does not need to-the-second figures
_cache: dict[tuple, tuple[float, dict]] = {}
_cache_lock = threading.Lock()


def cached_review(user, month: str, slice_: Slice, locale: str = "") -> dict:
    """`review`, kept for a minute per month, slice and language (a rep's slice is their own
    book), so a busy dashboard does not re-aggregate 100,000 customers on every view."""
    key = (month, slice_, locale, clock.today())
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < FRESH_SECONDS:
            return hit[1]
    result = review(user, month, slice_)
    if result["recording"]:
        return result  # months still being recorded: the next view shows how far it has got
    with _cache_lock:
        _cache[key] = (now, result)
    return result
