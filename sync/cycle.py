"""One sync cycle: read the sheet and the database, merge, write the sheet, then commit the database and base."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from operator import itemgetter
from types import SimpleNamespace
from typing import Any

from backoffice import clock
from backoffice.care import derive as care_derive
from backoffice.db import db
from backoffice.i18n import _, speaking
from backoffice.models import SyncRun, utcnow

from . import (
    completions,
    credit_codes,
    display,
    followup,
    formulas,
    gateway,
    journal,
    lease,
    narrow,
    placing,
    records,
    tickets,
    watch,
)
from . import marks as sync_marks
from . import tabs as sheet_tabs
from .columns import (
    CUSTOMERS,
    ID,
    PLANS,
    TABLES,
    TICKETS,
    Table,
    make_cleaner,
    raw_text,
)
from .formulas import formula_fields
from .merge import MergeRules, Plan, SheetRow, TabInput, merge
from .scope import Scope
from .sheets import SheetError
from .snapshot import LAST_TOUCH, TOUCHES

log = logging.getLogger(__name__)


class Stopped(Exception):
    """The mass-archive guard held the cycle: nothing was written."""


@dataclass
class Outcome:
    plans: list[Plan] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    journal: str | None = None  # how the cycle found the sheet's edit journal (SyncRun.journal)


def run_cycle(settings: dict, trigger: str = "schedule", scope: Scope | None = None) -> SyncRun:
    """Run one cycle under the lease and record it as a SyncRun (skipped if another is running).

    `scope` narrows it to one registered sheet (sync/scope.py); without it, the settings' everyone-sheet.
    """
    sheet = settings["sheet"]
    scope = scope or Scope()
    run = SyncRun.create(trigger=trigger, status="running", sheet=scope.sheet_id)
    holder = lease.new_holder()
    if not lease.acquire(lease.SYNC, holder, sheet["lock_ttl_seconds"]):
        return _finish(run, "skipped", error="another sync cycle was running")
    connection = gateway.settings_for(sheet)
    spreadsheet = None
    calls_before = 0
    try:
        spreadsheet = gateway.open_cached(connection)
        calls_before = gateway.api_calls(spreadsheet)
        with speaking(sheet["language"]):  # statuses and refusals in the sheet's own language
            outcome = _cycle(settings, spreadsheet, holder, run, scope)
    except Stopped as exc:
        return _finish(run, "stopped", error=str(exc), spreadsheet=spreadsheet, calls_before=calls_before)
    except SheetError as exc:
        gateway.forget(connection)
        return _finish(run, "failed", error=f"the sheet could not be reached: {exc.message}",
                       spreadsheet=spreadsheet, calls_before=calls_before)
    except Exception as exc:
        log.exception("sync cycle failed")
        return _finish(run, "failed", error=f"{type(exc).__name__}: {exc}", spreadsheet=spreadsheet,
                       calls_before=calls_before)
    finally:
        lease.release(lease.SYNC, holder)
    status = "failed" if outcome.problems else "ok"
    return _finish(run, status, error="\n".join(outcome.problems) or None, spreadsheet=spreadsheet,
                   calls_before=calls_before, outcome=outcome)


def _finish(run: SyncRun, status: str, error: str | None = None, spreadsheet: Any = None,
            calls_before: int = 0, outcome: Outcome | None = None) -> SyncRun:
    run.status, run.error, run.finished_at = status, error, utcnow()
    if spreadsheet is not None:
        run.api_calls = gateway.api_calls(spreadsheet) - calls_before
    if outcome is not None:
        run.rows_read = sum(p.rows_read for p in outcome.plans)
        run.rejected = sum(p.rejected for p in outcome.plans)
        run.conflicts = sum(len(p.conflicts) for p in outcome.plans)
        run.created = outcome.counts.get("created", 0)
        run.archived = outcome.counts.get("archived", 0)
        run.updated = sum(p.updated for p in outcome.plans)
        run.journal = outcome.journal
    with db.atomic():
        run.save()
    return run


def _blank(cells) -> bool:
    return not any((c if c.__class__ is str else raw_text(c)).strip() for c in cells)


def _tab_input(table: Table, tab: gateway.TabValues, columns: dict[str, int], snapshot_side,
               language: str = "en", formulas: set[tuple[int, int]] = frozenset()) -> TabInput:
    rows, free = [], []
    names = list(columns)
    worded = [(n, table.column(n)) for n in names if table.column(n).kind in display.SHOWN
              or (language != "en" and (table.column(n).domain or n == "sync_status"))]
    pick = itemgetter(*columns.values())  # header_map refused the tab unless every column is there
    width = max(columns.values()) + 1
    for number, cells in enumerate(tab.values[1:], start=2):
        if _blank(cells):
            free.append(number)
            continue
        if len(cells) < width:  # trailing blank cells are not sent
            cells = cells + [""] * (width - len(cells))
        values = pick(cells)
        if _blank(values):
            continue  # only the staff's own columns are filled: not a record
        row = dict(zip(names, values, strict=True))
        for name, column in worded:  # the sheet's forms as the merge's keys: 成交客户 is "deal"
            row[name] = display.from_sheet(column, row[name], language)
        rows.append(SheetRow(number, row, formula_fields(formulas, number, columns) if formulas else frozenset()))
    return TabInput(table, rows, free, len(tab.values) + 1, snapshot_side.database,
                    snapshot_side.archived, snapshot_side.base, snapshot_side.open_conflicts)


def _derive_customer(settings: dict, now):
    """The customer's derived fields exactly as care.derive will store them after this cycle's
    commit, so they reach the sheet in this cycle's write (a second cycle then writes nothing)."""
    def derive(values: dict[str, str], changed: set[str]) -> dict[str, str]:
        last = values.get(LAST_TOUCH)
        created = values.get("created_at")
        customer = SimpleNamespace(
            tier_override=values.get("tier_override") or None,
            annual_purchase=Decimal(values.get("annual_purchase") or "0"),
            churn_risk=values.get("churn_risk") or "low", stage=values.get("stage") or "",
            created_at=dt.datetime.fromisoformat(created) if created else now)  # new: made now
        return care_derive.derived_values(customer, int(values.get(TOUCHES) or 0),
                                          dt.datetime.fromisoformat(last) if last else None, settings, now)
    return derive


def _minter(table: Table, taken: set[str]):
    def mint() -> str:
        while True:
            ref = table.new_ref()  # a ticket row takes the next ticket number
            if ref not in taken:
                taken.add(ref)
                return ref
    return mint


def _guard(settings: dict, plan: Plan, side) -> str | None:
    """Why this plan's archives must wait for an admin, or None."""
    total = sum(1 for ref in side.base if ref in side.database)
    count = len(plan.archives)
    sheet = settings["sheet"]
    if count and (count > sheet["archive_guard_share"] * total or count > sheet["archive_guard_count"]):
        share = int(sheet["archive_guard_share"] * 100)
        return (f"{count} of {total} {plan.table.noun}s are missing from the sheet (more than {share}% "
                f"or {sheet['archive_guard_count']}); nothing was archived. Put the rows back, or "
                "confirm the archive in the panel.")
    return None


def _confirmed(run: SyncRun) -> bool:
    same_sheet = SyncRun.sheet.is_null() if run.sheet_id is None else SyncRun.sheet == run.sheet_id
    previous = (SyncRun.select().where(SyncRun.id != run.id, same_sheet,
                                       SyncRun.status.not_in(["skipped", "running"]))
                .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).first())
    return previous is not None and previous.status == "confirmed"


def _typed_formulas(spreadsheet, snapshot, tabs, tab_names, column_maps) -> dict[str, set[tuple[int, int]]]:
    """The cells that read as the panel's `=` text but hold a typed formula (sync/formulas.py)."""
    cells = {}
    for table in TABLES:
        if table.key in column_maps:
            title, side = tab_names[table.key], snapshot.sides[table.key]
            found = formulas.ambiguous(table, enumerate(tabs[title].values[1:], start=2),
                                       column_maps[table.key], side.database, side.base)
            if found:
                cells[title] = found
    return gateway.formula_cells(spreadsheet, cells)


def _cycle(settings: dict, spreadsheet, holder: str, run: SyncRun, scope: Scope | None = None) -> Outcome:
    scope = scope or Scope()
    sheet = settings["sheet"]
    outcome = Outcome()
    # The database first, the sheet second: Sheets has no conditional write, so a cell typed
    # between our read and our write is overwritten; reading the sheet last keeps that window
    # to the merge alone. A record saved in the panel meanwhile is caught by its updated_at.
    # The edit journal rides in the tabs' one batched read when it is there (sync/journal.py).
    looked = watch.look(spreadsheet, settings, scope)
    if looked.quiet:
        outcome.journal = "quiet"  # no journaled edit, no change in the database: nothing more to read
        return outcome
    before = watch.begin(spreadsheet, settings, scope)
    if looked.seen is not None:
        before = looked.mark  # taken before the records changed since are read by their stamp
    read_journal = journal.wanted(spreadsheet, sheet.get("full_read_minutes", 10))
    now = clock.now()  # one instant for the derived fields here and in the commit's care follow-up
    region = settings["phone"]["default_region"]
    # A few rows changed: only those records are loaded and their rows read (sync/narrow.py); else all.
    named = narrow.named(looked) if looked.seen is not None else None
    only = named if named is not None and sum(map(len, named.values())) <= narrow.MAX_LOADED else None
    snapshot = scope.load(region, now, only=only)
    narrowed = narrow.read(spreadsheet, looked, snapshot, scope, named) if named is not None else None
    if narrowed is None and only is not None:
        only = None
        snapshot = scope.load(region, now)  # the full read merges every record
    if narrowed is not None:
        tab_names, tabs = dict(narrowed.names), dict(narrowed.tabs)
        tabs[journal.TAB] = gateway.TabValues(journal.TAB, looked.journal, len(looked.journal), 7)
    else:
        tab_names, tabs = sheet_tabs.read(spreadsheet, sheet)  # titles in the sheet's language, or its old ones
    lines, journaled = journal.take(spreadsheet, tabs, read_journal)
    taken = {ref for side in snapshot.sides.values() for ref in (*side.ids, *side.base)}
    column_maps: dict[str, dict[str, int]] = {}
    customers_now = {ref: v["name"] for ref, v in snapshot.sides[CUSTOMERS.key].database.items()}
    for table in TABLES:
        title = tab_names[table.key]
        tab = tabs.get(title)
        if tab is None:
            outcome.problems.append(f"{title}: " + _("the tab is missing; nothing in it was synced. "
                                                     "Run `backoffice sheet init` to recreate it."))
            continue
        columns, problems = scope.header_map(table, tab.values[0] if tab.values else [])
        if problems:
            outcome.problems.append(f"{title}: " + "; ".join(problems) + ". "
                                    + _("Nothing in this tab was synced; fix the header row."))
            continue
        column_maps[table.key] = columns
    # Journaled edits the previous cycle's write went over go back into the read (sync/journal.py).
    previous = journal.last_write(settings, scope.sheet_id)
    reapplied = journal.reapply(lines, tabs, column_maps, {t: k for k, t in tab_names.items()}, previous)
    typed = _typed_formulas(spreadsheet, snapshot, tabs, tab_names, column_maps)
    # Plans marked done in the sheet are committed before anything is written (sync/completions.py);
    # then both tabs merge the database as it now is: moved plans, customers' new closeness.
    done, applied = completions.take(tabs.get(tab_names[PLANS.key]), column_maps.get(PLANS.key),
                                     snapshot, settings, now, person=scope.person, actor=scope.actor)
    if applied:
        snapshot = scope.load(region, now, only=only)
    follow = None
    inputs = {}
    for table in TABLES:
        if table.key not in column_maps:
            continue
        title, columns = tab_names[table.key], column_maps[table.key]
        tab = tabs[title]
        side = snapshot.sides[table.key]
        derive = _derive_customer(settings, now) if table is CUSTOMERS else tickets.derive(customers_now) \
            if table is TICKETS else (
            lambda values, changed: {"customer_name": customers_now.get(values.get("customer_ref", ""),
                                                                        values.get("customer_name", ""))})
        merge_rules = MergeRules(clean=make_cleaner(table, snapshot.ctx), derive=derive,
                                 mint=_minter(table, taken), policy=sheet["conflict_policy"],
                                 customers=customers_now if table is not CUSTOMERS else None,
                                 check=tickets.refusals if table is TICKETS
                                 else credit_codes.refusals() if table is CUSTOMERS else None)
        tab_input = _tab_input(table, tab, columns, side, sheet["language"], typed.get(title, set()))
        if narrowed is not None:
            tab_input = narrow.narrow(tab_input, narrowed.refs[table.key], narrowed.lengths[title])
        tab_input.base = journal.with_bases(tab_input.base, reapplied.bases.get(title))
        if table is PLANS and outcome.plans and outcome.plans[0].table is CUSTOMERS:
            # The commit's care follow-up, worked out now: its plans go in this cycle's write.
            follow = followup.predict(outcome.plans[0], snapshot.sides[CUSTOMERS.key].database, tab_input,
                                      set(side.ids), customers_now, followup.people, now, merge_rules.mint)
            tab_input = followup.shown_to_the_merge(tab_input, follow)
        if table is PLANS:
            tab_input.row_notes = completions.notes(done, side)
            tab_input = completions.defer_moves(tab_input, done)
        tab_input = scope.before_merge(tab_input)  # a registered sheet's view of its rows
        plan = scope.after_merge(merge(tab_input, merge_rules), tab_input)
        inputs[table.key] = tab_input
        if table is CUSTOMERS:  # the plans tab may name customers created or renamed just now
            for ref in plan.archives:
                customers_now.pop(ref, None)
            for ref, values in [*plan.updates.items(), *plan.creates.items()]:
                if "name" in values:
                    customers_now[ref] = values["name"]
        reason = _guard(settings, plan, side)
        if reason and not _confirmed(run):
            raise Stopped(f"{title}: {reason}")
        outcome.plans.append(plan)
    notes = [(p.table.key, c) for p in outcome.plans for c in p.conflicts]
    records.log_conflicts(notes, run.id)
    if not lease.held(lease.SYNC, holder):
        raise RuntimeError("the sync lease expired mid-cycle; nothing was written")
    refs = journal.row_refs(outcome.plans, inputs, tab_names)
    cells = {}
    for plan in outcome.plans:
        columns = column_maps[plan.table.key]
        rows: dict[int, dict[int, Any]] = {}
        for (number, name), text in plan.cells.items():
            row = rows.get(number)
            if row is None:
                row = rows[number] = {}
            column = plan.table.column(name)
            row[columns[name]] = display.to_sheet(column, text, sheet["language"])
        plan.cells.clear()  # a first push holds every cell twice otherwise
        if rows:
            cells[tab_names[plan.table.key]] = rows
    # Placed by ID: rows a person moved since the read are found again; those gone wait (sync/placing.py).
    titles_of = {tab_names[p.table.key]: p for p in outcome.plans if p.marks or tab_names[p.table.key] in cells}
    placed, left = placing.place(
        spreadsheet, cells, refs, {t: narrowed.ids[t] if narrowed is not None
                                   else placing.read_ids(tabs[t].values, column_maps[p.table.key][ID])
                                   for t, p in titles_of.items()},
        {t: column_maps[p.table.key][ID] for t, p in titles_of.items()},
        {t: set(p.marks) for t, p in titles_of.items()},
        {t: tabs[t].values for t in titles_of} if narrowed is None else None)
    for title, plan in titles_of.items():
        placing.renumber_marks(plan, placed.get(title))
    placing.leave(outcome.plans, left, follow)
    marks = {tab_names[p.table.key]: partial(sync_marks.requests, columns=column_maps[p.table.key], marks=p.marks)
             for p in outcome.plans if p.marks}  # only rows whose status changed: a quiet cycle has none
    formats = {tab_names[p.table.key]: display.column_formats(p.table, column_maps[p.table.key])
               for p in outcome.plans}
    if journaled:
        marks[journal.TAB] = journal.trim(journaled)  # the lines this cycle read, in its layout call
    fields = {tab_names[k]: {c: n for n, c in m.items()} for k, m in column_maps.items()}
    bases = {tab_names[k]: side.base for k, side in snapshot.sides.items() if k in tab_names}
    journal.keep_write(settings, scope.sheet_id, journal.written_cells(cells, refs, fields, bases), previous)
    gateway.write_cells(spreadsheet, {t.title: t for t in tabs.values() if t is not None}, cells, marks, formats)
    editors = journal.editor_actors(reapplied.editors, snapshot.users)
    outcome.counts = records.apply(snapshot, outcome.plans, settings, now, follow, actor=scope.actor,
                                   store_base=None if scope.sheet_id is None else scope.store_base,
                                   editors=editors)
    outcome.counts["left"] = len(left)  # rows moved away meanwhile: the next cycle's
    quiet = not (cells or marks or applied or left or outcome.problems or any(
        p.creates or p.updates or p.archives or p.conflicts for p in outcome.plans))
    heads = {title: tab.values[0] if tab.values else [] for title, tab in tabs.items() if tab is not None}
    lengths = {title: max(len(tab.values), max(cells.get(title) or [0])) for title, tab in tabs.items()
               if tab is not None}
    grids = {title: tab.grid_rows for title, tab in tabs.items() if tab is not None}
    if narrowed is not None:  # kept unless something is left for the full read, or the tab grew
        quiet = not (left or outcome.problems or any(lengths[t] > grids[t] for t in cells))
    outcome.journal = watch.remember(spreadsheet, settings, scope, before, heads, quiet,
                                     watch.missed_edits(outcome.plans, lines), bool(lines), tab_names, lengths,
                                     looked.seen if narrowed is not None else None, grids)
    return outcome
