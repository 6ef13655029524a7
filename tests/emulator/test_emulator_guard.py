"""The local sheet refuses what another web page could send it: foreign Host, foreign Origin, text bodies, no token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sheets_emulator import EmulatorServer
from sync import sheets

SID = "guarded-book"
TOKEN = "a-token-only-the-run-command-knows"


@pytest.fixture
def guarded() -> Iterator[EmulatorServer]:
    srv = EmulatorServer(port=0, quota_per_minute=None, token=TOKEN).start()
    srv.create_spreadsheet("Guarded", id=SID)
    try:
        yield srv
    finally:
        srv.stop()


def cell_url(srv: EmulatorServer) -> str:
    return f"{srv.base_url}/v4/spreadsheets/{SID}/values/Sheet1!A1?valueInputOption=RAW"


def own(**headers: str) -> dict[str, str]:
    return {"X-Emulator-Token": TOKEN, **headers}


def test_text_plain_post_from_a_foreign_page_changes_no_cell(
    guarded: EmulatorServer, http: requests.Session
) -> None:
    # What fetch(..., {mode: 'no-cors', body: '{"values": ...}'}) on another site sends.
    answer = http.put(cell_url(guarded), data='{"values": [["pwned"]]}',
                      headers=own(**{"Content-Type": "text/plain;charset=UTF-8",
                                     "Origin": "https://evil.example"}))
    assert answer.status_code == 403
    answer = http.put(cell_url(guarded), data='{"values": [["pwned"]]}',
                      headers=own(**{"Content-Type": "text/plain;charset=UTF-8"}))
    assert answer.status_code == 415
    assert guarded.values(SID, "Sheet1") == []


def test_a_foreign_origin_is_refused_even_with_json(guarded: EmulatorServer, http: requests.Session) -> None:
    for origin in ("https://evil.example", "null", f"http://localhost.evil.example:{guarded.port}"):
        answer = http.put(cell_url(guarded), json={"values": [["x"]]}, headers=own(Origin=origin))
        assert answer.status_code == 403, origin
    assert guarded.values(SID, "Sheet1") == []


def test_the_pages_own_origin_may_write(guarded: EmulatorServer, http: requests.Session) -> None:
    answer = http.put(cell_url(guarded), json={"values": [["typed"]]},
                      headers=own(Origin=guarded.base_url))
    assert answer.status_code == 200
    assert guarded.values(SID, "Sheet1") == [["typed"]]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8099", "10.0.0.5", "127.0.0.1.nip.io"])
def test_a_rebound_dns_name_reads_nothing(guarded: EmulatorServer, http: requests.Session, host: str) -> None:
    guarded.set_cell(SID, "Sheet1", "A1", "secret customer")
    for url in (f"{guarded.base_url}/v4/spreadsheets/{SID}/values/Sheet1!A1",
                f"{guarded.base_url}/sheets/{SID}", f"{guarded.base_url}/",
                f"{guarded.base_url}/_emulator/spreadsheets/{SID}/values/Sheet1"):
        answer = http.get(url, headers=own(Host=host))
        assert answer.status_code == 403, url
        assert "secret customer" not in answer.text


def test_loopback_names_are_served(guarded: EmulatorServer, http: requests.Session) -> None:
    for host in (f"127.0.0.1:{guarded.port}", f"localhost:{guarded.port}", "[::1]"):
        assert http.get(f"{guarded.base_url}/", headers={"Host": host}).status_code == 200, host


def test_control_endpoints_need_the_token(guarded: EmulatorServer, http: requests.Session) -> None:
    base = f"{guarded.base_url}/_emulator"
    guarded.add_fault("503", times=5)
    assert http.post(f"{base}/reset", json={}).status_code == 403
    assert http.post(f"{base}/reset", json={}, headers={"X-Emulator-Token": "guess"}).status_code == 403
    assert http.get(f"{base}/spreadsheets/{SID}/values/Sheet1").status_code == 403
    assert http.post(f"{base}/spreadsheets/{SID}/cells",
                     json={"title": "Sheet1", "cell": "A1", "value": "x"}).status_code == 403
    assert guarded.controls.faults, "the refused reset must not have run"
    assert http.post(f"{base}/reset", json={}, headers=own()).status_code == 200
    assert not guarded.controls.faults
    assert http.get(f"{base}/health").json() == {"ok": True}  # start-up waits on it, token-free


def test_the_api_needs_the_token_too(guarded: EmulatorServer, http: requests.Session) -> None:
    assert http.put(cell_url(guarded), json={"values": [["x"]]}).status_code == 403
    assert guarded.values(SID, "Sheet1") == []


def test_the_page_hands_its_token_to_its_own_script(guarded: EmulatorServer, http: requests.Session) -> None:
    page = http.get(f"{guarded.base_url}/sheets/{SID}")
    assert page.status_code == 200
    assert f'<meta name="emulator-token" content="{TOKEN}">' in page.text


def test_gspread_through_the_connection_layer_works_with_the_token(guarded: EmulatorServer) -> None:
    settings = sheets.SheetSettings(SID, None, guarded.base_url, timeout=5, max_retries=0,
                                    emulator_token=TOKEN)
    sh = sheets.open_spreadsheet(settings)
    try:
        ws = sh.worksheet("Sheet1")
        ws.update([["a", "b"]], "A1", raw=True)
        ws.batch_clear(["B1"])
        sh.values_clear("Sheet1!A2")  # an empty POST body is not a text body
        assert ws.get_all_values() == [["a"]]
    finally:
        sheets.close(sh)


def test_gspread_without_the_token_is_refused_plainly(guarded: EmulatorServer) -> None:
    settings = sheets.SheetSettings(SID, None, guarded.base_url, timeout=5, max_retries=0)
    with pytest.raises(sheets.SheetError) as refused:
        sheets.open_spreadsheet(settings)
    assert refused.value.code == 403
    assert "token" in refused.value.message
