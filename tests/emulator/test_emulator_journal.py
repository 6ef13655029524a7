"""The emulator journals people's edits as the sheet's script does, and never an API client's writes."""

from __future__ import annotations

import json
from typing import Any

import requests

from sheets_emulator import EmulatorServer
from sheets_emulator.journal import HEADER, TAB

SID = "test-spreadsheet-0001"  # the id the emulator fixture creates


def _lines(emulator: EmulatorServer) -> list[list[Any]]:
    return [row[:7] for row in emulator.values(SID, TAB)[1:]]


def test_a_person_typing_is_journaled_one_line_per_row_with_the_rows_ids(emulator: EmulatorServer) -> None:
    emulator.set_journal(True)
    emulator.set_values(SID, "Sheet1", "A1", [["Name", "ID", "Due"]], journal=False)
    emulator.set_values(SID, "Sheet1", "A2", [["Acme", "CU-1"], ["Globex", "CU-2"]], editor="li@example.com")
    emulator.set_cell(SID, "Sheet1", "A3", "=1+2")
    assert emulator.values(SID, TAB)[0] == HEADER
    lines = _lines(emulator)
    assert [line[1:] for line in lines] == [
        ["li@example.com", "Sheet1", "A2:B2", 2, "CU-1", '["Acme","CU-1"]'],
        ["li@example.com", "Sheet1", "A3:B3", 3, "CU-2", '["Globex","CU-2"]'],
        ["", "Sheet1", "A3", 3, "CU-2", '["=1+2"]'],
    ]
    assert lines[0][0].endswith("Z") and "T" in lines[0][0]  # UTC, as the script's toISOString
    journal = emulator.sheet_properties(SID, TAB)
    assert journal["hidden"] is True


def test_a_typed_date_is_journaled_as_its_midnight_in_the_sheets_time_zone(emulator: EmulatorServer) -> None:
    emulator.store.book(SID).props["timeZone"] = "Asia/Shanghai"
    emulator.set_journal(True)
    emulator.set_cell(SID, "Sheet1", "C2", "2024-03-05")
    assert json.loads(_lines(emulator)[0][6]) == ["2024-03-04T16:00:00.000Z"]


def test_api_writes_and_a_switched_off_journal_write_no_line(emulator: EmulatorServer, sh: Any) -> None:
    emulator.set_journal(True)
    assert emulator.values(SID, TAB) == [HEADER]  # switched on: the tab is there, as after the script's try
    sh.values_update("Sheet1!A1", params={"valueInputOption": "USER_ENTERED"}, body={"values": [["x"]]})
    emulator.set_values(SID, "Sheet1", "A2", [["sorted"]], journal=False)
    emulator.set_journal(False)
    emulator.set_cell(SID, "Sheet1", "B2", "typed")
    assert emulator.values(SID, TAB) == [HEADER]


def test_the_pages_edits_and_new_rows_are_journaled(emulator: EmulatorServer, http: requests.Session) -> None:
    emulator.set_journal(True)
    emulator.set_values(SID, "Sheet1", "A1", [["ID", "Name"], ["CU-1", "Acme"]], journal=False)
    base = f"{emulator.base_url}/v4/spreadsheets/{SID}"
    person = {"X-Emulator-Person": "1"}
    edit = http.put(base + "/values/%27Sheet1%27!B2?valueInputOption=USER_ENTERED",
                    json={"values": [["Acme Ltd"]]}, headers=person)
    assert edit.status_code == 200
    append = "/values/%27Sheet1%27!A1:append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS"
    assert http.post(base + append, json={"values": [["", "Globex"]]}, headers=person).status_code == 200
    assert http.put(base + "/values/%27Sheet1%27!B2?valueInputOption=RAW",
                    json={"values": [["by the API"]]}).status_code == 200  # no header: an API client
    assert [line[2:] for line in _lines(emulator)] == [
        ["Sheet1", "B2", 2, "CU-1", '["Acme Ltd"]'],
        ["Sheet1", "A3:B3", 3, "", '["","Globex"]'],
    ]


def test_a_number_too_large_for_a_date_in_a_date_column_is_journaled_as_the_number(emulator: EmulatorServer) -> None:
    emulator.set_journal(True)
    emulator.set_values(SID, "Sheet1", "A1", [["ID", "Due"], ["CU-1", "2024-03-05"]], journal=False)
    emulator.set_values(SID, "Sheet1", "B2", [[13800138000]], user_entered=False)  # the date format stays
    assert json.loads(emulator.values(SID, TAB)[-1][6]) == [13800138000]
