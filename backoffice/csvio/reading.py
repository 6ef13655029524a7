"""Reading an uploaded customers CSV: encodings, headers and a clear message for a bad file."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from .. import schema
from ..i18n import _, current_locale
from ..words import field_for_header, header
from .columns import CUSTOMER_FIELDS

IMPORTABLE = schema.CUSTOMERS.importable
REQUIRED = schema.CUSTOMERS.required
# Columns an export carries that an import reads past (they are derived or the product's own).
IGNORED = tuple(name for name in CUSTOMER_FIELDS if name not in IMPORTABLE)


class BadFile(ValueError):
    """The file as a whole cannot be read; the message says what to fix."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030 as saved by Chinese Excel."""
    if not data.strip():
        raise BadFile(_("The file is empty."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadFile(_("The file is not text in UTF-8 or GB18030. Save it from your spreadsheet as "
                    "“CSV UTF-8” and upload it again."))


def _headers(fields) -> str:
    """Field names as the reader's headers say them (客户名称 in Chinese)."""
    return ", ".join(header(f, current_locale()) for f in fields)


def header_map(header: list[str]) -> list[str | None]:
    """Each column's field name, or None for a column read past; raises BadFile when wrong."""
    # English field names or the Chinese headers a download in Chinese carries (客户名称 …)
    names = [field_for_header(h) or h.strip().lower().replace(" ", "_") for h in header]
    unknown = [h for h, n in zip(header, names, strict=True) if n and n not in IMPORTABLE + IGNORED]
    if unknown:
        raise BadFile(_("Unknown column(s): %(columns)s. Use the headers of the template.",
                        columns=", ".join(unknown)))
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise BadFile(_("Missing column(s): %(columns)s. Use the headers of the template.",
                        columns=_headers(missing)))
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise BadFile(_("Column(s) appear twice: %(columns)s.", columns=_headers(twice)))
    return [n if n in IMPORTABLE else None for n in names]


def rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {field: text}) for each non-blank line after the header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadFile(_("The file is empty.")) from None
    except csv.Error as exc:
        raise BadFile(_("The file is not a readable CSV: %(error)s.", error=exc)) from None
    fields = header_map(header)
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            yield reader.line_num, {f: _unwrapped(v) for f, v in zip(fields, values, strict=False) if f}
    except csv.Error as exc:
        raise BadFile(_("Line %(line)s is not readable CSV: %(error)s.", line=reader.line_num, error=exc)) from None


def _unwrapped(value: str) -> str:
    """="13800138000" (how the Excel download keeps a number as text) is 13800138000."""
    if value.startswith('="') and value.endswith('"') and len(value) >= 3:
        return value[2:-1]
    return value


def template() -> str:
    """The import template's header line, in the reader's language (either language is read)."""
    return ",".join(header(f, current_locale()) for f in IMPORTABLE) + "\r\n"
