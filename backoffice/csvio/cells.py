"""How one value becomes a CSV cell: typed values as they are, text made safe, contacts masked."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
TEXT_KINDS = ("text", "email")


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
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render(value, kind: str, *, mask_contacts: bool) -> str:
    """kind: text | email | phone | typed (numbers, money, dates, choices made by the product)."""
    cell = as_cell(value)
    if not cell:
        return cell
    if kind in ("phone", "email") and mask_contacts:
        return mask(cell)
    if kind in TEXT_KINDS:
        return neutralise(cell)
    return cell
