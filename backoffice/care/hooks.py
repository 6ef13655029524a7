"""The one call to make after customers change (panel save, sheet sync, import)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .. import actors
from . import derive, playbook


def customers_changed(customer_ids: Iterable[int], settings: dict,
                      actor: actors.Actor | None = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Recompute derived fields (as the system, as of `now`), then bring playbook plans and their
    owners in step, in bulk."""
    ids = sorted(set(customer_ids))
    changed = derive.derive(settings, ids, now=now)
    counts = playbook.evaluate(ids, actor=actor)
    counts["moved"] = playbook.follow_owners(ids, actor=actor)
    return {**{name: len(found) for name, found in changed.items()}, **counts}
