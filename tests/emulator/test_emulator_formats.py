"""Formats as Sheets has them: number formats in FORMATTED_VALUE, plain-text cells, partial format
masks, notes, conditional formats (CUSTOM_FORMULA with TODAY()), effectiveFormat and the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests

from sheets_emulator import EmulatorServer
from sync import sheets

SID = "test-spreadsheet-0001"
RED = {"red": 1, "green": 0.8, "blue": 0.8}
AMBER = {"red": 1, "green": 0.9, "blue": 0.6}
DAY = dt.date(2024, 3, 5)  # serial 45356


def _format(sh: Any, a1: tuple[int, int, int, int], fmt: dict, fields: str) -> None:
    r0, r1, c0, c1 = a1
    sh.batch_update({"requests": [{"repeatCell": {
        "range": {"sheetId": 0, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1},
        "cell": fmt, "fields": fields}}]})


def _read(sh: Any, rng: str, option: str) -> list:
    return sh.values_get(rng, params={"valueRenderOption": option}).get("values", [])


def test_money_and_date_formats_show_in_formatted_value_and_leave_the_value_alone(sh: Any) -> None:
    sh.values_update("Sheet1!A1", params={"valueInputOption": "RAW"}, body={"values": [[1200000, 45356]]})
    _format(sh, (0, 1, 0, 1), {"userEnteredFormat": {"numberFormat": {"type": "CURRENCY", "pattern": "¥#,##0.00"}}},
            "userEnteredFormat.numberFormat")
    _format(sh, (0, 1, 1, 2), {"userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}},
            "userEnteredFormat.numberFormat")
    assert _read(sh, "Sheet1!A1:B1", "FORMATTED_VALUE") == [["¥1,200,000.00", "2024-03-05"]]
    assert _read(sh, "Sheet1!A1:B1", "UNFORMATTED_VALUE") == [[1200000, 45356]]
    assert _read(sh, "Sheet1!A1:B1", "FORMULA") == [[1200000, 45356]]


def test_a_plain_text_cell_keeps_typed_digits_as_text(sh: Any) -> None:
    _format(sh, (0, 2, 0, 1), {"userEnteredFormat": {"numberFormat": {"type": "TEXT"}}},
            "userEnteredFormat.numberFormat")
    sh.values_update("Sheet1!A1:B2", params={"valueInputOption": "USER_ENTERED"},
                     body={"values": [["13800138000", "13800138000"], ["=1+1", ""]]})
    assert _read(sh, "Sheet1!A1:B2", "UNFORMATTED_VALUE") == [["13800138000", 13800138000], [2]]


def test_a_partial_format_mask_clears_only_its_part(sh: Any, emulator: EmulatorServer) -> None:
    _format(sh, (0, 1, 0, 1), {"userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"},
                                                     "backgroundColor": RED}, "note": "why"},
            "note,userEnteredFormat(numberFormat,backgroundColor)")
    _format(sh, (0, 1, 0, 1), {}, "note,userEnteredFormat.backgroundColor")
    cell = _cells(sh, "Sheet1!A1")[0]
    assert "note" not in cell
    assert cell["userEnteredFormat"] == {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}


def _cells(sh: Any, rng: str) -> list[dict]:
    reply = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": rng,
                                     "fields": "sheets.data.rowData.values(userEnteredFormat,effectiveFormat,note)"})
    rows = reply["sheets"][0]["data"][0].get("rowData", [])
    return [cell for row in rows for cell in row.get("values", [])]


def _due_rules(sh: Any) -> None:
    """Rows 2-5 of A:C highlighted when B (a due date) is before today (red) or today (amber) and C says active."""
    rules = []
    for op, color in (("<", RED), ("=", AMBER)):
        rules.append({"addConditionalFormatRule": {"index": len(rules), "rule": {
            "ranges": [{"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 3}],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [
                {"userEnteredValue": f'=AND(ISNUMBER($B2),$B2{op}TODAY(),$C2="active")'}]},
                "format": {"backgroundColor": color}}}}})
    sh.batch_update({"requests": rules})


def test_a_custom_formula_rule_reads_each_row_relative_to_its_range_and_today(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_today(DAY)
    sh.values_update("Sheet1!A1", params={"valueInputOption": "RAW"}, body={"values": [
        ["plan", "due", "status"], ["late", 45355, "active"], ["today", 45356, "active"],
        ["later", 45357, "active"], ["paused", 45300, "paused"]]})
    _due_rules(sh)
    cells = _cells(sh, "Sheet1!A2:A5")
    assert [c.get("effectiveFormat", {}).get("backgroundColor") for c in cells] == [RED, AMBER, None, None]
    assert "userEnteredFormat" not in cells[0]  # the highlight is the rule's, not the cell's
    emulator.set_today(DAY + dt.timedelta(days=2))  # two days on, "later" is late too
    assert _cells(sh, "Sheet1!A4")[0]["effectiveFormat"]["backgroundColor"] == RED
    listed = sh.fetch_sheet_metadata({"fields": "sheets.conditionalFormats"})["sheets"][0]["conditionalFormats"]
    assert [r["booleanRule"]["format"]["backgroundColor"] for r in listed] == [RED, AMBER]


def test_conditional_rules_are_deleted_updated_and_refused_as_google_does(sh: Any) -> None:
    _due_rules(sh)
    reply = sh.batch_update({"requests": [{"deleteConditionalFormatRule": {"sheetId": 0, "index": 0}}]})
    assert reply["replies"][0]["deleteConditionalFormatRule"]["rule"]["booleanRule"]["format"]["backgroundColor"] == RED
    with pytest.raises(sheets.SheetError) as err:
        sh.batch_update({"requests": [{"deleteConditionalFormatRule": {"sheetId": 0, "index": 5}}]})
    assert err.value.code == 400
    with pytest.raises(sheets.SheetError):
        sh.batch_update({"requests": [{"addConditionalFormatRule": {"rule": {
            "ranges": [{"sheetId": 0}], "booleanRule": {"condition": {
                "type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "B2<1"}]}, "format": {}}}}}]})
    left = sh.fetch_sheet_metadata({"fields": "sheets.conditionalFormats"})["sheets"][0]["conditionalFormats"]
    assert len(left) == 1


def test_a_date_condition_relative_to_today(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_today(DAY)
    sh.values_update("Sheet1!A1", params={"valueInputOption": "RAW"}, body={"values": [[45355], [45356], [""]]})
    sh.batch_update({"requests": [{"addConditionalFormatRule": {"rule": {
        "ranges": [{"sheetId": 0, "startColumnIndex": 0, "endColumnIndex": 1}],
        "booleanRule": {"condition": {"type": "DATE_BEFORE", "values": [{"relativeDate": "TODAY"}]},
                        "format": {"backgroundColor": RED}}}}}]})
    cells = _cells(sh, "Sheet1!A1:A2")
    assert [c.get("effectiveFormat", {}).get("backgroundColor") for c in cells] == [RED, None]


def test_the_page_shows_backgrounds_notes_and_highlights(sh: Any, emulator: EmulatorServer,
                                                         http: requests.Session) -> None:
    emulator.set_today(DAY)
    sh.values_update("Sheet1!A1", params={"valueInputOption": "RAW"}, body={"values": [
        ["plan", "due", "status"], ["late", 45355, "active"], ["fine", 45400, "active"]]})
    _due_rules(sh)
    _format(sh, (2, 3, 0, 1), {"userEnteredFormat": {"backgroundColor": {"red": 0.988, "green": 0.859,
                                                                         "blue": 0.851}}, "note": "name: why"},
            "note,userEnteredFormat.backgroundColor")
    page = http.get(f"{emulator.base_url}/sheets/{SID}").text
    assert 'id="cell-2-1" data-row="2" data-col="1" data-raw="late" tabindex="0" data-bg="#ffcccc">' in page
    assert ('id="cell-3-1" data-row="3" data-col="1" data-raw="fine" tabindex="0" data-bg="#fcdbd9"'
            ' class="has-note" data-note="name: why" title="name: why">') in page
    assert " style=" not in page  # the script paints data-bg: a strict CSP holds


def test_forbidden_and_disabled_api_faults_answer_like_google(emulator: EmulatorServer, http: requests.Session) -> None:
    url = f"{emulator.base_url}/v4/spreadsheets/{SID}"
    emulator.add_fault("403")
    emulator.add_fault("api_disabled")
    denied, disabled = http.get(url).json()["error"], http.get(url).json()["error"]
    assert (denied["code"], denied["status"], denied["message"]) == (
        403, "PERMISSION_DENIED", "The caller does not have permission")
    assert disabled["code"] == 403 and "has not been used in project" in disabled["message"]
    assert disabled["details"][0]["reason"] == "SERVICE_DISABLED"
    assert http.get(url).status_code == 200
