"""API calls and database queries per cycle do not grow with the number of rows."""
from __future__ import annotations

import pytest

from backoffice.db import db
from backoffice.models import Customer, User
from backoffice.models.base import REF_ALPHABET

SID = "sync-test-sheet"


def _customers(count: int) -> None:
    owner = User.get(User.email == "rep@example.com")
    rows = [{"ref": _ref(i), "name": f"Customer {i}",
             "owner": owner.id, "region": "East", "annual_purchase": 10} for i in range(count)]
    for start in range(0, count, 200):
        Customer.insert_many(rows[start:start + 200]).execute()


def _ref(number: int) -> str:
    digits = ""
    for _ in range(8):
        number, rest = divmod(number, len(REF_ALPHABET))
        digits = REF_ALPHABET[rest] + digits
    return "CU-" + digits


class QueryCounter:
    def __init__(self, database) -> None:
        self.database, self.count = database, 0
        self._execute = database.execute_sql

    def __call__(self, sql, params=None, *args, **kwargs):
        self.count += 1
        return self._execute(sql, params, *args, **kwargs)


def _steady_cycle(book, monkeypatch) -> tuple[dict[str, int], int]:
    """One sheet edit and one panel edit, then a cycle: its API calls and queries."""
    first, second = book.records()[:2]
    book.type("Customers", first["_row"], "Region", "West")
    customer = Customer.get(Customer.ref == second["ID"])
    customer.stage = "deal"
    customer.save()
    book.emulator.reset_counts()
    counter = QueryCounter(db.obj)
    monkeypatch.setattr(db.obj, "execute_sql", counter)
    run = book.sync()
    monkeypatch.undo()
    # two customers, and the playbook plan the sheet-edited one gets, written in the same write
    assert run.status == "ok" and run.updated == 3, run.error
    return book.counts(), counter.count


@pytest.mark.parametrize("size", [10, 1000])
def test_first_cycle_of_many_rows_costs_one_read_the_ids_and_one_write(book, size):
    _customers(size)
    book.emulator.reset_counts()
    run = book.sync()
    assert run.status == "ok" and len(book.records()) == size
    counts = book.counts()
    # the read, then the ID column just before the write (writes placed by ID: sync/placing.py)
    assert counts["values.batchGet"] == 2 and counts["values.batchUpdate"] == 1
    assert counts.get("spreadsheets.batchUpdate", 0) <= 1  # rows added when the grid is full


def test_api_calls_and_queries_per_cycle_are_the_same_for_10_and_1000_rows(app, sync_settings, emulator,
                                                                          monkeypatch, request):
    results = []
    for size in (10, 1000):
        book = request.getfixturevalue("book") if not results else _fresh_book(emulator, sync_settings)
        _customers(size)
        book.sync()
        results.append(_steady_cycle(book, monkeypatch))
    (calls_10, queries_10), (calls_1000, queries_1000) = results
    assert calls_10 == calls_1000 == {"values.batchGet": 2, "values.batchUpdate": 1}  # with the IDs' re-read
    assert queries_10 == queries_1000
    assert queries_10 <= 50  # the cycle itself, then the care follow-up of the changed customers


def _fresh_book(emulator, settings):
    """Empty the database and the sheet, keeping the layout, for the second size."""
    from backoffice.models import Change, SyncBase, SyncRun
    for model in (Change, SyncBase, SyncRun, Customer):
        model.delete().execute()
    from tests.sync.conftest import Book
    book = Book(emulator, settings)
    rows = book.rows()
    emulator.set_values(SID, "Customers", "A2", [[""] * len(rows[0])] * (len(rows) - 1))
    return book
