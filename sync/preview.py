"""A dry run: what the first cycle would do to a sheet that already holds data, with nothing written.

It reads the sheet and the database and runs the same merge as a cycle, then counts the plan
instead of applying it: records to create, update and archive, panel records the sheet would
gain, rows refused and why. The care follow-up of a commit (plans made for new customers) is
not part of it: it comes after the first cycle's commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from itertools import count

from backoffice import clock
from backoffice.i18n import speaking

from . import credit_codes, gateway, sheets, tickets
from . import tabs as sheet_tabs
from .columns import CUSTOMERS, ID, STATUS, TABLES, TICKETS, header_map, make_cleaner, raw_text
from .merge import MergeRules, is_problem, merge
from .snapshot import load as load_snapshot

EXAMPLES = 5  # refused rows shown by their status


@dataclass
class TabPreview:
    title: str
    rows: int = 0  # sheet rows holding a record or a would-be record
    create: int = 0  # new records from sheet rows without an ID
    update: int = 0  # records the sheet changes
    archive: int = 0  # records whose row is gone (none on a first sync)
    add_to_sheet: int = 0  # panel records the sheet does not have yet
    refused: int = 0  # rows the status would say something was not saved on
    conflicts: int = 0
    examples: list[tuple[int, str]] = field(default_factory=list)  # (row, status)
    problem: str = ""  # why the tab would not be synced at all


def preview(settings: dict) -> list[TabPreview]:
    """The first cycle's plan per tab, counted. Raises sheets.SheetError when the sheet cannot be read."""
    from .cycle import _derive_customer, _minter, _tab_input  # the cycle's own ways of reading rows

    sheet = settings["sheet"]
    spreadsheet = sheets.open_spreadsheet(gateway.settings_for(sheet))
    try:
        now = clock.now()
        snapshot = load_snapshot(settings["phone"]["default_region"], now)
        names, tabs = sheet_tabs.read(spreadsheet, sheet)
    finally:
        sheets.close(spreadsheet)
    taken = {ref for side in snapshot.sides.values() for ref in (*side.ids, *side.base)}
    customers = {ref: v["name"] for ref, v in snapshot.sides[CUSTOMERS.key].database.items()}
    out = []
    with speaking(sheet["language"]):  # refusals read as the sheet would show them
        for table in TABLES:
            found = TabPreview(names[table.key])
            out.append(found)
            tab = tabs.get(found.title)
            columns, problems = header_map(table, tab.values[0] if tab and tab.values else [])
            if tab is None or problems:
                found.problem = "; ".join(problems) or "missing"
                continue
            side = snapshot.sides[table.key]
            derive = _derive_customer(settings, now) if table is CUSTOMERS else tickets.derive(customers) \
                if table is TICKETS else (
                lambda values, changed: {"customer_name": customers.get(values.get("customer_ref", ""), "")})
            # A dry run takes no ticket number: new tickets are counted under stand-in numbers.
            mint = partial(next, (f"TK-0000-{n:06d}" for n in count(1))) if table is TICKETS \
                else _minter(table, taken)
            rules = MergeRules(clean=make_cleaner(table, snapshot.ctx), derive=derive, mint=mint,
                               policy=sheet["conflict_policy"], customers=customers if table is not CUSTOMERS else None,
                               check=tickets.refusals if table is TICKETS
                               else credit_codes.refusals() if table is CUSTOMERS else None)
            tab_input = _tab_input(table, tab, columns, side, sheet["language"])
            plan = merge(tab_input, rules)
            if table is CUSTOMERS:
                customers.update({ref: v.get("name", "") for ref, v in plan.creates.items()})
            on_sheet = {raw_text(row.values.get(ID)).strip() for row in tab_input.rows}
            statuses = sorted((row, text) for (row, name), text in plan.cells.items()
                              if name == STATUS and is_problem(text))
            found.rows, found.create, found.update = len(tab_input.rows), len(plan.creates), len(plan.updates)
            found.archive, found.conflicts, found.refused = len(plan.archives), len(plan.conflicts), plan.rejected
            found.add_to_sheet = sum(1 for ref in side.database if ref not in on_sheet and ref not in side.base)
            found.examples = statuses[:EXAMPLES]
    return out
