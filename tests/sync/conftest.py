"""Fixtures for the sheet sync: an emulator on loopback, a laid-out spreadsheet and a cycle runner."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from backoffice.models import SyncRun, User
from sheets_emulator import EmulatorServer
from sync import gateway, layout, sheets
from sync.cycle import run_cycle

SID = "sync-test-sheet"
QUEUE = os.environ.get("TEST_QUEUE", "sqlite")  # sqlite | redis
TABS = {"customer": "Customers", "care plan": "Care plans", "ticket": "Tickets"}
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    srv = EmulatorServer(port=0, quota_per_minute=None).start()
    srv.create_spreadsheet("Customer care", id=SID)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def sync_settings(settings, emulator, tmp_path) -> dict:
    settings["sheet"].update(emulator_url=emulator.base_url, spreadsheet_id=SID, max_retries=2,
                             timeout_seconds=5.0)
    if QUEUE == "redis":
        settings["queue"]["url"] = REDIS_URL
    yield settings
    gateway.forget(gateway.settings_for(settings["sheet"]))


@pytest.fixture
def book(app, sync_settings, emulator):
    """The spreadsheet laid out by `sheet init`, with an admin and a rep who may own records."""
    User.create(email="rep@example.com", name="rep", role="rep", password_hash="x")
    User.create(email="boss@example.com", name="boss", role="manager", password_hash="x")
    spreadsheet = gateway.open_cached(gateway.settings_for(sync_settings["sheet"]))
    # Small tabs: the emulator copies every validated cell on each write, so tests keep grids small.
    layout.init_sheet(spreadsheet, TABS, rows=40)
    return Book(emulator, sync_settings)


class Book:
    """The test's view of the sheet: read and type cells like a person, run cycles."""

    def __init__(self, emulator: EmulatorServer, settings: dict) -> None:
        self.emulator = emulator
        self.settings = settings

    def rows(self, tab: str = "Customers") -> list[list]:
        return self.emulator.values(SID, tab)

    def header(self, tab: str = "Customers") -> list:
        return self.rows(tab)[0]

    def records(self, tab: str = "Customers") -> list[dict]:
        rows = self.rows(tab)
        header = rows[0]
        out = []
        for number, row in enumerate(rows[1:], start=2):
            if any(str(c).strip() for c in row):
                out.append({"_row": number, **{h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h}})
        return out

    def find(self, ref: str, tab: str = "Customers") -> dict:
        return next(r for r in self.records(tab) if r["ID"] == ref)

    def cell(self, tab: str, row: int, header: str):
        return self.rows(tab)[row - 1][self.header(tab).index(header)]

    def type(self, tab: str, row: int, header: str, value, user_entered: bool = True) -> None:
        col = gateway.column_letters(self.header(tab).index(header))
        self.emulator.set_cell(SID, tab, f"{col}{row}", value, user_entered=user_entered)

    def add_row(self, tab: str, values: dict) -> int:
        header = self.header(tab)
        row = len(self.rows(tab)) + 1
        cells = [values.get(h, "") for h in header]
        self.emulator.set_values(SID, tab, f"A{row}", [cells])
        return row

    def sync(self, trigger: str = "cli") -> SyncRun:
        return run_cycle(self.settings, trigger)

    def counts(self) -> dict[str, int]:
        return self.emulator.counts()


@pytest.fixture
def call_counter():
    return sheets.call_counter
