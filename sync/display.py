"""How values look in the sheet without changing what they are.

Money is written as a number and shown under `¥#,##0.00`; dates are written as the sheet's
serial numbers and shown under `yyyy-mm-dd` (so they sort as dates and the plans tab can
highlight what is due); Chinese phone numbers are written as text in national form
(`138 0013 8000`), others in international form. All of it is written RAW, and a cell reads
back as the value that was written: `from_sheet(to_sheet(x)) == x` for every clean value.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import phonenumbers

from backoffice import rules

from .columns import Column, canonical_cell, sheet_text, to_cell

MONEY = {"type": "CURRENCY", "pattern": "¥#,##0.00"}
DATE = {"type": "DATE", "pattern": "yyyy-mm-dd"}
TEXT = {"type": "TEXT"}  # "plain text": a phone typed as 13800138000 stays text, not 1.38E+10
FORMATS = {"money": MONEY, "date": DATE, "phone": TEXT}
_LAST_SERIAL = 2_958_465  # 9999-12-31, the sheet's own last date


def number_format(column: Column) -> dict[str, str] | None:
    """The number format a column's cells carry, or None (General)."""
    return FORMATS.get(column.kind)


def phone_shown(e164: str) -> str:
    """+8613800138000 as a person reads it: 138 0013 8000 at home, +1 650-253-0000 abroad."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if not phonenumbers.is_valid_number(number):
        return e164
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 86
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)


def to_sheet(column: Column, text: str, language: str) -> Any:
    """The RAW cell value for a canonical text."""
    if text and column.kind == "date":
        return rules.to_serial(dt.date.fromisoformat(text))
    if text and column.kind == "phone":
        return phone_shown(text)
    return to_cell(column, sheet_text(column, text, language))


def from_sheet(column: Column, raw: Any, language: str) -> Any:
    """A cell as the merge reads it: exactly what `to_sheet` writes becomes the canonical text.

    Anything else is left as typed for the merge to clean through the rules (and rewrite in
    the sheet's form). A value in the form written before the sheet showed it this way (an ISO
    date as text, a phone as +86…) gets a trailing space: it reads as typed, so the merge
    rewrites it once in today's form, as canonical_cell does for English words.
    """
    if column.kind == "date":
        if isinstance(raw, int | float) and not isinstance(raw, bool) and raw == int(raw) \
                and 1 <= raw <= _LAST_SERIAL:
            return (rules.SHEET_EPOCH + dt.timedelta(days=int(raw))).isoformat()
        return raw + " " if isinstance(raw, str) and _is_iso_date(raw) else raw
    if column.kind == "phone" and isinstance(raw, str) and raw:
        e164 = _phone_of(raw)
        if e164 is not None and phone_shown(e164) == raw:
            return e164
        return raw + " " if e164 == raw else raw
    return canonical_cell(column, raw, language)


def _is_iso_date(text: str) -> bool:
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _phone_of(text: str) -> str | None:
    """The E.164 form of a valid number (a national one read as Chinese), or None."""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


SHOWN = frozenset({"date", "phone"})  # kinds whose cells are read back through from_sheet


def column_formats(table, columns: dict[str, int]) -> dict[int, dict[str, str]]:
    """{column index: numberFormat} of a tab's formatted columns, as found by header."""
    return {columns[c.field]: FORMATS[c.kind] for c in table.all_columns
            if c.kind in FORMATS and c.field in columns}
