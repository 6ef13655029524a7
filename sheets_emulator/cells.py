"""Cell values: parsing RAW / USER_ENTERED input and rendering values as the API returns them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import numfmt
from .formula import FormulaError, Scalar, format_general

EPOCH = dt.datetime(1899, 12, 30)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_FMT = {"type": "DATE", "pattern": "yyyy-mm-dd"}
_DATETIME_FMT = {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
_US_DATE_FMT = {"type": "DATE", "pattern": "M/d/yyyy"}

# A stored cell is a JSON-able dict: {"uv": ExtendedValue, "fmt": CellFormat, "note": str, "dv": rule}.
Cell = dict[str, Any]


def to_serial(moment: dt.datetime) -> float:
    delta = moment - EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(serial: float) -> dt.datetime:
    return EPOCH + dt.timedelta(days=serial)


def parse_input(
    value: Any, user_entered: bool
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """One input value -> (ExtendedValue or None for an empty cell, numberFormat to set)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, int | float):
        return {"numberValue": float(value)}, None
    text = str(value)
    if text == "":
        return None, None
    if not user_entered:
        return {"stringValue": text}, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return {"boolValue": stripped.upper() == "TRUE"}, None
    plain = stripped.replace(",", "") if _GROUPED.match(stripped) else stripped
    if _NUMBER.match(plain):
        return {"numberValue": float(plain)}, None
    date = _parse_date(stripped)
    if date is not None:
        return date
    return {"stringValue": text}, None


def _parse_date(text: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    try:
        if m := _ISO_DATE.match(text):
            y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
            moment = dt.datetime(y, mo, d, hh, mi, ss)
            fmt = _DATETIME_FMT if m.group(4) else _DATE_FMT
            return {"numberValue": to_serial(moment)}, dict(fmt)
        if m := _US_DATE.match(text):
            mo, d, y = (int(g) for g in m.groups())
            return {"numberValue": to_serial(dt.datetime(y, mo, d))}, dict(_US_DATE_FMT)
    except ValueError:
        return None
    return None


def set_input(cell: Cell, value: Any, user_entered: bool) -> None:
    """Apply one written value to a stored cell (formats other than dates are kept).

    A cell formatted as plain text (numberFormat TEXT) keeps typed text as text, as Sheets
    does: 13800138000 typed there stays "13800138000", not a number."""
    as_text = ((cell.get("fmt") or {}).get("numberFormat") or {}).get("type") == "TEXT"
    if user_entered and as_text and isinstance(value, str) and not value.startswith("="):
        user_entered, value = False, value[1:] if value.startswith("'") else value
    uv, number_format = parse_input(value, user_entered)
    if uv is None:
        cell.pop("uv", None)
    else:
        cell["uv"] = uv
    if number_format is not None:
        # Typing a date sets the cell's number format, as the Sheets UI does.
        cell.setdefault("fmt", {})["numberFormat"] = number_format


def is_date_format(cell: Cell) -> dict[str, Any] | None:
    number_format = (cell.get("fmt") or {}).get("numberFormat")
    if number_format and number_format.get("type") in ("DATE", "DATE_TIME", "TIME"):
        return number_format
    return None


def format_date(serial: float, pattern: str) -> str:
    """Render a serial with a Sheets date pattern (the common tokens only)."""
    moment = from_serial(serial)
    out, i = [], 0
    tokens = [
        "yyyy",
        "yy",
        "mmmm",
        "mmm",
        "MM",
        "mm",
        "M",
        "m",
        "dd",
        "d",
        "hh",
        "HH",
        "h",
        "H",
        "ss",
        "s",
    ]
    last_was_hour = False
    while i < len(pattern):
        for tok in tokens:
            if pattern.startswith(tok, i):
                low = tok.lower()
                if low in ("mm", "m") and last_was_hour:  # minutes follow hours in Sheets patterns
                    out.append(f"{moment.minute:02d}" if low == "mm" else str(moment.minute))
                elif low == "yyyy":
                    out.append(f"{moment.year:04d}")
                elif low == "yy":
                    out.append(f"{moment.year % 100:02d}")
                elif low == "mmmm":
                    out.append(moment.strftime("%B"))
                elif low == "mmm":
                    out.append(moment.strftime("%b"))
                elif low == "mm":
                    out.append(f"{moment.month:02d}")
                elif low == "m":
                    out.append(str(moment.month))
                elif low == "dd":
                    out.append(f"{moment.day:02d}")
                elif low == "d":
                    out.append(str(moment.day))
                elif low == "hh":
                    out.append(f"{moment.hour:02d}")
                elif low == "h":
                    out.append(str(moment.hour))
                elif low == "ss":
                    out.append(f"{moment.second:02d}")
                else:
                    out.append(str(moment.second))
                last_was_hour = low in ("hh", "h")
                i += len(tok)
                break
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def formatted(value: Scalar | FormulaError, cell: Cell) -> str:
    """The FORMATTED_VALUE text of an effective value."""
    if isinstance(value, FormulaError):
        return value.code
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        date_format = is_date_format(cell)
        if date_format:
            return format_date(value, date_format.get("pattern", "yyyy-mm-dd"))
        number_format = (cell.get("fmt") or {}).get("numberFormat") or {}
        if number_format.get("pattern") and number_format.get("type") not in (None, "TEXT"):
            return numfmt.render(value, number_format["pattern"])
        return format_general(value)
    return value


def json_number(value: float) -> int | float:
    """Google writes integral doubles without a fraction (42, not 42.0)."""
    return int(value) if value == int(value) and abs(value) < 2**53 else value


def extended(value: Scalar | FormulaError) -> dict[str, Any] | None:
    """An effective value as the API's ExtendedValue."""
    if value is None:
        return None
    if isinstance(value, FormulaError):
        return {"errorValue": {"type": value.kind, "message": value.message}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, float):
        return {"numberValue": json_number(value)}
    return {"stringValue": value}


def literal(uv: dict[str, Any] | None) -> Scalar:
    """The stored value of a non-formula cell as a Python scalar."""
    if not uv:
        return None
    if "numberValue" in uv:
        return float(uv["numberValue"])
    if "boolValue" in uv:
        return bool(uv["boolValue"])
    if "stringValue" in uv:
        return str(uv["stringValue"])
    return None


def render(value: Scalar | FormulaError, cell: Cell, option: str, date_option: str) -> Any:
    """One cell for values.get under valueRenderOption / dateTimeRenderOption."""
    uv = cell.get("uv") or {}
    if option == "FORMULA" and "formulaValue" in uv:
        return uv["formulaValue"]
    if option in ("UNFORMATTED_VALUE", "FORMULA"):
        if isinstance(value, FormulaError):
            return value.code
        if isinstance(value, float) and not isinstance(value, bool):
            if date_option == "FORMATTED_STRING" and is_date_format(cell):
                return formatted(value, cell)
            return json_number(value)
        if value is None:
            return ""
        return value
    return formatted(value, cell)
