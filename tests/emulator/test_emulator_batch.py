"""spreadsheets.get and spreadsheets.batchUpdate: metadata, field masks, structural requests."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_emulator import EmulatorServer
from sync import sheets

SID = "test-spreadsheet-0001"  # the id the emulator fixture creates
SHEET1 = {
    "sheetId": 0,
    "title": "Sheet1",
    "index": 0,
    "sheetType": "GRID",
    "gridProperties": {"rowCount": 1000, "columnCount": 26},
}


def test_metadata_reply(sh: Any) -> None:
    assert sh.fetch_sheet_metadata() == {
        "spreadsheetId": SID,
        "properties": {
            "title": "Test book",
            "locale": "en_US",
            "autoRecalc": "ON_CHANGE",
            "timeZone": "Etc/GMT",
        },
        "sheets": [{"properties": SHEET1}],
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{SID}/edit",
    }


def test_fields_masks_in_all_three_spellings(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["a", "=1+1"]])
    dotted = sh.fetch_sheet_metadata({"fields": "sheets.data.rowData.values.formattedValue"})
    slashed = sh.fetch_sheet_metadata({"fields": "sheets/data/rowData/values/formattedValue"})
    grouped = sh.fetch_sheet_metadata({"fields": "sheets(data.rowData.values.formattedValue)"})
    expected = {
        "sheets": [
            {
                "data": [
                    {"rowData": [{"values": [{"formattedValue": "a"}, {"formattedValue": "2"}]}]}
                ]
            }
        ]
    }
    assert dotted == slashed == grouped == expected
    props = sh.fetch_sheet_metadata(
        {"fields": "sheets(properties(title,gridProperties.rowCount)),properties.title"}
    )
    assert props == {
        "properties": {"title": "Test book"},
        "sheets": [{"properties": {"title": "Sheet1", "gridProperties": {"rowCount": 1000}}}],
    }


def test_grid_data_for_ranges(sh: Any, emulator: EmulatorServer) -> None:
    sh.add_worksheet("Other", 5, 5)
    emulator.set_values(SID, "Sheet1", "A1", [["x", "2024-03-05"], ["", "=2*3"]])
    reply = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": "Sheet1!A1:C2"})
    assert [s["properties"]["title"] for s in reply["sheets"]] == ["Sheet1"]
    (grid,) = reply["sheets"][0]["data"]
    assert grid["rowData"] == [
        {
            "values": [
                {
                    "userEnteredValue": {"stringValue": "x"},
                    "effectiveValue": {"stringValue": "x"},
                    "formattedValue": "x",
                },
                {
                    "userEnteredValue": {"numberValue": 45356},
                    "effectiveValue": {"numberValue": 45356},
                    "formattedValue": "2024-03-05",
                    "userEnteredFormat": {
                        "numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}
                    },
                    "effectiveFormat": {
                        "numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}
                    },
                },
            ]
        },
        {
            "values": [
                {},
                {
                    "userEnteredValue": {"formulaValue": "=2*3"},
                    "effectiveValue": {"numberValue": 6},
                    "formattedValue": "6",
                },
            ]
        },
    ]
    assert len(grid["rowMetadata"]) == 2 and len(grid["columnMetadata"]) == 3
    offset = sh.fetch_sheet_metadata(
        {
            "includeGridData": "true",
            "ranges": "Sheet1!B2",
            "fields": "sheets.data(startRow,startColumn)",
        }
    )
    assert offset == {"sheets": [{"data": [{"startRow": 1, "startColumn": 1}]}]}


def test_batch_update_replies_in_order(sh: Any) -> None:
    reply = sh.batch_update(
        {
            "requests": [
                {
                    "addSheet": {
                        "properties": {
                            "sheetId": 77,
                            "title": "People",
                            "gridProperties": {"rowCount": 10, "columnCount": 4},
                        }
                    }
                },
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": 77, "gridProperties": {"frozenRowCount": 1}},
                        "fields": "gridProperties.frozenRowCount",
                    }
                },
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": 77, "startRowIndex": 0, "endRowIndex": 1},
                            "description": "header",
                            "warningOnly": True,
                        }
                    }
                },
            ]
        }
    )
    assert reply == {
        "spreadsheetId": SID,
        "replies": [
            {
                "addSheet": {
                    "properties": {
                        "sheetId": 77,
                        "title": "People",
                        "index": 1,
                        "sheetType": "GRID",
                        "gridProperties": {"rowCount": 10, "columnCount": 4},
                    }
                }
            },
            {},
            {
                "addProtectedRange": {
                    "protectedRange": {
                        "protectedRangeId": 100001,
                        "range": {"sheetId": 77, "startRowIndex": 0, "endRowIndex": 1},
                        "description": "header",
                        "warningOnly": True,
                        "requestingUserCanEdit": True,
                    }
                }
            },
        ],
    }
    meta = sh.fetch_sheet_metadata(
        {"fields": "sheets(properties.gridProperties,protectedRanges.protectedRangeId)"}
    )
    assert meta["sheets"][1] == {
        "properties": {"gridProperties": {"rowCount": 10, "columnCount": 4, "frozenRowCount": 1}},
        "protectedRanges": [{"protectedRangeId": 100001}],
    }
    sh.batch_update({"requests": [{"deleteProtectedRange": {"protectedRangeId": 100001}}]})
    assert "protectedRanges" not in sh.fetch_sheet_metadata()["sheets"][1]


def test_update_sheet_properties_honours_fields(sh: Any, emulator: EmulatorServer) -> None:
    sh.add_worksheet("Second", 10, 3)
    ws = sh.sheet1
    ws.update_title("Renamed")
    ws.freeze(rows=2)
    ws.resize(rows=20, cols=5)
    sh.batch_update(
        {
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": 0,
                            "index": 1,
                            "hidden": True,
                            "title": "ignored",
                        },
                        "fields": "index,hidden",
                    }
                }
            ]
        }
    )
    props = [s["properties"] for s in sh.fetch_sheet_metadata()["sheets"]]
    assert [p["title"] for p in props] == ["Second", "Renamed"]
    assert props[1] == {
        "sheetId": 0,
        "title": "Renamed",
        "index": 1,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": 20, "columnCount": 5, "frozenRowCount": 2},
        "hidden": True,
    }


def test_resize_drops_cells_outside(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["a"], ["b"], ["c"]])
    sh.sheet1.resize(rows=2)
    assert emulator.values(SID, "Sheet1") == [["a"], ["b"]]


def test_insert_delete_append_dimension(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["a", "b"], ["c", "d"]])
    sh.batch_update(
        {
            "requests": [
                {
                    "insertDimension": {
                        "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
                    }
                },
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": 0,
                            "dimension": "COLUMNS",
                            "startIndex": 0,
                            "endIndex": 1,
                        }
                    }
                },
                {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}},
            ]
        }
    )
    assert emulator.values(SID, "Sheet1") == [["", "a", "b"], ["", "", ""], ["", "c", "d"]]
    assert emulator.sheet_properties(SID, "Sheet1")["gridProperties"] == {
        "rowCount": 1006,
        "columnCount": 27,
    }
    sh.sheet1.delete_rows(1, 2)
    assert emulator.values(SID, "Sheet1") == [["", "c", "d"]]


def test_sort_range(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(
        SID, "Sheet1", "A1", [["name", "n"], ["b", "10"], ["A", "2"], ["", "5"], ["c", "x"]]
    )
    sort = {
        "range": {"sheetId": 0, "startRowIndex": 1},
        "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "ASCENDING"}],
    }
    sh.batch_update({"requests": [{"sortRange": sort}]})
    assert [r[0] for r in emulator.values(SID, "Sheet1")] == ["name", "A", "b", "c", ""]
    sort["sortSpecs"] = [{"dimensionIndex": 1, "sortOrder": "DESCENDING"}]
    sh.batch_update({"requests": [{"sortRange": sort}]})
    assert [r[1] for r in emulator.values(SID, "Sheet1")] == ["n", "x", 10, 5, 2]


def test_data_validation_notes_and_formats_are_kept(sh: Any) -> None:
    rule = {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": "open"}, {"userEnteredValue": "closed"}],
        },
        "strict": True,
        "showCustomUi": True,
    }
    sh.batch_update(
        {
            "requests": [
                {
                    "setDataValidation": {
                        "range": {
                            "sheetId": 0,
                            "startRowIndex": 1,
                            "endRowIndex": 3,
                            "startColumnIndex": 2,
                            "endColumnIndex": 3,
                        },
                        "rule": rule,
                    }
                },
                {
                    "repeatCell": {
                        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold",
                    }
                },
            ]
        }
    )
    sh.sheet1.update_note("A1", "the header")
    reply = sh.fetch_sheet_metadata(
        {
            "ranges": "Sheet1!A1:C2",
            "fields": "sheets.data.rowData.values(note,userEnteredFormat,dataValidation)",
        }
    )
    rows = reply["sheets"][0]["data"][0]["rowData"]
    assert rows[0]["values"][0] == {
        "userEnteredFormat": {"textFormat": {"bold": True}},
        "note": "the header",
    }
    assert rows[1]["values"][2] == {"dataValidation": rule}
    assert sh.sheet1.get_note("A1") == "the header"


def test_update_cells_with_range_clears_uncovered_cells(sh: Any, emulator: EmulatorServer) -> None:
    emulator.set_values(SID, "Sheet1", "A1", [["a", "b"]])
    rows = [{"values": [{"userEnteredValue": {"numberValue": 5}}]}]
    rng = {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 1,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    sh.batch_update(
        {"requests": [{"updateCells": {"rows": rows, "range": rng, "fields": "userEnteredValue"}}]}
    )
    assert emulator.values(SID, "Sheet1") == [[5]]


def test_spreadsheet_properties(sh: Any) -> None:
    sh.update_title("New title")
    sh.update_timezone("Europe/Paris")
    props = sh.fetch_sheet_metadata({"fields": "properties(title,timeZone,locale)"})["properties"]
    assert props == {"title": "New title", "timeZone": "Europe/Paris", "locale": "en_US"}


def test_batch_update_is_all_or_nothing(sh: Any, emulator: EmulatorServer) -> None:
    with pytest.raises(sheets.SheetError) as err:
        sh.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "Kept?"}}},
                    {"deleteSheet": {"sheetId": 999}},
                ]
            }
        )
    assert err.value.message == "Invalid requests[1].deleteSheet: No grid with id: 999"
    assert [ws.title for ws in sh.worksheets()] == ["Sheet1"]


@pytest.mark.parametrize(
    ("request_body", "message"),
    [
        (
            {"deleteSheet": {"sheetId": 0}},
            "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document.",
        ),
        (
            {"addSheet": {"properties": {"title": "Sheet1"}}},
            'Invalid requests[0].addSheet: A sheet with the name "Sheet1" already exists. Please enter another name.',
        ),
        (
            {"frobnicate": {}},
            "Invalid JSON payload received. Unknown name \"frobnicate\" at 'requests[0]': Cannot find field.",
        ),
        (
            {
                "repeatCell": {
                    "range": {"sheetId": 0, "startRowIndex": 1000, "endRowIndex": 1001},
                    "cell": {},
                    "fields": "note",
                }
            },
            "Range ('Sheet1'!A1001:Z1001) exceeds grid limits. Max rows: 1000, max columns: 26",
        ),
    ],
)
def test_batch_update_errors(sh: Any, request_body: dict[str, Any], message: str) -> None:
    with pytest.raises(sheets.SheetError) as err:
        sh.batch_update({"requests": [request_body]})
    assert (err.value.code, err.value.message) == (400, message)


def test_gspread_worksheet_management(sh: Any) -> None:
    ws = sh.add_worksheet("Tab two", rows=5, cols=3, index=0)
    assert [w.title for w in sh.worksheets()] == ["Tab two", "Sheet1"]
    sh.reorder_worksheets([sh.worksheet("Sheet1"), ws])
    assert [w.title for w in sh.worksheets()] == ["Sheet1", "Tab two"]
    sh.del_worksheet(ws)
    assert [w.title for w in sh.worksheets()] == ["Sheet1"]
    with pytest.raises(sheets.SheetNotFound):
        sheets.worksheet(sh, "Tab two")
