"""A value as text: the one way the sheet, CSV files and the change history write a clean value."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal


def as_text(value) -> str:
    """One canonical text per value, "" for nothing: yes/no, amounts with 2 decimals, ISO dates
    and times (stored times are naive UTC; a download shows them in office time, csvio.cells)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)
