"""Streaming CSV: rows read as plain tuples in keyset chunks, so memory stays flat for any size."""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from .. import words
from ..db import db
from ..i18n import current_locale
from .cells import AS_IS_KINDS, RENDERERS, RISKY_FIRST, TEXT_KINDS, neutralise, renderer
from .columns import Column

CHUNK = 2000
BOM = "\ufeff"  # lets Excel recognise UTF-8 and show Chinese names correctly


class _Line:
    """A file-like object whose write returns the text, so csv.writer can build lines lazily."""

    def write(self, text: str) -> str:
        return text


def rows_of(query, columns: list[Column], chunk: int | None = None) -> Iterator[tuple]:
    """(id, *values) for every row of `query`, fetched `chunk` at a time in id order.

    Values come straight from the database driver: building a model object per row would
    cost more than writing the whole line."""
    chunk = chunk or CHUNK
    pk = query.model._meta.primary_key
    selected = query.select(pk, *(c.source for c in columns)).order_by(pk)
    last = None
    while True:
        page = selected if last is None else selected.where(pk > last)
        rows = db.execute(page.limit(chunk)).fetchall()
        yield from rows
        if len(rows) < chunk:
            return
        last = rows[-1][0]


def _worded(domain: str, render, locale: str):
    """Render, then show the stored key (or a list of keys) in the reader's words."""
    def cell(value):
        text = render(value)
        if not text:
            return text
        return ", ".join(words.label(domain, part, locale) for part in text.split(", "))
    return cell


def csv_lines(rows: Iterable[tuple], columns: list[Column], *, mask_contacts: bool,
              bom: bool = False) -> Iterator[str]:
    """The header, then one line per (id, *values) row.

    Headers and enum words are in the reader's language; `bom` is the Excel form: a byte-order
    mark, and phones and credit codes written so that Excel keeps them as text.
    """
    writer = csv.writer(_Line())
    locale = current_locale()
    if bom:
        yield BOM
    yield writer.writerow([words.header(c.header, locale) for c in columns])
    # Sort the columns once by what their cells need, so the per-row loop does the least.
    text, special, dynamic = [], [], []
    for i, column in enumerate(columns, start=1):
        if callable(column.kind):
            dynamic.append((i, column.kind))
            continue
        render = renderer(column.kind, mask_contacts=mask_contacts, excel=bom)
        plain = render is RENDERERS[column.kind]  # not masked for this user
        if column.domain and locale != "en":
            special.append((i, _worded(column.domain, render, locale)))
        elif plain and column.kind in TEXT_KINDS:
            text.append(i)
        elif not (plain and column.kind in AS_IS_KINDS):
            special.append((i, render))
    for row in rows:
        cells = list(row)
        for i in text:
            value = cells[i]
            if value and value[0] in RISKY_FIRST:
                cells[i] = neutralise(value)
        for i, render in special:
            cells[i] = render(cells[i])
        for i, kind in dynamic:
            cells[i] = renderer(kind(row), mask_contacts=mask_contacts)(cells[i])
        del cells[0]  # the id, read only to page through the rows
        yield writer.writerow(cells)
