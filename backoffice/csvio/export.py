"""Streaming CSV: rows read as plain tuples in keyset chunks, so memory stays flat for any size."""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from ..db import db
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


def csv_lines(rows: Iterable[tuple], columns: list[Column], *, mask_contacts: bool,
              bom: bool = False) -> Iterator[str]:
    """The header, then one line per (id, *values) row."""
    writer = csv.writer(_Line())
    if bom:
        yield BOM
    yield writer.writerow([c.header for c in columns])
    # Sort the columns once by what their cells need, so the per-row loop does the least.
    text, special, dynamic = [], [], []
    for i, column in enumerate(columns, start=1):
        if callable(column.kind):
            dynamic.append((i, column.kind))
            continue
        render = renderer(column.kind, mask_contacts=mask_contacts)
        plain = render is RENDERERS[column.kind]  # not masked for this user
        if plain and column.kind in TEXT_KINDS:
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
