"""The periodic task that keeps derived fields, and the playbook plans they drive, current."""
from __future__ import annotations

from huey import crontab

from ..db import connected
from ..queue import huey, settings


def _every(minutes: int) -> crontab:
    minutes = max(1, int(minutes))
    if minutes >= 60:
        return crontab(minute="0", hour=f"*/{max(1, minutes // 60)}")
    return crontab(minute=f"*/{minutes}")


def _due(timestamp) -> bool:
    """Read at each tick, not at import: the interval comes from the settings the queue was given."""
    return _every(settings()["care"]["derive_interval_minutes"])(timestamp)


@huey.periodic_task(_due)
@huey.lock_task("care-derive")
def refresh_derived_fields(config: dict | None = None) -> dict[str, int]:
    """Tier, closeness and churn risk for every working customer, then plans for new tiers."""
    from .. import actors
    from . import derive, playbook
    with connected():
        changed = derive.derive(config or settings())
        if changed.get("tier"):
            playbook.evaluate(changed["tier"], actor=actors.SYSTEM)
    return {name: len(ids) for name, ids in changed.items()}
