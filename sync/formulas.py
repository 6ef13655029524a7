"""Text or formula? The cells whose value read as formula text could be either, and asking the sheet.

The cycle reads values with `valueRenderOption=FORMULA`, so a formula comes back as its text
and is refused like any other typed formula. Text that starts with `=` comes back the same
way: a panel value `=1+1` is written RAW and stays text, and if a person then types the formula
`=1+1` over it, the sheet shows 2 while the read shows `=1+1`, the panel's own value. Only those
cells - text starting with `=` equal to what the record holds - are ambiguous, and only their
cell type (`userEnteredValue.formulaValue` against `stringValue`) tells; so a cycle asks the
sheet about them, in one small `spreadsheets.get`, and only when there are any.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .columns import ID, STATUS, Table, raw_text

Cell = tuple[int, int]  # (row number, column index)


def _eq(text: str) -> bool:
    return "=" in text and text.lstrip().startswith("=")


def ambiguous(table: Table, rows: Iterable[tuple[int, list[Any]]], columns: dict[str, int],
              database: dict[str, dict[str, str]], base: dict[str, dict[str, str]]) -> list[Cell]:
    """The cells of `rows` ((number, cells)) that show text starting with `=` equal to the record's
    value or the agreed one: the only cells where a typed formula could pass for the panel's text.

    Any other cell starting with `=` is refused as a formula whatever its type, so it needs no check.
    """
    wanted: dict[str, set[str]] = {}
    for side in (database, base):
        for ref, values in side.items():
            if "=" in "\x00".join(values.values()):  # one scan in C per record; few have any
                names = {n for n, v in values.items() if _eq(v) and n not in (ID, STATUS)}
                if names:
                    wanted.setdefault(ref, set()).update(names)
    if not wanted:
        return []
    id_column = columns[ID]
    found: list[Cell] = []
    for number, cells in rows:
        ref = raw_text(cells[id_column]).strip() if id_column < len(cells) else ""
        for name in wanted.get(ref, ()):
            index = columns.get(name)
            if index is None or index >= len(cells):
                continue
            shown = raw_text(cells[index])
            if _eq(shown) and shown in (database.get(ref, {}).get(name), base.get(ref, {}).get(name)):
                found.append((number, index))
    return found


def formula_fields(cells: set[Cell], number: int, columns: dict[str, int]) -> frozenset[str]:
    """The fields of row `number` whose cell holds a typed formula."""
    return frozenset(name for name, index in columns.items() if (number, index) in cells)
