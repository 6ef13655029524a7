"""Writes placed by ID: a sort made while a cycle runs moves none of its writes onto another row.

Sheets has no conditional write, and a write names rows by number. So just before writing, the
cycle reads the written tabs' ID column again (one small values.batchGet) and finds each written
row by its record's ID. When the column is as the cycle read it (nearly always), nothing moves.
When it changed (a person sorted, inserted or deleted rows meanwhile):

- a row whose ID was read once and is on exactly one row now is written there;
- a row whose ID is gone, or is on several rows (a pasted copy), is left for the next cycle;
- a row that had no ID when read (a new row typed in the sheet, a blank row taking a panel
  record) cannot be found by ID: it is left for the next cycle too.

A record left for the next cycle is taken out of this cycle's commit (`leave`): not created,
not updated, its base not stored, so the next cycle merges it again from what it then reads.
Its conflicts were logged already; logging one again is skipped (records.log_conflicts).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import gateway
from .columns import CUSTOMERS, raw_text
from .followup import FollowUp
from .merge import Plan

Cells = dict[str, dict[int, dict[int, Any]]]  # tab -> row number -> column index -> value


def _ids(column: Iterable[Any]) -> dict[int, str]:
    """{row number: ID} of a column read from row 1 (the header's row left out)."""
    out = {}
    for number, cell in enumerate(column, start=1):
        text = raw_text(cell).strip() if cell is not None else ""
        if number > 1 and text:
            out[number] = text
    return out


def read_ids(tab_values: list[list[Any]], col: int) -> dict[int, str]:
    """{row number: ID} as the cycle's read gave the tab."""
    return _ids(cells[col] if col < len(cells) else "" for cells in tab_values)


def moves(before: dict[int, str], now: dict[int, str], rows: Iterable[int],
          refs: dict[int, str]) -> tuple[dict[int, int], set[str]]:
    """Where each written row is now ({row as read: row now}) and the IDs of the rows left behind.

    `refs` names the record each written row is for (its read ID, or the ID the write gives it).
    """
    if before == now:
        return {number: number for number in rows}, set()
    where: dict[str, list[int]] = {}
    for number, ref in now.items():
        where.setdefault(ref, []).append(number)
    read_count: dict[str, int] = {}
    for ref in before.values():
        read_count[ref] = read_count.get(ref, 0) + 1
    placed, left = {}, set()
    for number in rows:
        ref = before.get(number)
        found = where.get(ref, []) if ref else []
        if ref and len(found) == 1 and read_count[ref] == 1:
            placed[number] = found[0]
        elif refs.get(number):
            left.add(refs[number])
    return placed, left


def _unmoved(placed: dict[int, int], left: set[str], refs: dict[int, str], as_read: dict[int, list[Any]],
             now: dict[int, list[Any]]) -> None:
    """Rows that had no ID when read stay placed only if they still hold what was read: a sort
    that moves only rows without an ID leaves the ID column as it was (a typed row and a blank row
    swapped), and a minted ID written by row number would land on the other row."""
    for number, row in as_read.items():
        if number in placed and gateway.trimmed(row) != now.get(number, []):
            del placed[number]
            if refs.get(number):
                left.add(refs[number])


def place(spreadsheet, cells: Cells, refs: dict[str, dict[int, str]], read: dict[str, dict[int, str]],
          id_columns: dict[str, int], marked: dict[str, set[int]],
          values: dict[str, list[list[Any]]] | None = None) -> tuple[dict[str, dict[int, int]], set[str]]:
    """Re-read the ID column of every tab written (cells, or `marked` rows' marks) and move its rows
    where their IDs are now.

    `values` ({tab: rows as read from row 1}, a full read's) lets the same request re-read the
    written rows that had no ID, which stay where they are only if they still hold what was read.
    `cells` and `refs` ({tab: {row: ref}}) are renumbered in place; returns {tab: {row as read:
    row now}} for every row kept, and the IDs of the rows left for the next cycle.
    """
    titles = {t for t, rows in cells.items() if rows} | {t for t, rows in marked.items() if rows}
    written = {title: id_columns[title] for title in sorted(titles)}
    no_id: dict[str, dict[int, list[Any]]] = {}
    for title in written:
        tab = (values or {}).get(title)
        if tab is None:
            continue
        found = read.get(title, {})
        no_id[title] = {n: tab[n - 1] for n in set(cells.get(title, {})) | marked.get(title, set())
                        if n not in found and 1 < n <= len(tab)}
    columns, rows_now = gateway.read_columns_and_rows(spreadsheet, written,
                                                      {t: list(rows) for t, rows in no_id.items()})
    now = {title: _ids(column) for title, column in columns.items()}
    placed_all, left_all = {}, set()
    for title in written:
        rows = cells.get(title, {})
        placed, left = moves(read.get(title, {}), now[title], set(rows) | marked.get(title, set()),
                             refs.get(title, {}))
        _unmoved(placed, left, refs.get(title, {}), no_id.get(title, {}), rows_now.get(title, {}))
        placed_all[title] = placed
        left_all |= left
        if not left and all(old == new for old, new in placed.items()):
            continue
        if title in cells:
            cells[title] = {placed[n]: row for n, row in rows.items() if n in placed}
        found = refs.get(title, {})
        refs[title] = {placed[n]: ref for n, ref in found.items() if n in placed}
    return placed_all, left_all


def renumber_marks(plan: Plan, placed: dict[int, int] | None) -> None:
    """The plan's cell marks on the rows where their records are now (dropped for rows left behind)."""
    if placed is None or not plan.marks:
        return
    plan.marks = {placed[n]: marks for n, marks in plan.marks.items() if n in placed}


def leave(plans: list[Plan], refs: set[str], follow: FollowUp | None = None) -> None:
    """Take the records left for the next cycle out of this cycle's commit."""
    if not refs:
        return
    dropped_customers = set()
    for plan in plans:
        for ref in refs:
            if plan.table is CUSTOMERS and ref in plan.creates:
                dropped_customers.add(ref)
            plan.creates.pop(ref, None)
            plan.updates.pop(ref, None)
            plan.base.pop(ref, None)
            plan.sheet_updated.discard(ref)
        plan.archives[:] = [r for r in plan.archives if r not in refs]
    for plan in plans:  # a plan or ticket typed for a customer made in the same cycle waits with it
        for ref, values in list(plan.creates.items()):
            if values.get("customer_ref") in dropped_customers:
                del plan.creates[ref]
                plan.base.pop(ref, None)
    if follow is not None:
        for ref, values in list(follow.creates.items()):
            if values.get("customer_ref") in dropped_customers:
                del follow.creates[ref]
                follow.links.pop(ref, None)

