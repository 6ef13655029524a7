"""Where the emulator used to differ from Google: column-major writes, append's tables,
number formats, protected ranges' editors and the details of a malformed payload."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_emulator import EmulatorServer
from sync import sheets

SID = "test-spreadsheet-0001"
RAW = {"valueInputOption": "RAW"}


def test_insert_cols_puts_the_values_in_the_new_column(sh: Any, emulator: EmulatorServer) -> None:
    # gspread inserts the column, then appends column-major values at its (empty) top cell.
    emulator.set_values(SID, "Sheet1", "A1", [["h1", "h2"], ["1", "2"], ["3", "4"]])
    sh.sheet1.insert_cols([["a", "b", "c"]], col=2)
    assert emulator.values(SID, "Sheet1") == [["h1", "a", "h2"], [1, "b", 2], [3, "c", 4]]


def test_columns_major_write_into_one_cell_fills_that_column(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["x", "", "y"]])
    sh.values_update("Sheet1!B1", params=RAW, body={"majorDimension": "COLUMNS", "values": [[1, 2, 3]]})
    assert sh.values_get("Sheet1!A1:C3", params={"valueRenderOption": "UNFORMATTED_VALUE"})["values"] == [
        ["x", 1, "y"], ["", 2], ["", 3]]


def test_append_after_a_row_with_a_gap_starts_under_its_last_table(sh: Any, emulator: EmulatorServer) -> None:
    # As gspread's test_append_row_with_empty_value records from Google: the blank cell makes
    # two tables, and an append to the whole tab goes under the last one.
    ws = sh.sheet1
    ws.append_row(["a", "", "c"])
    ws.append_row(["a", "", "c"])
    assert ws.row_values(2) == ["", "", "a", "", "c"]


def test_append_to_a_named_cell_uses_that_cells_table(sh: Any) -> None:
    ws = sh.sheet1
    ws.append_row(["a", "", "c"])
    ws.append_row(["a", "", "c"], table_range="A1")
    assert ws.row_values(2) == ["a", "", "c"]


@pytest.mark.parametrize(("pattern", "value", "shown"), [
    ("#,##0.00", 2000000.01, "2,000,000.01"),
    ("#,##0", 1234567, "1,234,567"),
    ("0.00", 3.5, "3.50"),
    ("0.0%", 0.256, "25.6%"),
    ("[$¥-804]#,##0.00", 1234.5, "¥1,234.50"),
    ("#,##0.00;(#,##0.00)", -42, "(42.00)"),
    ("0.00E+00", 12345.678, "1.23E+04"),
])
def test_formatted_value_follows_the_number_format(sh: Any, pattern: str, value: float, shown: str) -> None:
    ws = sh.sheet1
    ws.update([[value]], "A1", raw=True)
    ws.format("A1", {"numberFormat": {"type": "NUMBER", "pattern": pattern}})
    assert sh.values_get("Sheet1!A1")["values"] == [[shown]]
    assert sh.values_get("Sheet1!A1", params={"valueRenderOption": "UNFORMATTED_VALUE"})["values"] == [[value]]


def test_protected_range_editors_are_shaped_as_google_replies(sh: Any) -> None:
    ws = sh.sheet1
    reply = ws.add_protected_range("A1:B2", editor_users_emails=["Owner@Example.com"])
    protected = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    assert protected["editors"] == {"users": ["owner@example.com"]}  # no empty groups, no false flag
    warning = ws.add_protected_range("C1:C2", warning_only=True)["replies"][0]["addProtectedRange"]
    assert "editors" not in warning["protectedRange"]  # not supported with warning-only protection
    assert warning["protectedRange"]["warningOnly"] is True


def test_a_lock_without_editors_is_refused_as_google_does(sh: Any) -> None:
    with pytest.raises(sheets.SheetError) as err:
        sh.sheet1.add_protected_range("A1:B2")
    assert err.value.code == 400
    assert "You can't remove yourself as an editor" in err.value.message


def test_malformed_payloads_carry_googles_bad_request_details(http: Any, emulator: EmulatorServer) -> None:
    url = f"{emulator.base_url}/v4/spreadsheets/{SID}:batchUpdate"
    reply = http.post(url, json={"requests": [{"frobnicate": {}}]})
    message = "Invalid JSON payload received. Unknown name \"frobnicate\" at 'requests[0]': Cannot find field."
    assert reply.status_code == 400
    assert reply.json() == {"error": {
        "code": 400, "message": message, "status": "INVALID_ARGUMENT",
        "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                     "fieldViolations": [{"field": "requests[0]", "description": message}]}]}}
    broken = http.post(url, data=b"{not json", headers={"Content-Type": "application/json"})
    details = broken.json()["error"]["details"]
    assert details[0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert details[0]["fieldViolations"][0]["description"].startswith("Invalid JSON payload received")
    render = http.get(f"{emulator.base_url}/v4/spreadsheets/{SID}/values/A1",
                      params={"valueRenderOption": "SHINY"})
    assert render.json()["error"]["details"][0]["fieldViolations"][0]["field"] == "value_render_option"


def test_service_errors_have_no_details(http: Any, emulator: EmulatorServer) -> None:
    reply = http.get(f"{emulator.base_url}/v4/spreadsheets/{SID}/values/%27Nope%27%21A1")
    assert "details" not in reply.json()["error"]
