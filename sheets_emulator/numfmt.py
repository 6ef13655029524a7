"""FORMATTED_VALUE of numbers under a NUMBER, CURRENCY, PERCENT or SCIENTIFIC number format.

The common pattern tokens only, as Sheets renders them: `0` (a digit always shown), `#` (a
digit shown when significant), `,` between digits (thousands grouping), `.` (the decimal
point), `%` (times 100), `E+` (scientific), quoted or backslash-escaped literals, `[$¥-804]` currency
symbols, and up to
three `;`-separated sections (positive; negative; zero). Anything else is copied as literal.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

_DIGITS = set("0#?")


def _sections(pattern: str) -> list[str]:
    parts, current, quoted = [], [], False
    for ch in pattern:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _split(section: str) -> tuple[str, str, str]:
    """(prefix literal, number part, suffix literal); quotes and escapes become plain text."""
    tokens: list[tuple[str, str]] = []  # (kind, text): kind "lit" or "num"
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            tokens.append(("lit", section[i + 1:end]))
            i = end + 1
        elif ch == "[":  # [$¥-804] is a currency symbol; colours and conditions show nothing
            end = section.find("]", i)
            end = len(section) if end < 0 else end
            inner = section[i + 1:end]
            if inner.startswith("$"):
                tokens.append(("lit", inner[1:].split("-")[0]))
            i = end + 1
        elif ch == "\\" and i + 1 < len(section):
            tokens.append(("lit", section[i + 1]))
            i += 2
        elif ch in _DIGITS or (ch in ",." and _near_digit(section, i)) or (
                ch in "Ee" and i + 1 < len(section) and section[i + 1] in "+-"):
            tokens.append(("num", ch))
            i += 1
            if ch in "Ee":
                tokens.append(("num", section[i]))
                i += 1
        else:
            tokens.append(("lit", ch))
            i += 1
    kinds = [k for k, _t in tokens]
    if "num" not in kinds:
        return "".join(t for _k, t in tokens), "", ""
    first = kinds.index("num")
    last = len(kinds) - 1 - kinds[::-1].index("num")
    return ("".join(t for _k, t in tokens[:first]), "".join(t for _k, t in tokens[first:last + 1]),
            "".join(t for _k, t in tokens[last + 1:]))


def _near_digit(text: str, i: int) -> bool:
    return any(c in _DIGITS for c in text[max(0, i - 1):i + 2])


def _fraction(spec: str, digits: str) -> str:
    """Fraction digits under `spec` (e.g. "00#"): zeros are kept, trailing `#` positions dropped."""
    kept = list(digits)
    while len(kept) > spec.count("0") and kept and kept[-1] == "0":
        kept.pop()
    return "".join(kept)


def _plain(value: Decimal, number: str) -> str:
    integer_spec, _dot, fraction_spec = number.partition(".")
    grouped = "," in integer_spec
    places = len(fraction_spec.replace(",", ""))
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _d, frac = f"{rounded:f}".partition(".")
    minimum = integer_spec.replace(",", "").count("0")
    whole = whole.lstrip("0").rjust(minimum, "0")
    if grouped and whole:
        whole = f"{int(whole):,}"
    frac = _fraction(fraction_spec.replace(",", ""), frac)
    return whole + ("." + frac if frac or (_dot and not fraction_spec) else "")


def _scientific(value: Decimal, number: str) -> str:
    mantissa_spec, _e, exponent_spec = re.split(r"([Ee][+-])", number, maxsplit=1)
    places = len(mantissa_spec.partition(".")[2])
    text = f"{value:.{places}E}"
    mantissa, _x, exponent = text.partition("E")
    sign = "-" if exponent.startswith("-") else ("+" if "+" in _e else "")
    digits = exponent.lstrip("+-").lstrip("0") or "0"
    return f"{mantissa}E{sign}{digits.rjust(len(exponent_spec), '0')}"


def render(value: float, pattern: str) -> str:
    """`value` as Sheets shows it under `pattern`."""
    sections = _sections(pattern)
    number = Decimal(repr(value))
    if number < 0 and len(sections) > 1:
        section, number = sections[1], -number
    elif number == 0 and len(sections) > 2:
        section = sections[2]
    else:
        section = sections[0]
    prefix, spec, suffix = _split(section)
    if "%" in prefix + suffix:
        number *= 100
    if not spec:
        return prefix + suffix
    sign = "-" if number < 0 else ""
    body = _scientific(abs(number), spec) if re.search(r"[Ee][+-]", spec) else _plain(abs(number), spec)
    if sign and not body.strip("0.,"):
        sign = ""  # -0.001 under "0.00" is "0.00", not "-0.00"
    return sign + prefix + body + suffix
