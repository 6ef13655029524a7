"""The one call to make after customers change (panel save, sheet sync, import)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .. import actors
from . import derive, playbook

# What the playbook's plans depend on: a save that changed none of these leaves them as they are.
PLAYBOOK_FIELDS = frozenset({"tier", "tier_override", "annual_purchase", "stage", "archived", "owner"})


def customers_changed(customer_ids: Iterable[int], settings: dict,
                      actor: actors.Actor | None = None, now: dt.datetime | None = None,
                      fields: Iterable[str] | None = None) -> dict[str, int]:
    """Recompute derived fields (as the system, as of `now`), then bring playbook plans and their
    owners in step, in bulk. A caller that knows which `fields` changed (one record saved in the
    panel) spares the plans' queries when none of theirs did."""
    ids = sorted(set(customer_ids))
    fields = None if fields is None else set(fields)
    changed = derive.derive(settings, ids, now=now)
    if fields is not None and not (fields & PLAYBOOK_FIELDS or changed):
        return {name: len(found) for name, found in changed.items()}
    counts = playbook.evaluate(ids, actor=actor)
    if fields is None or "owner" in fields:
        counts["moved"] = playbook.follow_owners(ids, actor=actor)
    return {**{name: len(found) for name, found in changed.items()}, **counts}
