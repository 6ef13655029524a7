"""The world one randomized history runs in: an emulator, a laid-out template sheet and a database.

Laying out a sheet costs a dozen requests and large copies inside the emulator, so it is done
once; every example then gets a cheap copy of the template under a new id and a wiped database.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import itertools
import random
from contextlib import contextmanager
from typing import Any

from backoffice import actors
from backoffice.models import (
    CarePlan,
    Change,
    Conflict,
    Customer,
    Interaction,
    Lease,
    SheetCompletion,
    SyncBase,
    SyncRun,
    Ticket,
    TicketCounter,
    User,
    utcnow,
)
from backoffice.models import base as model_base
from sheets_emulator import EmulatorServer
from sync import gateway, layout, lease, sheets

from .sheet_view import Formula

TABS = {"customer": "Customers", "care plan": "Care plans", "ticket": "Tickets"}
TEMPLATE = "template"
TEMPLATE_ROWS = 40  # small grids keep the emulator's copy-on-write cheap; the sync grows them
TIMEOUT = 2.0  # seconds; a "delay" fault holds its reply longer than this
PER_EXAMPLE = (SheetCompletion, Ticket, TicketCounter, Conflict, SyncBase, SyncRun, Lease, Change,
               Interaction, CarePlan, Customer)


class SeededSecrets(random.Random):
    """Stands in for the `secrets` module where record ids are drawn, from a seed."""

    def token_bytes(self, n: int) -> bytes:
        return self.randbytes(n)


class World:
    """Owns the emulator and the database for one test; `fresh()` starts a new history."""

    def __init__(self, settings: dict) -> None:
        self.emulator = EmulatorServer(port=0, quota_per_minute=None).start()
        self.base_settings = settings
        self.ids = itertools.count(1)
        self.sid = TEMPLATE
        self.lease_offset = dt.timedelta(0)
        self.crashing = False  # set by a crash point: the "process" dies, no finally-block runs
        self.admin = None
        self.ref_random = SeededSecrets(0)
        self._lay_out_template()

    def close(self) -> None:
        gateway.forget(gateway.settings_for(self.settings["sheet"]))
        self.emulator.stop()

    # -- setup ---------------------------------------------------------------------------------

    @property
    def settings(self) -> dict:
        settings = copy.deepcopy(self.base_settings)
        settings["sheet"].update(
            spreadsheet_id=self.sid, emulator_url=self.emulator.base_url, max_retries=2,
            timeout_seconds=TIMEOUT, lock_ttl_seconds=300, archive_guard_share=1.0,
            archive_guard_count=10**6)
        return settings

    def _lay_out_template(self) -> None:
        self.emulator.create_spreadsheet("Customer care", id=TEMPLATE)
        sheet = {**self.settings["sheet"], "timeout_seconds": 60.0}  # a full-size layout is slow
        spreadsheet = sheets.open_spreadsheet(gateway.settings_for(sheet))
        try:
            layout.init_sheet(spreadsheet, TABS)
            ids = gateway.titles(spreadsheet)
            spreadsheet.batch_update({"requests": [
                {"deleteDimension": {"range": {"sheetId": ids[title], "dimension": "ROWS",
                                               "startIndex": TEMPLATE_ROWS, "endIndex": 1000}}}
                for title in TABS.values()]})
        finally:
            sheets.close(spreadsheet)

    def fresh(self, policy: str = "database") -> dict:
        """A new spreadsheet copied from the template and an empty database; returns settings."""
        gateway.forget(gateway.settings_for(self.settings["sheet"]))
        store = self.emulator.store
        with store.lock:
            if self.sid != TEMPLATE:
                store.books.pop(self.sid, None)
            self.sid = f"example-{next(self.ids)}"
            book = copy.deepcopy(store.books[TEMPLATE])
            book.id = self.sid
            store.books[self.sid] = book
        self.emulator.reset()
        for model in PER_EXAMPLE:
            model.delete().execute()
        self.lease_offset = dt.timedelta(0)
        self.crashing = False
        self.ref_random.seed(0)
        if self.admin is None:
            self.admin = User.create(email="admin@example.com", name="admin", role="admin",
                                     password_hash="x")
            User.create(email="rep@example.com", name="rep", role="rep", password_hash="x")
        settings = self.settings
        settings["sheet"]["conflict_policy"] = policy
        return settings

    # -- seams the tests need ------------------------------------------------------------------

    def lease_now(self) -> dt.datetime:
        """The lease's clock: moved on by a test instead of sleeping through lock_ttl_seconds."""
        return utcnow() + self.lease_offset

    def install(self, monkeypatch) -> None:
        """Fast back-off, a movable lease clock, and no lease release from a 'killed' cycle."""
        settings_for, release = gateway.settings_for, lease.release

        def quick(sheet: dict) -> sheets.SheetSettings:
            return dataclasses.replace(settings_for(sheet), backoff_base=0.001)

        def release_unless_killed(name: str, holder: str) -> None:
            if not self.crashing:
                release(name, holder)

        # Record ids are random; Hypothesis replays a history only if they come out the same.
        monkeypatch.setattr(model_base, "secrets", self.ref_random)
        monkeypatch.setattr(gateway, "settings_for", quick)
        monkeypatch.setattr(lease, "utcnow", self.lease_now)
        monkeypatch.setattr(lease, "release", release_unless_killed)

    @contextmanager
    def as_admin(self):
        with actors.acting_as(actors.user_actor(self.admin)):
            yield

    # -- the sheet as a person sees it ----------------------------------------------------------

    def grid(self, tab: str = "Customers") -> list[list[Any]]:
        """The tab's cells as read with the FORMULA view; a formula's text is marked as a Formula."""
        grid = self.emulator.values(self.sid, tab)
        store = self.emulator.store
        with store.lock:
            sheet = store.book(self.sid).find(tab)
            for (r, c), cell in sheet.cells.items():
                formula = (cell.get("uv") or {}).get("formulaValue")
                if formula is not None and r < len(grid) and c < len(grid[r]):
                    grid[r][c] = Formula(formula)
        return grid

    def write_grid(self, rows: list[list[Any]], old_height: int, tab: str = "Customers",
                   journal: bool = True) -> None:
        """Replace the tab's contents (pasting a whole block), blanking rows that fell off the end.

        Cells move with their type, as in a sort: text stays text, a formula stays a formula."""
        width = max((len(r) for r in rows), default=0)
        block = [list(r) + [""] * (width - len(r)) for r in rows]
        block += [[""] * width for _ in range(max(0, old_height - len(rows)))]
        # journal=False: a sort, which the sheet's script never sees (a paste it does)
        self.emulator.set_values(self.sid, tab, "A1", block, user_entered=False, journal=journal)
        for r, row in enumerate(block):
            for c, value in enumerate(row):
                if isinstance(value, Formula):
                    self.emulator.set_cell(self.sid, tab, f"{gateway.column_letters(c)}{r + 1}", str(value))

    def type(self, row: int, col: int, value: Any, tab: str = "Customers") -> None:
        self.emulator.set_cell(self.sid, tab, f"{gateway.column_letters(col)}{row}", value)
