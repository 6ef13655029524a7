"""Named points where a cycle's process dies, made by wrapping the sync's module-level functions.

A crash is a BaseException so the cycle's `except Exception` cannot turn it into a tidy failed
run: as with a killed worker, no SyncRun is finished and (see World.install) no lease released.
An open transaction rolls back, as the database does for a connection that vanishes.
"""
from __future__ import annotations

from contextlib import contextmanager

from sync import gateway, records


class Crash(BaseException):
    """The worker process died here."""


# point -> (module, function, whether the crash comes after the call)
POINTS = {
    "after_read": (gateway, "read_tabs", True),
    "after_conflict_log": (records, "log_conflicts", True),
    "before_sheet_write": (gateway, "write_cells", False),
    "after_sheet_write": (gateway, "write_cells", True),
    "before_storing_base": (records, "_store_base", False),  # inside the database transaction
    "after_database_commit": (records, "apply", True),
}


@contextmanager
def crash_at(point: str, world):
    """Within the block, the next call through `point` kills the cycle."""
    module, name, after = POINTS[point]
    original = getattr(module, name)

    def dying(*args, **kwargs):
        result = original(*args, **kwargs) if after else None
        world.crashing = True
        raise Crash(point)
        return result  # pragma: no cover

    setattr(module, name, dying)
    try:
        yield
    finally:
        setattr(module, name, original)
        world.crashing = False
