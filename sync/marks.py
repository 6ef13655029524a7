"""Refused cells marked where the eye is: a background and a note with the reason, gone once fixed.

The merge decides which rows' marks change (Plan.marks: only rows whose status changes, so a
quiet cycle plans none); this module turns that into `spreadsheets.batchUpdate` requests that
ride in the cycle's one layout request. A row's marks are rewritten whole: first every synced
cell of the row is cleared (background and note: a note a person left on a synced cell of a
refused row goes too), then each refused cell and the status cell are marked.
"""
from __future__ import annotations

from collections.abc import Iterable

from .columns import STATUS

MARK = {"red": 0.988, "green": 0.859, "blue": 0.851}  # light red: "look here", the text stays readable
FIELDS = "note,userEnteredFormat.backgroundColor"


def _runs(indexes: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted column indexes as runs of neighbours [(first, last + 1)]."""
    runs: list[list[int]] = []
    for index in sorted(set(indexes)):
        if runs and index == runs[-1][1]:
            runs[-1][1] = index + 1
        else:
            runs.append([index, index + 1])
    return [(a, b) for a, b in runs]


def _cell(sheet_id: int, row: int, first: int, last: int, cell: dict) -> dict:
    return {"repeatCell": {"range": {"sheetId": sheet_id, "startRowIndex": row - 1, "endRowIndex": row,
                                     "startColumnIndex": first, "endColumnIndex": last},
                           "cell": cell, "fields": FIELDS}}


def requests(sheet_id: int, columns: dict[str, int], marks: dict[int, dict[str, str]]) -> list[dict]:
    """The requests that make each row of `marks` ({row: {field: note}}) show exactly those marks."""
    out = []
    for row, fields in sorted(marks.items()):
        out += [_cell(sheet_id, row, first, last, {}) for first, last in _runs(columns.values())]
        for name, note in fields.items():
            cell: dict = {"userEnteredFormat": {"backgroundColor": MARK}}
            if note and name != STATUS:  # the status cell already says it in words
                cell["note"] = note
            index = columns[name]
            out.append(_cell(sheet_id, row, index, index + 1, cell))
    return out
