"""The cycle's one write: rectangles of the given cells only, whatever their shape."""
from __future__ import annotations

from sync import gateway
from sync.sheets import SheetSettings, open_spreadsheet

SID = "sync-test-sheet"  # the emulator fixture's spreadsheet


def test_rows_with_the_same_columns_are_written_as_one_block():
    rows = {number: {0: f"id{number}", 1: f"name{number}", 2: "ok"} for number in range(2, 1002)}
    blocks = list(gateway._blocks(rows))
    assert [(first, last, start, end) for first, last, start, end, _v in blocks] == [(2, 1001, 0, 2)]
    assert blocks[0][4][0] == ["id2", "name2", "ok"] and len(blocks[0][4]) == 1000


def test_gaps_between_rows_or_columns_split_the_blocks():
    rows = {2: {0: "a", 1: "b", 3: "d"}, 3: {0: "e", 1: "f", 3: "h"}, 5: {0: "i", 1: "j"}, 6: {1: "k"}}
    blocks = {(first, last, start, end): values for first, last, start, end, values in gateway._blocks(rows)}
    assert blocks == {
        (2, 3, 0, 1): [["a", "b"], ["e", "f"]],
        (2, 3, 3, 3): [["d"], ["h"]],
        (5, 5, 0, 1): [["i", "j"]],  # row 4 is not written: the block stops before it
        (6, 6, 1, 1): [["k"]],
    }


def test_only_the_given_cells_change_in_the_sheet(emulator):
    emulator.set_values(SID, "Sheet1", "A1", [[f"{r}{c}" for c in "ABCDE"] for r in range(1, 7)])
    spreadsheet = open_spreadsheet(SheetSettings(spreadsheet_id=SID, emulator_url=emulator.base_url))
    tabs = gateway.read_tabs(spreadsheet, ["Sheet1"])
    calls = gateway.write_cells(spreadsheet, tabs, {"Sheet1": {
        2: {0: "x", 1: "x", 3: "x"}, 3: {0: "x", 1: "x", 3: "x"}, 5: {4: "x"}}})
    assert calls == 1
    assert emulator.values(SID, "Sheet1") == [
        ["1A", "1B", "1C", "1D", "1E"],
        ["x", "x", "2C", "x", "2E"],
        ["x", "x", "3C", "x", "3E"],
        ["4A", "4B", "4C", "4D", "4E"],
        ["5A", "5B", "5C", "5D", "x"],
        ["6A", "6B", "6C", "6D", "6E"],
    ]

