"""Streaming CSV: rows read in keyset chunks, so memory stays flat for any number of records."""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from .cells import render
from .columns import Column

CHUNK = 1000
BOM = "\ufeff"  # lets Excel recognise UTF-8 and show Chinese names correctly


class _Line:
    """A file-like object whose write returns the text, so csv.writer can build lines lazily."""

    def write(self, text: str) -> str:
        return text


def in_chunks(query, chunk: int | None = None) -> Iterator:
    """Every row of `query`, in primary-key order, fetched `chunk` at a time."""
    chunk = chunk or CHUNK
    pk = query.model._meta.primary_key
    last = None
    while True:
        page = query.order_by(pk).limit(chunk)
        if last is not None:
            page = page.where(pk > last)
        count = 0
        for row in page.iterator():
            count += 1
            last = row._pk
            yield row
        if count < chunk:
            return


def csv_lines(rows: Iterable, columns: list[Column], *, mask_contacts: bool,
              bom: bool = False) -> Iterator[str]:
    writer = csv.writer(_Line())
    if bom:
        yield BOM
    yield writer.writerow([c.header for c in columns])
    for row in rows:
        yield writer.writerow([render(c.get(row), c.kind_for(row), mask_contacts=mask_contacts)
                               for c in columns])
