"""How one value becomes a CSV cell: typed values as they are, text made safe, contacts masked."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from .. import clock, display
from ..i18n import _
from ..values import as_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe, so it stays text."""
    if text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def mask(text: str, keep: int = 4) -> str:
    """All but the last `keep` characters hidden: +8613800138000 -> **********8000."""
    if len(text) <= keep:
        return "*" * len(text)
    return "*" * (len(text) - keep) + text[-keep:]


def as_cell(value) -> str:
    """The canonical text of a value (values.as_text), but a time in the office's wall time, as
    on the pages."""
    if isinstance(value, dt.datetime):
        return clock.show(value, seconds=True)
    return as_text(value)


# Values arrive as the database driver gives them (SQLite: text dates, 0/1, floats;
# PostgreSQL: date objects, booleans, Decimals), so each kind accepts both.

def _text(value) -> str:
    return "" if value is None else neutralise(str(value))


def _typed(value) -> str:
    return as_cell(value)


def _money(value) -> str:
    if value is None:
        return ""
    return f"{Decimal(str(value)):.2f}"


def _flag(value) -> str:
    return "" if value is None else (_("yes") if value else _("no"))  # 是 / 否 in Chinese


def _date(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def _datetime(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(str(value)[:19])
    return clock.show(value, seconds=True)


def _masked(value) -> str:
    return "" if value is None or value == "" else mask(str(value))


def _code(value) -> str:
    return "" if value is None else str(value)


def excel_text(value: str) -> str:
    """A cell Excel must keep as text, not read as a number (8.61E+12): written as ="…"."""
    return f'="{value}"' if value else value


def excel_phone(value) -> str:
    """A phone for people and Excel: 138 0013 8000 (the spaces keep it text), abroad +1 650-…"""
    return display.phone(value, unreadable=excel_text, any_number=True)


RENDERERS: dict[str, Callable] = {"text": _text, "typed": _typed, "money": _money, "bool": _flag,
                                  "date": _date, "datetime": _datetime, "phone": _typed, "email": _text,
                                  "code": _code}
TEXT_KINDS = frozenset({"text", "email"})
AS_IS_KINDS = frozenset({"typed", "date", "phone", "code"})  # phones are validated E.164: kept intact  # the csv module writes None as "" and dates as ISO
RISKY_FIRST = frozenset("=+-@\t\r\n ")  # a first character that may start a formula


def renderer(kind: str, *, mask_contacts: bool, excel: bool = False) -> Callable:
    """The function that turns a raw value of this kind into its cell (`excel`: the Excel form)."""
    if kind in ("phone", "email") and mask_contacts:
        return _masked
    if excel and kind == "phone":
        return excel_phone
    if excel and kind == "code":
        return lambda value: excel_text(_code(value))
    return RENDERERS[kind]


def render(value, kind: str, *, mask_contacts: bool) -> str:
    return renderer(kind, mask_contacts=mask_contacts)(value)
