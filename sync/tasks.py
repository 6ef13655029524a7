"""The sync as Huey tasks: cycles every sheet.interval_seconds, and one cycle soon after panel saves.

Huey's periodic tasks fire at most once a minute (crontab), so the periodic task fans out:
each minute it queues the cycles due in that minute, `interval_seconds` apart. Cycles that
meet (a save-triggered one, a second consumer) are kept apart by the lease and skip.
"""
from __future__ import annotations

import time
from typing import Any

from huey import crontab

from backoffice.db import connected
from backoffice.queue import huey, settings

SOON_KEY = "sheet-sync-soon"  # present while a save-triggered cycle is queued


def ticks(interval_seconds: float) -> list[int]:
    """Offsets (seconds into the minute) of the cycles a minute holds."""
    interval = max(1, int(interval_seconds))
    return list(range(0, 60, interval)) if interval < 60 else [0]


def _every(interval_seconds: float) -> crontab:
    minutes = max(1, int(interval_seconds) // 60)
    return crontab(minute="*" if minutes == 1 else f"*/{minutes}")


def _due(timestamp) -> bool:
    """Read at each tick, not at import: the interval comes from the settings the queue was given."""
    return _every(settings()["sheet"]["interval_seconds"])(timestamp)


def _run(trigger: str, config: dict | None = None) -> dict[str, Any]:
    """The settings' everyone-sheet, then the registered sheets' turns (sync/turns.py)."""
    from .cycle import run_cycle
    from .turns import run_turns
    config = config or settings()
    with connected():
        run = run_cycle(config, trigger)
        turns = run_turns(config, trigger)
    return {"run": run.id, "status": run.status, "error": run.error, "sheets": [r.id for r in turns]}


@huey.task()
def sync_cycle(trigger: str = "schedule") -> dict[str, Any]:
    """One cycle (it skips by itself if another consumer is running one)."""
    return _run(trigger)


@huey.periodic_task(_due)
def sync_schedule() -> int:
    """Queue this minute's cycles, one every interval_seconds."""
    offsets = ticks(settings()["sheet"]["interval_seconds"])
    for offset in offsets:
        if offset:
            sync_cycle.schedule(args=("schedule",), delay=offset)
        else:
            sync_cycle("schedule")
    return len(offsets)


@huey.task()
def sync_soon(reason: str = "save") -> dict[str, Any]:
    huey.delete(SOON_KEY)  # saves from now on queue a new cycle: this one may read before them
    return _run(reason)


def queue_sync_soon(reason: str = "save") -> bool:
    """Queue one cycle sheet.debounce_seconds from now; saves meanwhile join it. True if queued."""
    delay = float(settings()["sheet"]["debounce_seconds"])
    now = time.time()
    if not huey.put_if_empty(SOON_KEY, now):
        queued_at = huey.get(SOON_KEY, peek=True)
        if queued_at is not None and now - float(queued_at) < delay + 120:
            return False
        huey.put(SOON_KEY, now)  # the queued cycle was lost (a flushed queue): queue another
    sync_soon.schedule(args=(reason,), delay=delay)
    return True
