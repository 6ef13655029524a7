"""Cycles cost what changed: when a few rows changed, the cycle reads only those rows."""
from __future__ import annotations

import datetime as dt

import pytest

from backoffice import clock
from backoffice.models import CarePlan, Customer, SyncRun
from sync import gateway, sheets
from tests.factories import make_customer, make_plan

NOW = dt.datetime(2025, 6, 2, 3, 0)  # naive UTC, as stored
NAMES = [f"Customer {n:02}" for n in range(20)]


@pytest.fixture
def journaled(book):
    """The sheet's script installed, twenty customers synced, until a cycle has nothing new."""
    with clock.pinned(NOW):
        book.emulator.set_journal(True)
        customers = [make_customer(name=name, region="East") for name in NAMES]
        runs = [book.sync() for _ in range(3)]
        assert runs[-1].journal == "quiet"
        yield customers


def _cycle(book, minutes: float = 1) -> tuple[SyncRun, dict[str, int]]:
    book.emulator.reset_counts()
    with clock.pinned(NOW + dt.timedelta(minutes=minutes)):
        run = book.sync()
    assert run.status == "ok", run.error
    return run, book.counts()


def _all_rows() -> int:
    return Customer.select().count() + CarePlan.select().count()


def test_a_journaled_edit_reads_only_its_row_and_is_saved(book, journaled):
    acme = journaled[3]
    book.type("Customers", book.find(acme.ref)["_row"], "Region", "North")
    run, counts = _cycle(book)
    assert run.journal == "live" and run.rows_read == 1
    # the quick look, the ID columns, the row, the ID column before the write; never a whole tab
    assert counts["values.batchGet"] == 4
    assert Customer.get_by_id(acme.id).region == "North"
    # Its playbook plans were made by that commit: records made, so the next read is full.
    assert _cycle(book, 2)[0].rows_read == _all_rows()
    assert _cycle(book, 3)[0].journal == "quiet"
    book.type("Customers", book.find(acme.ref)["_row"], "Contact title", "Buyer")
    plans = CarePlan.select().where(CarePlan.customer == acme.id).count()
    assert plans >= 1
    run, counts = _cycle(book, 4)
    # its row and its plans' rows (what the follow-up works from): the follow-up makes no twin
    assert run.rows_read == 1 + plans and Customer.get_by_id(acme.id).contact_title == "Buyer"
    assert CarePlan.select().where(CarePlan.customer == acme.id).count() == plans
    # What its commit made or changed is read again (in full when it made records), then all is quiet.
    runs = [_cycle(book, 5 + n) for n in range(3)]
    assert runs[-1][0].journal == "quiet" and runs[-1][1] == {"values.batchGet": 1}


def test_a_panel_save_reads_only_that_records_row_and_writes_it(book, journaled):
    acme = Customer.get_by_id(journaled[5].id)
    acme.region = "West"
    acme.save()
    run, counts = _cycle(book)
    assert run.rows_read == 1 and run.updated == 1
    assert counts == {"values.batchGet": 4, "values.batchUpdate": 1}  # + the ID column before the write
    assert book.find(acme.ref)["Region"] == "West"
    assert _cycle(book, 2)[0].rows_read == 0  # the database moved by nothing since
    assert _cycle(book, 3)[1] == {"values.batchGet": 1}


def test_edits_on_both_sides_of_a_few_records_read_only_their_rows(book, journaled):
    sheet_side, panel_side = journaled[1], Customer.get_by_id(journaled[17].id)
    book.type("Customers", book.find(sheet_side.ref)["_row"], "Region", "North")
    panel_side.region = "West"
    panel_side.save()
    run, _counts = _cycle(book)
    assert run.rows_read == 2
    assert Customer.get_by_id(sheet_side.id).region == "North" and book.find(panel_side.ref)["Region"] == "West"


def test_a_sort_after_the_full_read_does_not_misplace_the_partial_read(book, journaled):
    acme = Customer.get_by_id(journaled[0].id)
    spreadsheet = sheets.open_spreadsheet(gateway.settings_for(book.settings["sheet"]))
    tab = spreadsheet.worksheet("Customers")
    tab.sort((2, "des"))  # not journaled, as on Google: rows move, IDs with them
    sheets.close(spreadsheet)
    acme.region = "West"
    acme.save()
    run, _counts = _cycle(book)
    assert run.rows_read == 1
    assert book.find(acme.ref)["Region"] == "West"
    assert {book.find(c.ref)["Name"] for c in journaled} == set(NAMES)


def test_a_new_row_typed_in_the_sheet_makes_a_full_read(book, journaled):
    last = len(book.rows("Customers"))
    book.type("Customers", last + 1, "Name", "Newco")
    run, _counts = _cycle(book)
    assert run.rows_read == len(NAMES) + 1 and run.created >= 1
    assert Customer.get(Customer.name == "Newco")


def test_a_record_made_in_the_panel_makes_a_full_read(book, journaled):
    make_customer(name="Panelco", region="East")
    run, _counts = _cycle(book)
    assert run.rows_read == _all_rows() - 1  # its row is written by this cycle, not read
    assert book.find(Customer.get(Customer.name == "Panelco").ref)["Name"] == "Panelco"


def test_the_full_read_still_comes_every_full_read_minutes(book, journaled):
    book.type("Customers", book.find(journaled[2].ref)["_row"], "Region", "North")
    assert _cycle(book, 5)[0].rows_read == 1
    run, _counts = _cycle(book, 10)
    assert run.rows_read == _all_rows()


def test_a_copied_id_makes_a_full_read_that_reports_it(book, journaled):
    acme = journaled[4]
    row = book.find(acme.ref)["_row"]
    last = len(book.rows("Customers"))
    book.type("Customers", last + 1, "ID", acme.ref)
    book.type("Customers", last + 1, "Name", "Copy")
    book.type("Customers", row, "Region", "North")
    run, _counts = _cycle(book)
    assert run.rows_read == len(NAMES) + 1


class _Loaded:
    """What a cycle reads from the database: records per table, base rows, and the statements sent."""

    def __init__(self, monkeypatch) -> None:
        from sync import snapshot
        self.records: dict[str, int] = {}
        self.base = 0
        read, base = snapshot._read, snapshot._base

        def counted_read(side, query, converters):
            read(side, query, converters)
            self.records[side.table.key] = self.records.get(side.table.key, 0) + len(side.ids)

        def counted_base(sides, refs=None):
            before = sum(len(s.base) for s in sides.values())
            base(sides, refs)
            self.base += sum(len(s.base) for s in sides.values()) - before

        monkeypatch.setattr(snapshot, "_read", counted_read)
        monkeypatch.setattr(snapshot, "_base", counted_base)


def _loaded_cycle(book, monkeypatch, minutes: float) -> tuple[SyncRun, _Loaded, int]:
    from tests.conftest import count_statements
    loaded = _Loaded(monkeypatch)
    statements, (run, _counts) = count_statements(lambda: _cycle(book, minutes))
    monkeypatch.undo()
    return run, loaded, statements


def test_a_narrowed_cycle_loads_only_its_records_from_the_database(book, monkeypatch):
    """A few rows changed: the database gives those records, their customers' or plans' rows beside
    them and their base, never the whole snapshot; the statements do not grow with the records."""
    with clock.pinned(NOW):
        book.emulator.set_journal(True)
        customers = [make_customer(name=name, region="East") for name in NAMES]
        for customer in customers[:4]:
            make_plan(customer, title=f"Call {customer.name}")
        runs = [book.sync() for _ in range(4)]
        assert runs[-1].journal == "quiet", [r.journal for r in runs]
    total = {"customer": Customer.select().count(), "care plan": CarePlan.select().count()}
    full, _loaded, full_statements = _loaded_cycle(book, monkeypatch, 1)  # nothing new: the quick look
    assert full.journal == "quiet"

    # A care plan typed in the sheet: that plan, and its customer for the label.
    plan = CarePlan.get(CarePlan.title == f"Call {customers[2].name}")
    book.type("Care plans", book.find(plan.ref, "Care plans")["_row"], "Notes", "ring after lunch")
    run, loaded, statements = _loaded_cycle(book, monkeypatch, 2)
    assert run.rows_read == 1 and CarePlan.get_by_id(plan.id).notes == "ring after lunch"
    assert loaded.records == {"customer": 1, "care plan": 1, "ticket": 0}
    assert loaded.base == 2  # their base rows, of the 20 customers' and their plans'

    assert _cycle(book, 2.5)[0].rows_read == 1  # what its commit changed, read once more
    assert _cycle(book, 2.75)[0].journal == "quiet"

    # A customer saved in the panel: that customer and its plans (the follow-up works from them).
    customer = Customer.get_by_id(customers[1].id)
    customer.region = "West"
    customer.save()
    plans = CarePlan.select().where(CarePlan.customer == customer.id).count()
    run, loaded, statements_after = _loaded_cycle(book, monkeypatch, 3)
    assert run.rows_read == 1 + plans and book.find(customer.ref)["Region"] == "West"
    assert loaded.records == {"customer": 1, "care plan": plans, "ticket": 0}
    assert loaded.base == 1 + plans
    assert loaded.records["customer"] < total["customer"] and loaded.records["care plan"] < total["care plan"]
    # the same statements whichever records they were (a few rows, a fixed number of queries)
    assert abs(statements_after - statements) <= 12, (statements, statements_after)
