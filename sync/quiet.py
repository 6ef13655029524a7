"""The merge's shortcut for a row nobody touched: sheet, database and base all agree, so nothing is planned.

Most rows of most cycles are like that; the full field-by-field merge of such a row would end
with no update, no cell write, no conflict, no status change and the same base, and this check
holds only when that is so (it is part of the pure merge: plain data in, a yes or no out).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .columns import OK, STATUS, Table, cell_shows, raw_text

Derive = Callable[[dict[str, str], set[str]], dict[str, str]]


class QuietRows:
    """quiet(values, ref, database, base, sheet_updated) for the rows of one tab."""

    def __init__(self, table: Table, derive: Derive, status_limit: int) -> None:
        self.columns = {c.field: c for c in table.columns}
        self.fields = frozenset(table.fields)
        self.derive = derive
        self.status_limit = status_limit

    def __call__(self, values: dict[str, Any], ref: str, database: dict[str, str],
                 base: dict[str, str] | None, sheet_updated: set[str]) -> bool:
        # The base must be exactly the synced fields and equal the database's texts...
        if base is None or base.keys() != self.fields or not base.items() <= database.items():
            return False
        # ...every cell must already show it (a number cell shows "12.50" as 12.5)...
        for name, text in base.items() - values.items():  # usually none, or the number cells
            if not cell_shows(self.columns[name], values.get(name), text):
                return False
        # ...nothing worked out by the system may move (a tier, a renamed customer's label)...
        derived = self.derive(dict(database), set())
        if any(database.get(name, "") != text for name, text in derived.items()):
            return False
        # ...and the status must be one the full merge would leave as it is (a clean row's is
        # empty; an "ok" from before clean rows said nothing is cleared by the full merge).
        status = raw_text(values.get(STATUS))
        return (status == "" or (status.startswith(f"{OK} - ") and ref not in sheet_updated)) \
            and len(status) <= self.status_limit
