"""What the back-office tells its extensions (the sheet sync): blinker signals, as Flask's own are.

Each is sent with the app as sender. A receiver that handles a request returns a true value, so
the sender can tell "done" from "nobody is listening" (no extension installed).
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Records were created, changed or archived in the panel. Keyword: `source` ("panel").
records_changed = _signals.signal("records-changed")

#: A person asked for a sync cycle now. Keyword: `trigger` ("manual").
cycle_requested = _signals.signal("cycle-requested")

#: A person resolved a logged conflict. Keywords: `conflict`, `take` ("sheet" or "database"), `user`.
conflict_resolved = _signals.signal("conflict-resolved")


def handled(results: list[tuple[object, object]]) -> bool:
    """Whether any receiver of a `send` answered (blinker returns (receiver, value) pairs)."""
    return any(value for _receiver, value in results)
