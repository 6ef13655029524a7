"""Which row is a record's own when its ID is on several rows (pasted copies): never row order alone.

A pasted copy is flagged on its `Sync status` ("ID: CU-… is also on row N - this row was not
saved"), and that status cell moves with its row when staff sort. So the record's row is the
row that is not flagged: a sort that puts a stale copy first cannot make the copy the record's
row, and its old values never reach the record. Only two unflagged rows with one ID (a paste the
sync has not seen yet) fall back to row order, and those hold the same values.

When every row with the ID is a flagged copy (staff deleted the record's own row), the first
copy becomes the record's row again, but its values are not applied: they may be older than the
record. Each one that differs from the database is kept in the conflict log and the row is
rewritten to show the record (see merge._update).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .columns import ID, OK, STATUS, Table, raw_text


def is_flagged(values: dict[str, Any], ref: str) -> bool:
    """Whether the row's status is the sync's "also on row" flag for `ref` (in any language:
    no other status names the row's own ID)."""
    status = raw_text(values.get(STATUS))
    return bool(ref) and ref in status and not status.startswith(OK)


def record_rows(table: Table, rows: Iterable[Any]) -> dict[str, int]:
    """{ref: the number of the row that is the record's own} for every valid ID on the sheet."""
    chosen: dict[str, tuple[bool, int]] = {}  # ref -> (flagged, row number); unflagged wins
    for row in rows:
        ref = raw_text(row.values.get(ID)).strip()
        if not ref or not table.ref_is_valid(ref):
            continue
        candidate = (is_flagged(row.values, ref), row.number)
        if ref not in chosen or candidate[0] < chosen[ref][0]:
            chosen[ref] = candidate
    return {ref: number for ref, (_flagged, number) in chosen.items()}
