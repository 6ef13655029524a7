"""A1 notation: parsing sheet-qualified ranges and formatting them as Google does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import unable_to_parse

_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_REF = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*)$")


def col_to_letters(index: int) -> str:
    """0-based column index -> letters (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def letters_to_col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def cell_label(row: int, col: int) -> str:
    """0-based (row, col) -> 'B3'."""
    return f"{col_to_letters(col)}{row + 1}"


def quote_title(title: str, always: bool = False) -> str:
    """Quote a sheet title the way Google writes it in replies."""
    if not always and _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_REF.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class Area:
    """A half-open rectangle; None bounds are open (to the grid's edge)."""

    row0: int | None
    row1: int | None
    col0: int | None
    col1: int | None

    def clamp(self, rows: int, cols: int) -> tuple[int, int, int, int]:
        r0 = self.row0 or 0
        c0 = self.col0 or 0
        r1 = rows if self.row1 is None else min(self.row1, rows)
        c1 = cols if self.col1 is None else min(self.col1, cols)
        return r0, max(r0, r1), c0, max(c0, c1)

    @property
    def is_single_cell(self) -> bool:
        return (
            None not in (self.row0, self.row1, self.col0, self.col1)
            and self.row1 == (self.row0 or 0) + 1
            and self.col1 == (self.col0 or 0) + 1
        )


WHOLE = Area(None, None, None, None)


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """'My tab'!A1:B2 -> ("My tab", "A1:B2"); Sheet1 -> ("Sheet1", None) when no '!'."""
    text = text.strip()
    if text.startswith("'"):
        i, out = 1, []
        while i < len(text):
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    out.append("'")
                    i += 2
                    continue
                break
            out.append(text[i])
            i += 1
        else:
            raise unable_to_parse(text)
        rest = text[i + 1 :]
        if not rest:
            return "".join(out), None
        if not rest.startswith("!"):
            raise unable_to_parse(text)
        return "".join(out), rest[1:]
    if "!" in text:
        title, _, ref = text.rpartition("!")
        return title, ref
    return None, text


def parse_area(ref: str, original: str) -> Area:
    """'A1:C3', 'A:A', '1:2', 'A2:C', 'C3:A1' -> an Area (normalised, half-open)."""
    parts = ref.split(":")
    if len(parts) > 2 or not ref:
        raise unable_to_parse(original)
    ends = []
    for part in parts:
        m = _CELL.match(part.strip())
        if not m or not (m.group(1) or m.group(2)):
            raise unable_to_parse(original)
        letters, digits = m.group(1), m.group(2)
        if digits and int(digits) == 0:
            raise unable_to_parse(original)
        col = letters_to_col(letters) if letters else None
        row = int(digits) - 1 if digits else None
        ends.append((row, col))
    if len(ends) == 1:
        row, col = ends[0]
        if row is None or col is None:  # 'A' or '3' alone is not a range
            raise unable_to_parse(original)
        return Area(row, row + 1, col, col + 1)
    (ra, ca), (rb, cb) = ends
    if (ra is None and ca is None) or (rb is None and cb is None):
        raise unable_to_parse(original)
    # Column-only or row-only ends open that dimension; a full cell end bounds it.
    rows = [r for r in (ra, rb) if r is not None]
    cols = [c for c in (ca, cb) if c is not None]
    row0 = min(rows) if ra is not None and rb is not None else (rows[0] if ra is not None else None)
    row1 = max(rows) + 1 if ra is not None and rb is not None else None
    col0 = min(cols) if ca is not None and cb is not None else (cols[0] if ca is not None else None)
    col1 = max(cols) + 1 if ca is not None and cb is not None else None
    if ra is None and rb is not None:  # 'A:B3' style: open top
        row0, row1 = None, rb + 1
    if ca is None and cb is not None:
        col0, col1 = None, cb + 1
    return Area(row0, row1, col0, col1)


def format_area(r0: int, r1: int, c0: int, c1: int) -> str:
    """Clamped bounds -> 'A1' or 'A1:C3'."""
    start = cell_label(r0, c0)
    if r1 - r0 <= 1 and c1 - c0 <= 1:
        return start
    return f"{start}:{cell_label(max(r0, r1 - 1), max(c0, c1 - 1))}"


def qualified(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    return f"{quote_title(title)}!{format_area(r0, r1, c0, c1)}"
