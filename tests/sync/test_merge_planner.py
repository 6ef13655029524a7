"""The merge planner alone, in the manner of CanopyCheck: generated base/sheet/database triples, no I/O.

Each example is one tab as a cycle would see it: what both sides agreed on (the base), the
database's working and archived records, and the sheet's rows as people left them (edited,
invalid, blank, pasted twice, new). The merge's plan is then applied to all three, as the cycle
would, and three things must hold:

- a second merge plans nothing (no create, update, archive, cell, mark, conflict or base change);
- no edit is lost: each sheet or database change reaches the other side, or the conflict log,
  or (an invalid cell) stays in its cell with the status saying why;
- the quiet-row shortcut never changes the plan: the full merge of every row plans the same.

Hypothesis shrinks a failing example to a few rows and fields.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice import rules
from backoffice.models.base import REF_ALPHABET
from sync import merge as merge_module
from sync.columns import CUSTOMERS, ID, STATUS, cell_shows, make_cleaner, raw_text
from sync.merge import MergeRules, SheetRow, TabInput, merge

FIELDS = ("name", "region", "employees", "annual_purchase", "stage", "tier")
TABLE = dataclasses.replace(
    CUSTOMERS, columns=tuple(c for c in CUSTOMERS.columns if c.field in FIELDS),
    empty_means={"annual_purchase": "0.00"}, create_defaults={"stage": "potential"})
EDITABLE = tuple(c.field for c in TABLE.columns if not c.read_only)
REFS = ("CU-AAAAAAAA", "CU-BBBBBBBB", "CU-CCCCCCCC")
CLEAN = make_cleaner(TABLE, rules.Context())

# Stored texts (what the database and the base hold) and what people type into the cells.
STORED = {
    "name": ["Acme", "Globex"],
    "region": ["", "East", "North"],
    "employees": ["", "12", "40"],
    "annual_purchase": ["0.00", "600000.00", "1500000.00"],
    "stage": list(rules.STAGES),
}
TYPED = {
    "name": ["Acme", "Globex", "Initech", " Acme ", "", "=HYPERLINK(1)"],
    "region": ["", "East", "South", "0042", 42],
    "employees": ["", "12", 12, 40.0, "1,234", "many", -3],
    "annual_purchase": ["", "0", 600000, 1500000.0, "1,234.50", "lots", "-5"],
    "stage": ["deal", "Intent", "LOST", "potential", "bogus", ""],
    "tier": ["", "strategic", "key", "ordinary", "gold"],
}
STATUSES = ["", "ok", "ok - an earlier notice", 'stage: "x" is not one of: potential - not saved']


def _tier(values: dict[str, str]) -> dict[str, str]:
    return {"tier": rules.tier_for(Decimal(values.get("annual_purchase") or "0"))}


def _rules() -> MergeRules:
    made = count()

    def mint() -> str:  # deterministic, so that two merges of one input can be compared
        n = next(made)
        return "CU-ZZ" + "".join(REF_ALPHABET[(n >> (5 * i)) & 31] for i in range(6))
    return MergeRules(clean=CLEAN, derive=lambda values, changed: _tier(values), mint=mint)


@st.composite
def stored_record(draw) -> dict[str, str]:
    values = {name: draw(st.sampled_from(options)) for name, options in STORED.items()}
    return {**values, **_tier(values)}


@st.composite
def tabs(draw) -> TabInput:
    base, database, archived, rows = {}, {}, set(), []
    number = count(2)
    for ref in REFS:
        agreed = draw(stored_record())
        if draw(st.booleans()):
            base[ref] = dict(agreed)
        where = draw(st.sampled_from(["working", "working", "edited", "archived", "gone"]))
        if where in ("working", "edited"):
            record = dict(agreed)
            if where == "edited":
                record.update({name: draw(st.sampled_from(STORED[name]))
                               for name in draw(st.sets(st.sampled_from(tuple(STORED)), max_size=3))})
                record.update(_tier(record))
            database[ref] = record
        elif where == "archived":
            archived.add(ref)
        for _copy in range(draw(st.sampled_from([0, 1, 1, 1, 2]))):  # no row, its row, a pasted copy
            cells = {ID: ref, **agreed}
            for name in draw(st.sets(st.sampled_from(FIELDS), max_size=3)):
                cells[name] = draw(st.sampled_from(TYPED[name]))
            cells[STATUS] = draw(st.sampled_from(STATUSES))
            rows.append(SheetRow(next(number), cells))
    for _new in range(draw(st.integers(0, 2))):  # rows typed in by people, without an ID yet
        cells = {name: draw(st.sampled_from(TYPED[name])) for name in FIELDS}
        rows.append(SheetRow(next(number), {ID: "", **cells, STATUS: ""}))
    rows = [row for row in rows if _used(row.values)]
    draw(st.randoms()).shuffle(rows)  # row order carries no meaning
    next_row = max((row.number for row in rows), default=1) + 1
    free = [n for n in range(2, next_row) if n not in {row.number for row in rows}]
    return TabInput(TABLE, rows, free, next_row, database, archived, base)


def _used(values: dict) -> bool:
    return any(raw_text(values.get(column.field)) != "" for column in TABLE.all_columns)


def _apply(tab: TabInput, plan) -> TabInput:
    """The tab after the cycle carried the plan out: cells written, records saved, base stored."""
    cells = {row.number: dict(row.values) for row in tab.rows}
    for (number, name), text in plan.cells.items():
        cells.setdefault(number, {})[name] = text
    rows = [SheetRow(n, values) for n, values in sorted(cells.items()) if _used(values)]
    used = {row.number for row in rows}
    next_row = max([tab.next_row - 1, *used]) + 1
    database = {ref: dict(values) for ref, values in tab.database.items()}
    for ref, changes in plan.updates.items():
        database[ref].update(changes)
    for ref, values in plan.creates.items():
        database[ref] = dict(values)
    archived = set(tab.archived)
    for ref in plan.archives:
        database.pop(ref)
        archived.add(ref)
    base = {ref: dict(values) for ref, values in tab.base.items()}
    for ref, values in plan.base.items():
        if values is None:
            base.pop(ref, None)
        else:
            base[ref] = dict(values)
    open_conflicts = {ref: set(found) for ref, found in tab.open_conflicts.items()}
    for conflict in plan.conflicts:  # logged, and open until an admin resolves them
        open_conflicts.setdefault(conflict.ref, set()).add((conflict.field, conflict.kept))
    return TabInput(TABLE, rows, [n for n in range(2, next_row) if n not in used], next_row,
                    database, archived, base, open_conflicts)


def _nothing(plan) -> dict:
    """What a plan would still do; empty for a cycle that finds both sides converged."""
    found = {"creates": plan.creates, "updates": plan.updates, "archives": plan.archives,
             "cells": plan.cells, "marks": plan.marks, "conflicts": plan.conflicts, "base": plan.base}
    return {name: value for name, value in found.items() if value}


def _own_rows(tab: TabInput) -> dict[str, SheetRow]:
    """The row that is each record's own (not a pasted copy the merge flags)."""
    from sync import copies
    chosen = copies.record_rows(TABLE, tab.rows)
    return {ref: next(r for r in tab.rows if r.number == number) for ref, number in chosen.items()}


def _cleaned(name: str, raw) -> str:
    text = CLEAN(name, raw)
    return TABLE.empty_means.get(name, "") if text == "" else text


CHECKS = settings(max_examples=300, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow])


@CHECKS
@given(tabs())
def test_a_second_merge_after_the_first_plan_plans_nothing(tab):
    first = merge(tab, _rules())
    after = _apply(tab, first)
    second = merge(after, _rules())
    assert _nothing(second) == {}
    assert _nothing(merge(_apply(after, second), _rules())) == {}


@CHECKS
@given(tabs())
def test_no_edit_is_lost(tab):
    plan = merge(tab, _rules())
    after = _apply(tab, plan)
    rows_after = {row.number: row.values for row in after.rows}
    logged = {(c.ref, c.field): c for c in plan.conflicts}
    for ref, row in _own_rows(tab).items():
        base, database = tab.base.get(ref), tab.database.get(ref)
        if base is None or database is None or row.values.get(STATUS, "").find(ref) >= 0:
            continue  # new on one side, archived, gone, or a flagged copy: other tests' business
        final = after.database[ref] if ref in after.database else None
        shown = rows_after.get(row.number, {})
        for name in EDITABLE:
            column = TABLE.column(name)
            raw, agreed, panel = row.values.get(name), base[name], database[name]
            typed = raw_text(raw) != agreed and not cell_shows(column, raw, agreed)
            if typed:
                try:
                    sheet = _cleaned(name, raw)
                except rules.RuleError as exc:  # refused: the text stays, the status says why
                    assert raw_text(shown.get(name)) == raw_text(raw), (ref, name)
                    assert str(exc) in raw_text(shown.get(STATUS)), (ref, name, shown.get(STATUS))
                    continue
                if sheet != agreed:
                    assert (final is not None and final[name] == sheet) or (
                        (ref, name) in logged and logged[(ref, name)].sheet == sheet), (ref, name, sheet)
            if panel != agreed:  # a change made in the panel reaches the cell, or the log
                assert cell_shows(column, shown.get(name), final[name]) and (
                    final[name] == panel or (ref, name) in logged), (ref, name, panel)


@CHECKS
@given(tab=tabs())
def test_the_quiet_row_shortcut_plans_what_the_full_merge_plans(tab, monkeypatch_module):
    quick = merge(tab, _rules())
    with monkeypatch_module.context() as patch:
        patch.setattr(merge_module.QuietRows, "__call__", lambda self, *args: False)
        full = merge(tab, _rules())
    assert quick == full


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


# -- what the generated triples found, kept as plain examples ---------------------------------

def _record(**values) -> dict[str, str]:
    record = {"name": "Acme", "region": "", "employees": "", "annual_purchase": "0.00", "stage": "potential"}
    record.update(values)
    return {**record, **_tier(record)}


def _converges(tab: TabInput):
    first = merge(tab, _rules())
    second = merge(_apply(tab, first), _rules())
    assert _nothing(second) == {}
    return first


def test_a_refusal_beside_a_reverted_tier_edit_is_not_rewritten_by_the_next_cycle():
    row = SheetRow(2, {ID: "", **_record(employees="many"), "tier": "strategic", STATUS: ""})
    first = _converges(TabInput(TABLE, [row], [], 3, {}, set(), {}))
    status = first.cells[(2, STATUS)]
    assert "not a whole number" in status and "worked out by the system" in status


def test_a_conflict_note_beside_a_reverted_tier_edit_is_not_rewritten_by_the_next_cycle():
    ref = REFS[0]
    row = SheetRow(2, {ID: ref, **_record(), STATUS: ""})  # no base: both sides count as changed
    first = _converges(TabInput(TABLE, [row], [], 3, {ref: _record(annual_purchase="600000.00")}, set(), {}))
    assert [c.field for c in first.conflicts] == ["annual_purchase"]
    assert "worked out by the system" in first.cells[(2, STATUS)]


def test_a_pasted_copy_of_a_record_archived_in_the_panel_leaves_the_sheet_with_it():
    ref = REFS[2]
    rows = [SheetRow(2, {ID: ref, **_record(), STATUS: ""}), SheetRow(3, {ID: ref, **_record(), STATUS: ""})]
    first = _converges(TabInput(TABLE, rows, [], 4, {}, {ref}, {ref: _record()}))
    assert {first.cells[(n, ID)] for n in (2, 3)} == {""} and first.base == {ref: None}
