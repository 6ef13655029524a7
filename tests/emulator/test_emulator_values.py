"""spreadsheets.values.*: exact reply shapes, input parsing, render options and errors."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_emulator import EmulatorServer
from sync import sheets

SID = "test-spreadsheet-0001"  # the id the emulator fixture creates

RAW = {"valueInputOption": "RAW"}
USER = {"valueInputOption": "USER_ENTERED"}


def test_values_get_reply_is_trimmed_with_interior_blanks(
    sh: Any, emulator: EmulatorServer
) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["a", "", "c"], ["", "", ""], ["", "e"]])
    assert sh.values_get("Sheet1!A1:D5") == {
        "range": "Sheet1!A1:D5",
        "majorDimension": "ROWS",
        "values": [["a", "", "c"], [], ["", "e"]],
    }


def test_empty_range_has_no_values_key(sh: Any) -> None:
    assert sh.values_get("Sheet1!B2:C3") == {"range": "Sheet1!B2:C3", "majorDimension": "ROWS"}


def test_columns_major_dimension(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["a", "b"], ["c"]])
    reply = sh.values_get("Sheet1!A1:B2", params={"majorDimension": "COLUMNS"})
    assert reply == {
        "range": "Sheet1!A1:B2",
        "majorDimension": "COLUMNS",
        "values": [["a", "c"], ["b"]],
    }


def test_update_reply(sh: Any) -> None:
    reply = sh.values_update("Sheet1!B2", params=RAW, body={"values": [["x", "y"], ["z"]]})
    assert reply == {
        "spreadsheetId": SID,
        "updatedRange": "Sheet1!B2:C3",
        "updatedRows": 2,
        "updatedColumns": 2,
        "updatedCells": 3,
    }


def test_update_with_values_in_response(sh: Any) -> None:
    params = {
        **USER,
        "includeValuesInResponse": True,
        "responseValueRenderOption": "UNFORMATTED_VALUE",
    }
    reply = sh.values_update("Sheet1!A1", params=params, body={"values": [["7", "=A1*2"]]})
    assert reply["updatedData"] == {
        "range": "Sheet1!A1:B1",
        "majorDimension": "ROWS",
        "values": [[7, 14]],
    }


def test_update_columns_major(sh: Any) -> None:
    sh.values_update(
        "Sheet1!A1",
        params=RAW,
        body={"majorDimension": "COLUMNS", "values": [["a", "b"], ["c", "d"]]},
    )
    assert sh.values_get("Sheet1!A1:B2")["values"] == [["a", "c"], ["b", "d"]]


def test_null_skips_and_empty_string_clears(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["keep", "drop"]])
    sh.values_update("Sheet1!A1", params=RAW, body={"values": [[None, ""]]})
    assert emulator.values(SID, "Sheet1") == [["keep"]]


def test_raw_stores_exactly_what_is_sent(sh: Any, emulator: EmulatorServer) -> None:
    sh.values_update(
        "Sheet1!A1",
        params=RAW,
        body={"values": [["0042", 42, 4.5, True, "=1+1", "TRUE", "2024-03-05"]]},
    )
    assert emulator.values(SID, "Sheet1") == [["0042", 42, 4.5, True, "=1+1", "TRUE", "2024-03-05"]]
    assert sh.values_get("Sheet1!A1:G1", params={"valueRenderOption": "UNFORMATTED_VALUE"})[
        "values"
    ] == [["0042", 42, 4.5, True, "=1+1", "TRUE", "2024-03-05"]]
    assert sh.values_get("Sheet1!A1:G1")["values"] == [
        ["0042", "42", "4.5", "TRUE", "=1+1", "TRUE", "2024-03-05"]
    ]


def test_user_entered_parses_like_typing(sh: Any) -> None:
    row = ["0042", "3.50", "-7", "1,234", "true", "FALSE", "'0042", "'=1+1", "hello", "1e3"]
    sh.values_update("Sheet1!A1", params=USER, body={"values": [row]})
    unformatted = sh.values_get("Sheet1!A1:J1", params={"valueRenderOption": "UNFORMATTED_VALUE"})[
        "values"
    ]
    assert unformatted == [[42, 3.5, -7, 1234, True, False, "0042", "=1+1", "hello", 1000]]
    formatted = sh.values_get("Sheet1!A1:J1")["values"]
    assert formatted == [
        ["42", "3.5", "-7", "1234", "TRUE", "FALSE", "0042", "=1+1", "hello", "1000"]
    ]


def test_dates_become_serial_numbers(sh: Any) -> None:
    sh.values_update(
        "Sheet1!A1",
        params=USER,
        body={"values": [["2024-03-05", "2024-03-05 14:30:00", "3/5/2024", "1899-12-30"]]},
    )
    assert sh.values_get("Sheet1!A1:D1", params={"valueRenderOption": "UNFORMATTED_VALUE"})[
        "values"
    ] == [[45356, 45356.604166666664, 45356, 0]]
    assert sh.values_get("Sheet1!A1:D1")["values"] == [
        ["2024-03-05", "2024-03-05 14:30:00", "3/5/2024", "1899-12-30"]
    ]
    formatted_string = {
        "valueRenderOption": "UNFORMATTED_VALUE",
        "dateTimeRenderOption": "FORMATTED_STRING",
    }
    assert sh.values_get("Sheet1!A1", params=formatted_string)["values"] == [["2024-03-05"]]


def test_formulas_evaluate_or_give_sheets_errors(sh: Any) -> None:
    formulas = [
        "2",
        "3",
        "=A1+B1*2",
        "=SUM(A1:C1)",
        "=(A1+B1)/2",
        '="n="&A1',
        "=VLOOKUP(1,A:B,2)",
        "=1/0",
        "=A1>B1",
    ]
    sh.values_update("Sheet1!A1", params=USER, body={"values": [formulas]})
    assert sh.values_get("Sheet1!A1:I1")["values"] == [
        ["2", "3", "8", "13", "2.5", "n=2", "#NAME?", "#DIV/0!", "FALSE"]
    ]
    assert sh.values_get("Sheet1!C1:D1", params={"valueRenderOption": "FORMULA"})["values"] == [
        ["=A1+B1*2", "=SUM(A1:C1)"]
    ]
    assert sh.values_get("Sheet1!D1", params={"valueRenderOption": "UNFORMATTED_VALUE"})[
        "values"
    ] == [[13]]


def test_formula_across_sheets_and_cycles(sh: Any) -> None:
    sh.add_worksheet("Data", 10, 5)
    sh.values_update("Data!A1", params=USER, body={"values": [["5"]]})
    sh.values_update("Sheet1!A1", params=USER, body={"values": [["=Data!A1*2", "=B1"]]})
    assert sh.values_get("Sheet1!A1:B1")["values"] == [["10", "#REF!"]]


def test_batch_get_reply(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["a", "b"], ["c", "d"]])
    assert sh.values_batch_get(["Sheet1!A1:B1", "Sheet1!B2", "Sheet1!D4:E5"]) == {
        "spreadsheetId": SID,
        "valueRanges": [
            {"range": "Sheet1!A1:B1", "majorDimension": "ROWS", "values": [["a", "b"]]},
            {"range": "Sheet1!B2", "majorDimension": "ROWS", "values": [["d"]]},
            {"range": "Sheet1!D4:E5", "majorDimension": "ROWS"},
        ],
    }


def test_batch_update_reply(sh: Any) -> None:
    sh.add_worksheet("Other", 10, 5)
    body = {
        "valueInputOption": "USER_ENTERED",
        "data": [
            {"range": "Sheet1!A1", "values": [["1", "2"]]},
            {"range": "Other!B2:C3", "values": [["x"], ["y"]]},
        ],
    }
    assert sh.values_batch_update(body) == {
        "spreadsheetId": SID,
        "totalUpdatedRows": 3,
        "totalUpdatedColumns": 3,
        "totalUpdatedCells": 4,
        "totalUpdatedSheets": 2,
        "responses": [
            {
                "spreadsheetId": SID,
                "updatedRange": "Sheet1!A1:B1",
                "updatedRows": 1,
                "updatedColumns": 2,
                "updatedCells": 2,
            },
            {
                "spreadsheetId": SID,
                "updatedRange": "Other!B2:B3",
                "updatedRows": 2,
                "updatedColumns": 1,
                "updatedCells": 2,
            },
        ],
    }


def test_values_batch_update_is_all_or_nothing(sh: Any, emulator: EmulatorServer) -> None:
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "Sheet1!A1", "values": [["written?"]]},
            {"range": "Sheet1!A1001", "values": [["x"]]},
        ],
    }
    with pytest.raises(sheets.SheetError) as err:
        sh.values_batch_update(body)
    assert err.value.code == 400
    assert emulator.values(SID, "Sheet1") == []


def test_append_reply_and_table_detection(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["name", "age"], ["bob", 3]])
    reply = sh.values_append("Sheet1!A1", params=USER, body={"values": [["al", "5"]]})
    assert reply == {
        "spreadsheetId": SID,
        "tableRange": "Sheet1!A1:B2",
        "updates": {
            "spreadsheetId": SID,
            "updatedRange": "Sheet1!A3:B3",
            "updatedRows": 1,
            "updatedColumns": 2,
            "updatedCells": 2,
        },
    }
    first = sh.values_append("Sheet1", params=RAW, body={"values": [["cy", 7]]})
    assert first["tableRange"] == "Sheet1!A1:B3"
    assert emulator.values(SID, "Sheet1") == [["name", "age"], ["bob", 3], ["al", 5], ["cy", 7]]


def test_append_to_empty_sheet_has_no_table_range(sh: Any) -> None:
    reply = sh.values_append("Sheet1!B2", params=RAW, body={"values": [["x"]]})
    assert reply == {
        "spreadsheetId": SID,
        "updates": {
            "spreadsheetId": SID,
            "updatedRange": "Sheet1!B2",
            "updatedRows": 1,
            "updatedColumns": 1,
            "updatedCells": 1,
        },
    }


def test_append_grows_the_grid(sh: Any, emulator: EmulatorServer) -> None:
    ws = sh.add_worksheet("Small", 2, 2)
    emulator.set_values(SID, "Small", "A1", [["a"], ["b"]])
    reply = sh.values_append("Small!A1", params=RAW, body={"values": [["c", "d", "e"]]})
    assert reply["updates"]["updatedRange"] == "Small!A3:C3"
    props = emulator.sheet_properties(SID, "Small")["gridProperties"]
    assert props == {"rowCount": 3, "columnCount": 3}
    assert ws.get_all_values() == [["a", "", ""], ["b", "", ""], ["c", "d", "e"]]


def test_append_insert_rows_shifts_data_below(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["h"], ["1"], [""], ["below"]])
    sh.values_append(
        "Sheet1!A1", params={**RAW, "insertDataOption": "INSERT_ROWS"}, body={"values": [["new"]]}
    )
    assert emulator.values(SID, "Sheet1") == [["h"], [1], ["new"], [""], ["below"]]
    assert emulator.sheet_properties(SID, "Sheet1")["gridProperties"]["rowCount"] == 1001


def test_clear_and_batch_clear(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["a", "b"], ["c", "d"]])
    assert sh.values_clear("Sheet1!A1:A2") == {"spreadsheetId": SID, "clearedRange": "Sheet1!A1:A2"}
    assert sh.values_batch_clear(body={"ranges": ["Sheet1!B1", "Sheet1"]}) == {
        "spreadsheetId": SID,
        "clearedRanges": ["Sheet1!B1", "Sheet1!A1:Z1000"],
    }
    assert emulator.values(SID, "Sheet1") == []


def test_write_beyond_grid_is_refused(sh: Any) -> None:
    with pytest.raises(sheets.SheetError) as err:
        sh.values_update("Sheet1!A1001", params=RAW, body={"values": [["x"]]})
    assert (err.value.code, err.value.status) == (400, "INVALID_ARGUMENT")
    assert (
        err.value.message
        == "Range ('Sheet1'!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )


def test_write_larger_than_range_is_refused(sh: Any) -> None:
    with pytest.raises(sheets.SheetError) as err:
        sh.values_update("Sheet1!A1:B1", params=RAW, body={"values": [["a"], ["b"]]})
    assert (
        err.value.message
        == "Requested writing within range [Sheet1!A1:B1], but tried writing to row [2]"
    )


def test_unknown_sheet_title(http: Any, emulator: EmulatorServer) -> None:
    reply = http.get(f"{emulator.base_url}/v4/spreadsheets/{SID}/values/%27Nope%27%21A1")
    assert reply.status_code == 400
    assert reply.json() == {
        "error": {
            "code": 400,
            "message": "Unable to parse range: 'Nope'!A1",
            "status": "INVALID_ARGUMENT",
        }
    }


def test_missing_value_input_option(http: Any, emulator: EmulatorServer) -> None:
    reply = http.put(
        f"{emulator.base_url}/v4/spreadsheets/{SID}/values/A1", json={"values": [["x"]]}
    )
    assert reply.json() == {
        "error": {
            "code": 400,
            "message": "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED",
            "status": "INVALID_ARGUMENT",
        }
    }


def test_unknown_spreadsheet_envelope(http: Any, emulator: EmulatorServer) -> None:
    reply = http.get(f"{emulator.base_url}/v4/spreadsheets/missing/values/A1")
    assert reply.status_code == 404
    assert reply.json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }


def test_percent_encoded_ranges_with_quotes_colons_and_slashes(sh: Any) -> None:
    sh.add_worksheet("a/b: 'c'", 5, 5)
    sh.values_update("'a/b: ''c'''!A1", params=RAW, body={"values": [["ok"]]})
    assert sh.values_get("'a/b: ''c'''!A1:B2") == {
        "range": "'a/b: ''c'''!A1:B2",
        "majorDimension": "ROWS",
        "values": [["ok"]],
    }


def test_gspread_worksheet_helpers_round_trip(sh: Any) -> None:
    ws = sh.sheet1
    ws.update([["name", "phone"], ["Ann", "0042"]], "A1", raw=True)
    ws.append_row(["Bob", "'0099"], value_input_option="USER_ENTERED")
    assert ws.get_all_records() == [{"name": "Ann", "phone": 42}, {"name": "Bob", "phone": 99}]
    assert ws.get_all_values() == [["name", "phone"], ["Ann", "0042"], ["Bob", "0099"]]
    ws.update_acell("C2", "=LEN(A2)")
    assert ws.acell("C2").value == "#NAME?"
    assert ws.acell("C2", value_render_option="FORMULA").value == "=LEN(A2)"
    assert ws.col_values(1) == ["name", "Ann", "Bob"]
