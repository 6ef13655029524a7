"""sync.sheets: routing to the emulator, timeouts, bounded jittered retries, errors and call counts."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_emulator import EmulatorServer
from sync import sheets

SID = "test-spreadsheet-0001"  # the id the emulator fixture creates


def test_open_routes_google_hosts_to_the_emulator(sh: Any, emulator: EmulatorServer) -> None:
    assert sh.id == SID and sh.title == "Test book"
    assert emulator.counts() == {"spreadsheets.get": 1}
    assert sheets.call_counter(sh).calls == 1


def test_429_burst_is_retried_and_succeeds(
    sh: Any, emulator: EmulatorServer, sleeps: list[float]
) -> None:
    emulator.set_cell(SID, "Sheet1", "A1", "ok")
    emulator.add_fault("429", times=3)
    assert sh.values_get("Sheet1!A1")["values"] == [["ok"]]
    counter = sheets.call_counter(sh)
    assert (counter.calls, counter.attempts, counter.retries) == (2, 5, 3)
    assert len(sleeps) == 3
    # Full jitter: each sleep lies in [0, base * 2**attempt).
    assert all(0 <= s < 0.5 * 2**i for i, s in enumerate(sleeps))


def test_retries_are_bounded(sh: Any, emulator: EmulatorServer, sleeps: list[float]) -> None:
    emulator.add_fault("503", times=10)
    with pytest.raises(sheets.SheetUnavailable) as err:
        sh.values_get("Sheet1!A1")
    assert (err.value.code, err.value.status) == (503, "UNAVAILABLE")
    assert "gave up after 4 attempts" in err.value.message
    assert len(sleeps) == 3  # max_retries=3 in the fixture's settings
    assert emulator.counts()["values.get"] == 4


def test_500_and_dropped_connections_are_retried(
    sh: Any, emulator: EmulatorServer, sleeps: list[float]
) -> None:
    emulator.add_fault("500")
    emulator.add_fault("ambiguous_drop")
    sh.values_update("Sheet1!A1", params={"valueInputOption": "RAW"}, body={"values": [["once"]]})
    assert emulator.counts()["values.update"] == 3
    assert emulator.values(SID, "Sheet1") == [
        ["once"]
    ]  # idempotent write: applying twice is harmless
    assert len(sleeps) == 2


def test_timeout_then_retry(emulator: EmulatorServer, sleeps: list[float]) -> None:
    settings = sheets.SheetSettings(SID, None, emulator.base_url, timeout=0.3, max_retries=2)
    sh = sheets.open_spreadsheet(settings, sleep=sleeps)
    try:
        emulator.add_fault("delay", seconds=3.0, match="values.get")
        assert sh.values_get("Sheet1!A1") == {"range": "Sheet1!A1", "majorDimension": "ROWS"}
        assert len(sleeps) == 1
    finally:
        sheets.close(sh)


def test_client_errors_are_not_retried(sh: Any, sleeps: list[float]) -> None:
    with pytest.raises(sheets.SheetError) as err:
        sh.values_get("'Nope'!A1")
    assert type(err.value) is sheets.SheetError
    assert (err.value.code, err.value.status, err.value.message) == (
        400,
        "INVALID_ARGUMENT",
        "Unable to parse range: 'Nope'!A1",
    )
    assert sleeps == []


def test_unknown_spreadsheet_is_sheet_not_found(
    emulator: EmulatorServer, sleeps: list[float]
) -> None:
    settings = sheets.SheetSettings("no-such-id", None, emulator.base_url)
    with pytest.raises(sheets.SheetNotFound) as err:
        sheets.open_spreadsheet(settings, sleep=sleeps)
    assert (err.value.code, err.value.message) == (404, "Requested entity was not found.")


def test_unreachable_emulator_gives_sheet_unavailable(sleeps: list[float]) -> None:
    srv = EmulatorServer(port=0).start()
    url = srv.base_url
    srv.stop()  # nothing listens on that port any more
    settings = sheets.SheetSettings(SID, None, url, timeout=1, max_retries=2)
    with pytest.raises(sheets.SheetUnavailable) as err:
        sheets.open_spreadsheet(settings, sleep=sleeps)
    assert err.value.code == 0 and len(sleeps) == 2


def test_backoff_grows_and_is_capped(sh: Any) -> None:
    http = sh.client
    http.rand = lambda: 0.999999
    waits = [http.backoff(n) for n in range(8)]
    assert waits[:4] == pytest.approx([0.5, 1.0, 2.0, 4.0], rel=1e-5)
    assert max(waits) <= sheets.BACKOFF_CAP


def test_settings_need_a_target() -> None:
    with pytest.raises(sheets.SheetError):
        sheets.open_spreadsheet(sheets.SheetSettings("x", None, None))


def test_create_and_delete_through_drive(emulator: EmulatorServer, sleeps: list[float]) -> None:
    settings = sheets.SheetSettings("", None, emulator.base_url)
    sh = sheets.create_spreadsheet(settings, "Made by Drive", sleep=sleeps)
    try:
        assert sh.title == "Made by Drive"
        assert sh.id in emulator.spreadsheet_ids()
        assert [ws.title for ws in sh.worksheets()] == ["Sheet1"]
        assert sh.get_lastUpdateTime().endswith("Z")
        gc = sh.client  # the HTTP client; gspread's Client is what create() used
        assert (
            gc.request(
                "get",
                "https://www.googleapis.com/drive/v3/files",
                params={"q": 'name = "Made by Drive"'},
            ).json()["files"][0]["id"]
            == sh.id
        )
        gc.request("delete", f"https://www.googleapis.com/drive/v3/files/{sh.id}")
        assert sh.id not in emulator.spreadsheet_ids()
        with pytest.raises(sheets.SheetNotFound) as err:
            gc.request("delete", f"https://www.googleapis.com/drive/v3/files/{sh.id}")
        assert err.value.message == f"File not found: {sh.id}."
        assert emulator.counts() == {
            "drive.files.create": 1,
            "spreadsheets.get": 2,
            "drive.files.get": 1,
            "drive.files.list": 1,
            "drive.files.delete": 2,
        }
    finally:
        sheets.close(sh)


def test_gspread_client_create_open_and_del_spreadsheet(
    emulator: EmulatorServer, sleeps: list[float]
) -> None:
    gc = sheets.client(sheets.SheetSettings("", None, emulator.base_url), sleep=sleeps)
    try:
        created = gc.create("Via client")
        assert gc.open("Via client").id == created.id
        assert gc.open_by_key(created.id).title == "Via client"
        gc.del_spreadsheet(created.id)
        assert created.id not in emulator.spreadsheet_ids()
        assert sheets.call_counter(gc).calls == 6  # create=2, open=2, open_by_key=1, delete=1
    finally:
        sheets.close(gc)
