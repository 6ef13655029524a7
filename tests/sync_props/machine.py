"""A randomized history of staff, admins, Google faults, crashes and sync cycles, checked as it runs."""
from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import Counter

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from backoffice.care.hooks import customers_changed
from backoffice.db import db
from backoffice.models import Customer, SyncBase
from sync.cycle import run_cycle

from . import checks
from .care_tickets import CareAndTickets
from .crashes import POINTS, Crash, crash_at
from .fields import BAD, HEADERS, INVALID, VALID, Edit, context, meaning, python_value, stored
from .sheet_view import Formula, SheetView, shown
from .world import TIMEOUT

STATS: Counter = Counter()  # summed over every history of the process; the soak prints it
FAULTS = [("429", "values.batchGet"), ("429", "values.batchUpdate"), ("500", "values.batchGet"),
          ("503", "values.batchUpdate"), ("ambiguous_503", "values.batchUpdate"),
          ("ambiguous_drop", "values.batchUpdate"), ("delay", "values.batchGet"),
          ("503", "spreadsheets.batchUpdate")]
FIELDS = sorted(HEADERS)


class SyncMachine(CareAndTickets, RuleBasedStateMachine):
    world = None  # set by machine_for()

    def __init__(self) -> None:
        super().__init__()
        self.latest: dict[tuple[str, str], Edit] = {}  # the newest accepted edit of each field
        self.rejected: dict[tuple[str, str], tuple[str, int]] = {}  # refused cell text, epoch
        self.new_rows: dict[str, tuple] = {}  # name -> (typed meanings, refused cells, epoch)
        self.bad_rows: dict[str, int] = {}  # region token of a row that must not become a record
        self.known: set[str] = set()  # refs the model has seen exist
        self.saved_mid_cycle: set[str] = set()  # records the cycle finds stale: merged next time
        self.raced: list[tuple[str, str, str]] = []  # cells typed between a cycle's read and write
        self.deleted: dict[str, tuple[int, bool]] = {}  # ref -> epoch, whether it had a base
        self.started = 0
        self.faulted = False
        self.hooked = False
        self.lease_stuck = False
        self.count = 0
        self.names = itertools.count(1)
        self.formula_texts: dict[tuple[str, str], set[str]] = {}  # panel texts starting with "="
        self.journal = False  # whether the sheet's script journals people's edits

    # -- helpers ---------------------------------------------------------------------------

    @property
    def w(self):
        return self.world

    def view(self) -> SheetView:
        return SheetView(self.w.grid())

    def working(self) -> list[str]:
        return [c.ref for c in Customer.select(Customer.ref).where(~Customer.archived)
                .order_by(Customer.id) if c.ref in self.known]

    def archived(self) -> list[str]:
        return [c.ref for c in Customer.select(Customer.ref).where(Customer.archived)
                .order_by(Customer.id) if c.ref in self.known]

    def on_sheet(self) -> list[str]:
        view = self.view()
        return [r for r in self.working() if r in view.first and r not in view.copies]

    def forget_sheet_side(self, ref: str) -> None:
        """The row left the sheet: its unsynced sheet edits and refused cells went with it."""
        for key in [k for k, e in self.latest.items() if k[0] == ref and e.side == "sheet"]:
            del self.latest[key]
        for key in [k for k in self.rejected if k[0] == ref]:
            del self.rejected[key]

    def staff_type(self, ref: str, name: str, value, during_cycle: bool = False) -> None:
        view = self.view()
        if ref not in view.first:
            return  # the row went away before a mid-cycle edit could land
        number = view.first[ref]
        self.w.type(number, view.column(HEADERS[name]), value)
        cell = self.view().cell(number, HEADERS[name])
        self.rejected.pop((ref, name), None)
        if during_cycle and Customer.get(Customer.ref == ref).archived:
            # Typed after the cycle read the row of a record the panel archived: the cycle
            # clears that row without having seen the edit (the read-to-write race, see docs/soak.md).
            self.forget_sheet_side(ref)
            return
        if during_cycle:
            self.raced.append((ref, name, shown(cell), self.journal))
        meant = meaning(name, cell, self.ctx)
        if meant is INVALID:
            self.rejected[(ref, name)] = (shown(cell), self.started)
            previous = self.latest.get((ref, name))
            if previous is not None and previous.side == "sheet":
                del self.latest[(ref, name)]  # typed over before it was synced: superseded
        elif meant == self.agreed(ref, name):
            previous = self.latest.get((ref, name))
            if previous is not None and previous.side == "sheet":
                del self.latest[(ref, name)]  # typed back to the agreed value: no edit left
        else:
            self.latest[(ref, name)] = Edit("sheet", meant, self.started)

    def agreed(self, ref: str, name: str) -> str | None:
        """What both sides last agreed on for this field (the sync's base), if anything."""
        base = SyncBase.get_or_none(SyncBase.table == "customer", SyncBase.ref == ref)
        return None if base is None else json.loads(base.data).get(name)

    def admin_save(self, ref: str, changes: dict[str, str]) -> None:
        customer = Customer.get(Customer.ref == ref)
        changes = {n: t for n, t in changes.items() if stored(customer, n) != t}  # a no-op save is no edit
        for name, text in changes.items():
            setattr(customer, name, python_value(name, text))
        tiers = self.settings["tiers"]
        customer.tier = customer.effective_tier(tiers["strategic_from"], tiers["key_from"])
        with self.w.as_admin():
            customer.save()
            customers_changed([customer.id], self.settings)
        for name, text in changes.items():
            self.latest[(ref, name)] = Edit("panel", text, self.started)

    # -- setup -----------------------------------------------------------------------------

    @initialize(policy=st.sampled_from(["database", "sheet"]), seeds=st.integers(1, 4),
                journal=st.sampled_from([True, True, False]))
    def start(self, policy, seeds, journal):
        self.settings = self.w.fresh(policy)
        self.ctx = context()
        self.switch_journal(journal)
        STATS["histories"] += 1
        for _ in range(seeds):
            self.admin_creates(name=f"Seed {next(self.names)}")

    # -- the panel -------------------------------------------------------------------------

    @rule(name=st.builds(lambda n, s: f"Panel {n}{s}", st.integers(0, 99), st.sampled_from(["", " 株式会社", " ☃"])))
    def admin_creates(self, name):
        with self.w.as_admin():
            customer = Customer(name=name, stage="potential")
            customer.save()
            customers_changed([customer.id], self.settings)
        self.known.add(customer.ref)
        self.latest[(customer.ref, "name")] = Edit("panel", name, self.started)
        STATS["admin edits"] += 1

    @precondition(lambda self: self.working())
    @rule(data=st.data())
    def admin_updates(self, data):
        ref = data.draw(st.sampled_from(self.working()), label="ref")
        name = data.draw(st.sampled_from(FIELDS), label="field")
        text = meaning(name, data.draw(VALID[name], label="value"), self.ctx)
        if text is INVALID:
            return  # the form would refuse it
        self.admin_save(ref, {name: text})
        STATS["admin edits"] += 1

    @precondition(lambda self: len(self.working()) >= 2)
    @rule(data=st.data(), stage=st.sampled_from(["deal", "lost", "intent"]))
    def admin_bulk_moves_stage(self, data, stage):
        refs = data.draw(st.lists(st.sampled_from(self.working()), min_size=1, max_size=3, unique=True))
        for ref in refs:
            if Customer.get(Customer.ref == ref).stage != stage:
                self.admin_save(ref, {"stage": stage})
        STATS["admin edits"] += 1

    @precondition(lambda self: len(self.working()) >= 3)  # keep enough records for the staff
    @rule(data=st.data())
    def admin_archives(self, data):
        ref = data.draw(st.sampled_from(self.working()), label="ref")
        with self.w.as_admin():
            Customer.get(Customer.ref == ref).archive()
        STATS["admin archives"] += 1

    @precondition(lambda self: self.archived())
    @rule(data=st.data())
    def admin_restores(self, data):
        ref = data.draw(st.sampled_from(self.archived()), label="ref")
        with self.w.as_admin():
            Customer.get(Customer.ref == ref).restore()
        self.deleted.pop(ref, None)
        if ref not in self.view().first:
            self.forget_sheet_side(ref)  # it comes back as a new row with the panel's values
        STATS["admin restores"] += 1

    # -- the staff in the sheet ------------------------------------------------------------

    @precondition(lambda self: self.on_sheet())
    @rule(data=st.data(), valid=st.booleans())
    def staff_types(self, data, valid):
        for _ in range(data.draw(st.integers(1, 4), label="cells")):  # people edit in bursts
            ref = data.draw(st.sampled_from(self.on_sheet()), label="ref")
            name = data.draw(st.sampled_from(FIELDS), label="field")
            value = data.draw((VALID if valid else BAD)[name], label="value")
            self.staff_type(ref, name, value)
            STATS["staff edits"] += 1

    @precondition(lambda self: self.on_sheet())
    @rule(data=st.data(), value=st.sampled_from(["strategic", "key", "nonsense"]))
    def staff_edits_the_derived_tier(self, data, value):
        ref = data.draw(st.sampled_from(self.on_sheet()), label="ref")
        view = self.view()
        self.w.type(view.first[ref], view.column("Tier"), value)
        STATS["staff edits"] += 1

    @rule(extra=st.sampled_from(["region", "email", "phone", "stage"]),
          data=st.data(), suffix=st.sampled_from(["", " ✓", " 有限公司"]))
    def staff_adds_a_row(self, extra, data, suffix):
        view = self.view()
        name = f"New {next(self.names)}{suffix}"
        value = data.draw(VALID[extra], label="value")
        row = [""] * len(view.grid[0])
        row[view.column("Name")] = name
        row[view.column(HEADERS[extra])] = value
        number = len(view.grid) + 1
        self.w.emulator.set_values(self.w.sid, "Customers", f"A{number}", [row])
        typed = self.view()
        meanings = {n: meaning(n, typed.field_cell(number, n), self.ctx) for n in FIELDS}
        refused = {n: shown(typed.field_cell(number, n)) for n, m in meanings.items() if m is INVALID}
        self.new_rows[name] = ({n: m for n, m in meanings.items() if m is not INVALID}, refused,
                               self.started)
        STATS["staff new rows"] += 1

    @rule(token=st.integers(0, 10**6))
    def staff_adds_a_row_without_a_usable_name(self, token):
        view = self.view()
        row = [""] * len(view.grid[0])
        region = f"Orphan {token}"
        row[view.column("Name")] = "=1+1"
        row[view.column("Region")] = region
        self.w.emulator.set_values(self.w.sid, "Customers", f"A{len(view.grid) + 1}", [row])
        self.bad_rows[region] = self.started
        STATS["staff new rows"] += 1

    @precondition(lambda self: self.on_sheet())
    @rule(data=st.data(), shift=st.booleans())
    def staff_deletes_a_row(self, data, shift):
        ref = data.draw(st.sampled_from(self.on_sheet()), label="ref")
        view = self.view()
        number = view.first[ref]
        grid = view.grid
        if shift:
            rows = grid[:number - 1] + grid[number:]
        else:
            rows = grid[:number - 1] + [[""] * len(grid[0])] + grid[number:]
        self.w.write_grid(rows, len(grid))
        # A row the sync wrote but never recorded as agreed (it crashed before storing the base)
        # looks to the next cycle like a panel record not yet shown: it is put back, not archived.
        agreed = SyncBase.select().where(SyncBase.table == "customer", SyncBase.ref == ref).exists()
        self.deleted[ref] = (self.started, agreed)
        self.forget_sheet_side(ref)
        STATS["staff deletes"] += 1

    @rule(by=st.sampled_from(["Name", "Region", "ID", "Stage", "Sync status"]), reverse=st.booleans())
    def staff_sorts_the_rows(self, by, reverse):
        view = self.view()
        index = view.column(by)
        rows = [r for r in view.grid[1:]]
        rows.sort(key=lambda r: shown(r[index]) if index < len(r) else "", reverse=reverse)
        self.w.write_grid([view.grid[0], *rows], len(view.grid))
        STATS["staff sorts"] += 1

    @rule(seed=st.randoms(use_true_random=False))
    def staff_reorders_the_columns(self, seed):
        view = self.view()
        order = list(range(len(view.grid[0])))
        seed.shuffle(order)
        rows = [[(r[i] if i < len(r) else "") for i in order] for r in view.grid]
        self.w.write_grid(rows, len(view.grid))
        STATS["staff column moves"] += 1

    @rule(at=st.integers(0, 30), note=st.sampled_from(["call back", "☎ 回电", "=1+1"]))
    def staff_inserts_a_column(self, at, note):
        view = self.view()
        at = min(at, len(view.grid[0]))
        rows = [[*r[:at], ("Staff notes" if i == 0 else note), *r[at:]] for i, r in enumerate(view.grid)]
        self.w.write_grid(rows, len(view.grid))
        STATS["staff column moves"] += 1

    @precondition(lambda self: self.on_sheet())
    @rule(data=st.data())
    def staff_pastes_a_duplicate_row(self, data):
        ref = data.draw(st.sampled_from(self.on_sheet()), label="ref")
        view = self.view()
        row = list(view.grid[view.first[ref] - 1])
        self.w.emulator.set_values(self.w.sid, "Customers", f"A{len(view.grid) + 1}", [row],
                                   user_entered=False)
        STATS["staff duplicates"] += 1

    @precondition(lambda self: self.view().copies)
    @rule(data=st.data())
    def staff_removes_a_duplicate_row(self, data):
        view = self.view()
        ref = data.draw(st.sampled_from(sorted(view.copies)), label="ref")
        number = view.copies[ref][-1]
        rows = view.grid[:number - 1] + view.grid[number:]
        self.w.write_grid(rows, len(view.grid))

    @precondition(lambda self: self.view().copies)
    @rule(data=st.data())
    def staff_deletes_the_row_a_copy_was_made_from(self, data):
        """The record's own row goes and a pasted copy stays: the copy is the record's row again."""
        view = self.view()
        ref = data.draw(st.sampled_from(sorted(view.copies)), label="ref")
        number = view.first[ref]
        self.w.write_grid(view.grid[:number - 1] + view.grid[number:], len(view.grid))
        self.forget_sheet_side(ref)  # what was typed in that row went with it
        STATS["staff deletes of a copied row"] += 1

    @precondition(lambda self: self.working())
    @rule(data=st.data(), name=st.sampled_from(["name", "region", "needs"]),
          text=st.sampled_from(["=1+1", "=A1", "=SUM(B2:B3)"]))
    def admin_types_text_like_a_formula(self, data, name, text):
        """Panel text that starts with "=": the sheet shows it as text, never runs it."""
        ref = data.draw(st.sampled_from(self.working()), label="ref")
        self.admin_save(ref, {name: text})
        self.formula_texts.setdefault((ref, name), set()).add(text)
        STATS["admin edits"] += 1

    @precondition(lambda self: self.formula_text_cells())
    @rule(data=st.data())
    def staff_types_a_formula_over_panel_text(self, data):
        """The same characters typed as a formula: the sheet computes it, the sync must refuse it."""
        ref, name = data.draw(st.sampled_from(self.formula_text_cells()), label="cell")
        self.staff_type(ref, name, stored(Customer.get(Customer.ref == ref), name))
        STATS["staff formulas over panel text"] += 1

    def formula_text_cells(self) -> list[tuple[str, str]]:
        view = self.view()
        found = []
        for ref in self.on_sheet():
            customer = Customer.get(Customer.ref == ref)
            for name in ("name", "region", "needs"):
                cell = view.field_cell(view.first[ref], name)
                if stored(customer, name).startswith("=") and not isinstance(cell, Formula) \
                        and shown(cell) == stored(customer, name):
                    found.append((ref, name))
        return found

    # -- Google and the worker -------------------------------------------------------------

    @rule(fault=st.sampled_from(FAULTS), times=st.integers(1, 3))
    def google_fails(self, fault, times):
        kind, match = fault
        self.w.emulator.add_fault(kind, times=1 if kind == "delay" else times, seconds=TIMEOUT + 0.5, match=match)
        self.faulted = True
        STATS[f"fault {kind} {match}"] += 1

    @precondition(lambda self: self.on_sheet())
    @rule(data=st.data(), valid=st.booleans())
    def staff_types_while_the_cycle_runs(self, data, valid):
        """Lands after the cycle's read and before its write."""
        ref = data.draw(st.sampled_from(self.on_sheet()), label="ref")
        name = data.draw(st.sampled_from(FIELDS), label="field")
        value = data.draw((VALID if valid else BAD)[name], label="value")

        def edit(server):
            self.hooked = True
            with db.connection_context():
                self.staff_type(ref, name, value, during_cycle=True)
        self.w.emulator.on_request(edit, match="values.batchGet", when="after")
        STATS["mid-cycle staff edits"] += 1

    @rule(on=st.booleans())
    def journal_switched(self, on):
        """The sheet's script removed or installed again (its `_journal` tab stays either way)."""
        self.switch_journal(on)
        STATS[f"journal switched {'on' if on else 'off'}"] += 1

    def switch_journal(self, on: bool) -> None:
        self.journal = on
        self.w.emulator.set_journal(on)
        # Off, a quick look would not see people's edits until the next full read, minutes away
        # in a real worker and never within a history: every cycle reads everything instead.
        self.settings["sheet"]["full_read_minutes"] = 10 if on else 0

    @precondition(lambda self: self.on_sheet())
    @rule(by=st.sampled_from(["Name", "Region", "ID", "Sync status"]), reverse=st.booleans())
    def staff_sorts_while_the_cycle_runs(self, by, reverse):
        """A sort between the cycle's read and its write: its writes are placed by ID."""
        def sort(server):
            self.hooked = True
            with db.connection_context():
                view = self.view()
                index = view.column(by)
                rows = sorted(view.grid[1:], key=lambda r: shown(r[index]) if index < len(r) else "",
                              reverse=reverse)
                self.w.write_grid([view.grid[0], *rows], len(view.grid), journal=False)
        self.w.emulator.on_request(sort, match="values.batchGet", when="after")
        STATS["mid-cycle staff sorts"] += 1

    @precondition(lambda self: self.working())
    @rule(data=st.data(), when=st.sampled_from(["values.batchGet", "values.batchUpdate"]))
    def admin_saves_while_the_cycle_runs(self, data, when):
        ref = data.draw(st.sampled_from(self.working()), label="ref")
        name = data.draw(st.sampled_from(FIELDS), label="field")
        text = meaning(name, data.draw(VALID[name], label="value"), self.ctx)
        if text is INVALID:
            return

        def edit(server):
            self.hooked = True
            with db.connection_context():
                if not Customer.get(Customer.ref == ref).archived:
                    self.admin_save(ref, {name: text})
                    self.saved_mid_cycle.add(ref)
        self.w.emulator.on_request(edit, match=when, when="after")
        STATS["mid-cycle admin edits"] += 1

    @rule(crash=st.sampled_from([None, None, None, *sorted(POINTS)]))
    def sync_cycle(self, crash):
        if self.lease_stuck:  # the killed worker's lease: this cycle skips, then the lease expires
            self.cycle()
            self.lease_expires()
        self.cycle(crash)

    @precondition(lambda self: self.lease_stuck)
    @rule()
    def lease_expires(self):
        self.w.lease_offset += dt.timedelta(seconds=self.settings["sheet"]["lock_ttl_seconds"] + 1)
        self.lease_stuck = False

    def cycle(self, crash=None):
        before = checks.database_state()
        self.started += 1
        covered = self.started
        STATS["cycles"] += 1
        try:
            if crash:
                with crash_at(crash, self.w):
                    run = run_cycle(self.settings, "schedule")
            else:
                run = run_cycle(self.settings, "schedule")
        except Crash:
            STATS[f"crash {crash}"] += 1
            self.lease_stuck = True
            run = None
        self.overwritten_races(covered)
        hooked, faulted, stale = self.hooked, self.faulted, self.saved_mid_cycle
        self.saved_mid_cycle = set()
        self.w.emulator.reset()  # leftover faults and hooks belong to this cycle only
        self.hooked = self.faulted = False
        checks.database_is_valid(self.ctx)
        self.count = checks.nothing_deleted(self.count)
        checks.history_replays(self)
        self.after_every_cycle()  # tickets' numbers, Done on applied at most once
        if run is None:
            return None
        STATS[f"run {run.status}"] += 1
        if run.status == "skipped":
            assert self.lease_stuck, "a cycle was skipped though no other cycle held the lock"
            return run
        if run.status != "ok":
            assert faulted or hooked, f"a cycle without faults failed: {run.status}: {run.error}"
            if not hooked and run.error and run.error.startswith("the sheet could not be reached"):
                assert checks.database_state() == before, "a failed cycle changed the database"
            return run
        checks.no_lost_edit(self, covered, skip=stale)
        checks.rejected_values_stay_visible(self, covered)
        if not hooked:
            checks.rows_and_records_match(self, covered)  # first: it learns the new rows' refused cells
            checks.converged(self)
            self.after_a_clean_cycle(covered)  # ticket rows and Done on entries
        return run

    @invariant()
    def count_steps(self):
        STATS["steps"] += 1  # invariants run after every step: the soak reports how many ran

    def overwritten_races(self, cycle: int) -> None:
        """A cell typed after the cycle read the row and then written by that cycle is lost.

        Sheets has no conditional write, so the sync overwrites it without seeing it
        (docs/soak.md, test_found_by_the_histories.py); every other edit is still held to the rules.
        """
        view = self.view()
        last = {(ref, name): (text, on) for ref, name, text, on in self.raced}  # later typing supersedes
        for (ref, name), (text, journaled) in last.items():
            if ref in view.first and shown(view.field_cell(view.first[ref], name)) == text:
                continue
            # Journaled, an accepted edit is owed by the next cycle (re-applied or logged): it stays
            # checked. A refused text put back into the read is refused again, but the cell shows
            # what the cycle wrote: only the row's status names it, so it is not held to rule 4.
            for table in (self.rejected,) if journaled else (self.latest, self.rejected):
                entry = table.get((ref, name))
                epoch = entry.epoch if isinstance(entry, Edit) else entry[1] if entry else None
                if epoch == cycle:
                    del table[(ref, name)]
            STATS["mid-cycle edits overwritten by the cycle" + (", journaled" if journaled else "")] += 1
        self.raced = []

    # -- quiescence ------------------------------------------------------------------------

    def teardown(self):
        if not hasattr(self, "settings"):
            return
        self.w.emulator.reset()
        if self.lease_stuck:
            self.lease_expires()
        clean = 0
        for _ in range(5):
            run = self.cycle()
            clean = clean + 1 if run is not None and run.status == "ok" else 0
            if clean == 2:
                break
        assert clean == 2, "two clean cycles did not follow the end of the faults"
        self.w.emulator.reset_counts()
        run = self.cycle()
        counts = self.w.emulator.counts()
        writes = {k: v for k, v in counts.items() if k in ("values.batchUpdate", "spreadsheets.batchUpdate")}
        assert not writes, f"a cycle after quiescence wrote to the sheet: {counts}; {run.error}"


def machine_for(world):
    return type("SyncHistory", (SyncMachine,), {"world": world})
