"""Test controls: quotas with an injected clock, faults, latency, hooks, counters, HTTP controls."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from sheets_emulator import EmulatorServer
from sync import sheets

SID = "test-spreadsheet-0001"  # the id the emulator fixture creates


def values_url(srv: EmulatorServer, rng: str = "Sheet1!A1") -> str:
    return f"{srv.base_url}/v4/spreadsheets/{SID}/values/{requests.utils.quote(rng, safe='')}"


def test_read_quota_then_recovery_after_the_clock_advances(http: requests.Session) -> None:
    now = [1000.0]
    srv = EmulatorServer(port=0, quota_per_minute=3, clock=lambda: now[0]).start()
    try:
        srv.create_spreadsheet("Quota", id=SID)
        assert [http.get(values_url(srv)).status_code for _ in range(3)] == [200, 200, 200]
        refused = http.get(values_url(srv))
        assert refused.status_code == 429
        assert refused.json() == {
            "error": {
                "code": 429,
                "message": "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute "
                "per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
                "status": "RESOURCE_EXHAUSTED",
            }
        }
        # Writes have their own bucket.
        write = http.put(values_url(srv) + "?valueInputOption=RAW", json={"values": [["x"]]})
        assert write.status_code == 200
        now[0] += 30
        assert http.get(values_url(srv)).status_code == 429
        srv.advance_clock(31)  # the built-in offset works on top of an injected clock too
        assert http.get(values_url(srv)).status_code == 200
    finally:
        srv.stop()


def test_quota_429_is_retried_by_the_connection_layer(
    emulator: EmulatorServer, sleeps: list[float]
) -> None:
    emulator.set_quota(2)
    settings = sheets.SheetSettings(SID, None, emulator.base_url, timeout=5, max_retries=2)

    def refill(seconds: float) -> None:
        sleeps.append(seconds)
        emulator.advance_clock(61)  # the back-off "waits" a minute without sleeping

    sh = sheets.open_spreadsheet(settings, sleep=refill)
    try:
        sh.values_get("Sheet1!A1")
        sh.values_get("Sheet1!A1")  # third read: 429, back-off, then served
        assert len(sleeps) == 1
        assert sheets.call_counter(sh).attempts == 4
    finally:
        sheets.close(sh)


@pytest.mark.parametrize("kind", ["429", "500", "503"])
def test_error_faults(emulator: EmulatorServer, http: requests.Session, kind: str) -> None:
    emulator.add_fault(kind, times=2, match="values.get")
    first = http.get(values_url(emulator))
    assert first.status_code == int(kind)
    assert (
        first.json()["error"]["status"]
        == {"429": "RESOURCE_EXHAUSTED", "500": "INTERNAL", "503": "UNAVAILABLE"}[kind]
    )
    assert http.get(values_url(emulator)).status_code == int(kind)
    assert http.get(values_url(emulator)).status_code == 200


def test_fault_matching_only_its_kind(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.add_fault("503", match="values.batchUpdate")
    assert http.get(values_url(emulator)).status_code == 200
    body = {"valueInputOption": "RAW", "data": [{"range": "A1", "values": [["x"]]}]}
    url = f"{emulator.base_url}/v4/spreadsheets/{SID}/values:batchUpdate"
    assert http.post(url, json=body).status_code == 503
    assert emulator.values(SID, "Sheet1") == []  # a plain 503 applies nothing
    assert http.post(url, json=body).status_code == 200


def test_ambiguous_503_applies_the_write(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.add_fault("ambiguous_503")
    reply = http.put(values_url(emulator) + "?valueInputOption=RAW", json={"values": [["applied"]]})
    assert reply.status_code == 503
    assert emulator.values(SID, "Sheet1") == [["applied"]]


def test_ambiguous_drop_applies_the_write_and_closes_the_connection(
    emulator: EmulatorServer, http: requests.Session
) -> None:
    emulator.add_fault("ambiguous_drop")
    with pytest.raises(requests.ConnectionError):
        http.put(values_url(emulator) + "?valueInputOption=RAW", json={"values": [["applied"]]})
    assert emulator.values(SID, "Sheet1") == [["applied"]]


def test_delay_fault_outlasts_the_client_timeout(
    emulator: EmulatorServer, http: requests.Session
) -> None:
    emulator.add_fault("delay", seconds=2.0)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        http.get(values_url(emulator), timeout=0.2)
    assert time.monotonic() - started < 1.5
    assert http.get(values_url(emulator), timeout=2).status_code == 200


def test_latency_is_added_to_every_request(
    emulator: EmulatorServer, http: requests.Session
) -> None:
    emulator.set_latency(150)
    started = time.monotonic()
    http.get(values_url(emulator))
    http.get(values_url(emulator))
    assert time.monotonic() - started >= 0.3
    emulator.set_latency(0)
    started = time.monotonic()
    http.get(values_url(emulator))
    assert time.monotonic() - started < 0.15


def test_hook_edits_the_sheet_between_two_requests(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_cell(SID, "Sheet1", "A1", "before")
    seen: list[str] = []
    emulator.on_request(
        lambda srv: srv.set_cell(SID, "Sheet1", "A1", "typed by staff"), match="values.batchGet"
    )
    emulator.on_request(
        lambda srv: seen.append("hook ran before the 2nd get"),
        nth=2,
        match="values.get",
        when="before",
    )
    assert sh.values_batch_get(["Sheet1!A1"])["valueRanges"][0]["values"] == [["before"]]
    assert sh.values_get("Sheet1!A1")["values"] == [["typed by staff"]]
    assert seen == []
    sh.values_get("Sheet1!A1")
    assert seen == ["hook ran before the 2nd get"]
    sh.values_batch_get(["Sheet1!A1"])
    assert emulator.values(SID, "Sheet1") == [["typed by staff"]]


def test_counters_by_kind_and_reset(sh: Any, emulator: EmulatorServer) -> None:
    ws = sh.sheet1  # a spreadsheets.get, like open_spreadsheet's
    ws.update([["a"]], "A1")
    ws.get_all_values()
    sh.values_batch_get(["A1", "B1"])
    ws.batch_update([{"range": "B1", "values": [["b"]]}])
    sh.batch_update(
        {"requests": [{"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 1}}]}
    )
    ws.append_row(["c"])
    ws.batch_clear(["A1"])
    ws.clear()
    assert emulator.counts() == {
        "spreadsheets.get": 2,
        "values.update": 1,
        "values.get": 1,
        "values.batchGet": 1,
        "values.batchUpdate": 1,
        "spreadsheets.batchUpdate": 1,
        "values.append": 1,
        "values.batchClear": 1,
        "values.clear": 1,
    }
    assert sheets.call_counter(sh).calls == 10
    emulator.reset_counts()
    assert emulator.counts() == {}


def test_http_control_endpoints(emulator: EmulatorServer, http: requests.Session) -> None:
    base = f"{emulator.base_url}/_emulator"
    assert http.get(f"{base}/health").json() == {"ok": True}
    created = http.post(
        f"{base}/spreadsheets", json={"title": "Scripted", "id": "scripted-1"}
    ).json()
    assert created == {"spreadsheetId": "scripted-1"}
    http.post(
        f"{base}/spreadsheets/scripted-1/cells",
        json={"title": "Sheet1", "cell": "B2", "value": "=1+1"},
    )
    assert http.get(f"{base}/spreadsheets/scripted-1/values/Sheet1").json() == {
        "values": [["", ""], ["", "=1+1"]]
    }
    assert http.post(f"{base}/faults", json={"kind": "503", "times": 1}).status_code == 200
    assert http.post(f"{base}/faults", json={"kind": "nonsense"}).status_code == 400
    url = f"{emulator.base_url}/v4/spreadsheets/scripted-1/values/B2"
    assert http.get(url).status_code == 503
    assert http.get(url).json()["values"] == [["2"]]
    hook = {
        "spreadsheetId": "scripted-1",
        "match": "values.get",
        "updates": [{"range": "Sheet1!B2", "values": [["edited"]]}],
    }
    http.post(f"{base}/hooks", json=hook)
    assert http.get(url).json()["values"] == [["2"]]
    assert http.get(url).json()["values"] == [["edited"]]
    assert http.get(f"{base}/counters").json() == {"counts": {"values.get": 4}}
    http.post(f"{base}/counters/reset")
    assert http.get(f"{base}/counters").json() == {"counts": {}}
    http.post(f"{base}/latency", json={"ms": 100})
    started = time.monotonic()
    http.get(url)
    assert time.monotonic() - started >= 0.1
    http.post(f"{base}/latency", json={"ms": 0})
    http.post(f"{base}/quota", json={"perMinute": 1})
    assert [http.get(url).status_code for _ in range(2)] == [200, 429]
    http.post(f"{base}/clock", json={"advance": 61})
    assert http.get(url).status_code == 200
    assert http.post(f"{base}/reset").status_code == 200


def test_no_authorization_needed_and_any_accepted(
    emulator: EmulatorServer, http: requests.Session
) -> None:
    assert http.get(values_url(emulator)).status_code == 200
    assert (
        http.get(values_url(emulator), headers={"Authorization": "Bearer nonsense"}).status_code
        == 200
    )
