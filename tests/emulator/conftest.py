"""Fixtures: an in-process emulator on a free port, and gspread talking to it over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sheets_emulator import EmulatorServer
from sync import sheets

SID = "test-spreadsheet-0001"


class Sleeps(list[float]):
    """Records the back-off sleeps the connection layer asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    srv = EmulatorServer(port=0, quota_per_minute=None).start()
    srv.create_spreadsheet("Test book", id=SID)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def sheet_settings(emulator: EmulatorServer) -> sheets.SheetSettings:
    return sheets.SheetSettings(
        spreadsheet_id=SID,
        credentials_file=None,
        emulator_url=emulator.base_url,
        timeout=5,
        max_retries=3,
    )


@pytest.fixture
def sh(sheet_settings: sheets.SheetSettings, sleeps: Sleeps) -> Iterator[object]:
    spreadsheet = sheets.open_spreadsheet(sheet_settings, sleep=sleeps)
    try:
        yield spreadsheet
    finally:
        sheets.close(spreadsheet)


@pytest.fixture
def http(emulator: EmulatorServer) -> Iterator[requests.Session]:
    """Plain HTTP, for asserting exact status codes and error envelopes."""
    session = requests.Session()
    session.trust_env = False
    try:
        yield session
    finally:
        session.close()
