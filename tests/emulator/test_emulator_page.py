"""The page for people, static files, persistence to a JSON file and the command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import requests

from sheets_emulator import EmulatorServer
from sync import sheets

SID = "test-spreadsheet-0001"  # the id the emulator fixture creates


def test_index_lists_spreadsheets(emulator: EmulatorServer, http: requests.Session) -> None:
    page = http.get(emulator.base_url + "/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert f'href="/sheets/{SID}"' in page.text and "Test book" in page.text


def test_sheet_page_is_a_drivable_grid_without_inline_script(
    emulator: EmulatorServer, http: requests.Session
) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["name", "total"], ["<b>Ann</b>", "=1+2"]])
    page = http.get(f"{emulator.base_url}/sheets/{SID}?tab=Sheet1").text
    assert f'<table id="grid" data-spreadsheet-id="{SID}" data-sheet-id="0"' in page
    assert (
        '<td id="cell-2-1" data-row="2" data-col="1" data-raw="&lt;b&gt;Ann&lt;/b&gt;" tabindex="0">&lt;b&gt;Ann&lt;/b&gt;</td>'
        in page
    )
    assert 'data-row="2" data-col="2" data-raw="=1+2" tabindex="0">3</td>' in page
    assert (
        'class="delete-row" data-row="2"' in page
        and 'class="sort" data-col="1" data-order="ASCENDING"' in page
    )
    assert '<form id="add-row">' in page
    # The product's CSP forbids inline code: only external scripts, no on* handlers, no style attributes.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/_emulator/static/grid.js" defer>']
    assert not re.search(r"\son[a-z]+=", page) and " style=" not in page
    js = http.get(emulator.base_url + "/_emulator/static/grid.js")
    assert js.status_code == 200 and "javascript" in js.headers["Content-Type"]
    assert "/values/" in js.text and ":batchUpdate" in js.text and ":append" in js.text
    assert (
        http.get(emulator.base_url + "/_emulator/static/grid.css")
        .headers["Content-Type"]
        .startswith("text/css")
    )
    assert http.get(emulator.base_url + "/_emulator/static/..%2Fserver.py").status_code == 404


def test_sheet_page_tabs_and_unknown_spreadsheet(
    emulator: EmulatorServer, sh: Any, http: requests.Session
) -> None:
    sh.add_worksheet("Second tab", 5, 3)
    page = http.get(f"{emulator.base_url}/sheets/{SID}", params={"tab": "Second tab"}).text
    assert 'data-sheet-title="Second tab"' in page and 'aria-current="page">Second tab</a>' in page
    assert http.get(f"{emulator.base_url}/sheets/missing").status_code == 404


def test_page_actions_use_the_api_paths_the_script_calls(
    emulator: EmulatorServer, http: requests.Session
) -> None:
    """The same requests grid.js sends: an edit, a new row, a sort and a row deletion."""
    emulator.set_values(SID, "Sheet1", "A1", [["name"], ["b"], ["a"]])
    base = f"{emulator.base_url}/v4/spreadsheets/{SID}"
    edit = http.put(
        base + "/values/%27Sheet1%27!A2?valueInputOption=USER_ENTERED", json={"values": [["c"]]}
    )
    assert edit.status_code == 200
    append = (
        "/values/%27Sheet1%27!A1:append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS"
    )
    assert http.post(base + append, json={"values": [["d"]]}).status_code == 200
    sort = {
        "sortRange": {
            "range": {"sheetId": 0, "startRowIndex": 1},
            "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}],
        }
    }
    assert http.post(base + ":batchUpdate", json={"requests": [sort]}).status_code == 200
    delete = {
        "deleteDimension": {
            "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
        }
    }
    assert http.post(base + ":batchUpdate", json={"requests": [delete]}).status_code == 200
    assert emulator.values(SID, "Sheet1") == [["name"], ["c"], ["d"]]


def test_state_persists_to_a_json_file(tmp_path: Path, sleeps: list[float]) -> None:
    data = tmp_path / "state" / "sheets.json"
    srv = EmulatorServer(port=0, quota_per_minute=None, data_file=data).start()
    try:
        srv.create_spreadsheet("Kept", id="kept-1")
        sh = sheets.open_spreadsheet(
            sheets.SheetSettings("kept-1", None, srv.base_url), sleep=sleeps
        )
        try:
            sh.values_update(
                "Sheet1!A1",
                params={"valueInputOption": "USER_ENTERED"},
                body={"values": [["a", "=2*2", "2024-01-02"]]},
            )
            sh.add_worksheet("Tab", 4, 4)
            sh.sheet1.update_note("A1", "a note")
            before = sh.fetch_sheet_metadata({"includeGridData": "true"})
        finally:
            sheets.close(sh)
    finally:
        srv.stop()
    assert json.loads(data.read_text())["spreadsheets"][0]["id"] == "kept-1"
    assert sorted(p.name for p in data.parent.iterdir()) == [
        "sheets.json"
    ]  # no temp files left behind
    again = EmulatorServer(port=0, quota_per_minute=None, data_file=data).start()
    try:
        assert again.values("kept-1", "Sheet1") == [["a", "=2*2", 45293]]
        sh = sheets.open_spreadsheet(
            sheets.SheetSettings("kept-1", None, again.base_url), sleep=sleeps
        )
        try:
            assert sh.fetch_sheet_metadata({"includeGridData": "true"}) == before
        finally:
            sheets.close(sh)
    finally:
        again.stop()


def test_command_line(tmp_path: Path) -> None:
    data = tmp_path / "cli.json"
    cmd = [
        sys.executable,
        "-m",
        "sheets_emulator",
        "--port",
        "0",
        "--data",
        str(data),
        "--no-quota",
        "--latency-ms",
        "0",
        "--create",
        "Demo",
        "--id",
        "demo-1",
    ]
    proc = subprocess.Popen(
        cmd, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2]
    )
    try:
        url: list[str] = []
        ready = threading.Event()

        def watch() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                found = re.search(r"Sheets emulator on (http://\S+)/", line)
                if found:
                    url.append(found.group(1))
                    ready.set()
                    return

        threading.Thread(target=watch, daemon=True).start()
        assert ready.wait(20), "the emulator did not start"
        with requests.Session() as http:
            http.trust_env = False
            reply = http.get(
                f"{url[0]}/v4/spreadsheets/demo-1", params={"fields": "properties.title"}, timeout=5
            )
            assert reply.json() == {"properties": {"title": "Demo"}}
        assert json.loads(data.read_text())["spreadsheets"][0]["id"] == "demo-1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()
