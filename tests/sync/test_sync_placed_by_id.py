"""Writes are placed by ID: a person sorting or deleting rows while a cycle runs moves no write onto another row."""
from __future__ import annotations

import pytest

from backoffice.models import Customer
from sync import gateway, sheets
from tests.conftest import make_user
from tests.factories import make_customer

SID = "sync-test-sheet"


@pytest.fixture
def staff(book):
    """Staff's own gspread connection to the sheet (sorts and deletes go over HTTP, as in Sheets)."""
    spreadsheet = sheets.open_spreadsheet(gateway.settings_for(book.settings["sheet"]))
    yield spreadsheet.worksheet("Customers")
    sheets.close(spreadsheet)


def _sort_by_name(book, staff, order: str = "des") -> None:
    header = book.header()
    last = gateway.column_letters(len(header) - 1)
    staff.sort((header.index("Name") + 1, order), range=f"A2:{last}{len(book.rows())}")


def _when_the_cycle_has_read(book, action) -> None:
    """Run `action` right after the cycle's read (its first values.batchGet), before its write."""
    book.emulator.on_request(lambda server: action(), match="values.batchGet", when="after")


def _panel_sets_region(customer: Customer, region: str) -> None:
    saved = Customer.get_by_id(customer.id)
    saved.region = region
    saved.save()


def _regions_by_id(book) -> dict[str, tuple[str, str]]:
    return {r["ID"]: (r["Name"], r["Region"]) for r in book.records() if r["ID"]}


def test_a_sort_between_the_cycles_read_and_write_puts_nothing_on_the_wrong_row(book, staff):
    make_user()
    customers = [make_customer(name=name, region="East") for name in ("Acme", "Baidu", "Cosco", "Didi")]
    assert book.sync().status == "ok"
    for customer, region in zip(customers, ("North", "South", "West", "Central"), strict=True):
        _panel_sets_region(customer, region)
    _when_the_cycle_has_read(book, lambda: _sort_by_name(book, staff))
    book.emulator.reset_counts()
    run = book.sync()
    assert run.status == "ok", run.error
    assert [r["Name"] for r in book.records()] == ["Didi", "Cosco", "Baidu", "Acme"]  # the sort happened
    assert _regions_by_id(book) == {c.ref: (c.name, r) for c, r in
                                    zip(customers, ("North", "South", "West", "Central"), strict=True)}
    assert book.counts()["values.batchGet"] == 2  # the read, and the ID column just before the write
    assert book.sync().api_calls == 1  # nothing left to do: one read, no write


def test_a_row_deleted_while_the_cycle_runs_is_left_for_the_next_cycle(book, staff):
    make_user()
    customers = [make_customer(name=f"Customer {i}", region="East") for i in range(8)]
    assert book.sync().status == "ok"
    gone = customers[3]
    for customer in customers:
        _panel_sets_region(customer, "West")
    _when_the_cycle_has_read(book, lambda: staff.delete_rows(book.find(gone.ref)["_row"]))
    run = book.sync()
    assert run.status == "ok", run.error
    assert gone.ref not in _regions_by_id(book)
    assert all(region == "West" for _n, region in _regions_by_id(book).values())
    assert all(r["ID"] for r in book.records())  # no write landed on a row of its own
    run = book.sync()  # the next cycle finds the row gone: the record is archived, not rewritten
    assert run.status == "ok" and run.archived == 1, run.error
    assert Customer.get_by_id(gone.id).archived
    assert gone.ref not in _regions_by_id(book)


def test_a_new_row_typed_before_a_sort_mid_cycle_becomes_one_customer_next_cycle(book, staff):
    make_user()
    for name in ("Acme", "Baidu", "Cosco"):
        make_customer(name=name, region="East")
    assert book.sync().status == "ok"
    book.add_row("Customers", {"Name": "Alibaba", "Region": "East"})
    _when_the_cycle_has_read(book, lambda: _sort_by_name(book, staff, "asc"))
    assert book.sync().status == "ok"
    assert not Customer.select().where(Customer.name == "Alibaba").exists()  # its row moved: it waits
    assert book.sync().status == "ok"
    made = list(Customer.select().where(Customer.name == "Alibaba"))
    assert len(made) == 1
    assert [r["ID"] for r in book.records() if r["Name"] == "Alibaba"] == [made[0].ref]
    assert len({r["ID"] for r in book.records()}) == len(book.records()) == 4


def test_a_new_row_sorted_past_a_blank_row_mid_cycle_becomes_one_customer(book, staff):
    """A sort that moves only rows without an ID leaves the ID column as read: the new row's
    minted ID must not land on the blank row that took its place."""
    make_user()
    make_customer(name="Zeta", region="East")
    assert book.sync().status == "ok"
    header = book.header()
    row = [""] * len(header)
    row[header.index("Name")], row[header.index("Region")] = "Alibaba", "West"
    book.emulator.set_values(SID, "Customers", "A4", [row])  # row 3 stays blank
    _when_the_cycle_has_read(book, lambda: staff.sort(
        (header.index("Name") + 1, "des"), range=f"A2:{gateway.column_letters(len(header) - 1)}4"))
    assert book.sync().status == "ok"
    assert [r["Name"] for r in book.records()][:2] == ["Zeta", "Alibaba"]  # the sort happened
    assert [r["ID"] for r in book.records() if not r["Name"]] == []  # no ID on a row without data
    for _cycle in range(2):
        assert book.sync().status == "ok"
    made = list(Customer.select().where(Customer.name == "Alibaba"))
    assert len(made) == 1
    assert [r["ID"] for r in book.records() if r["Name"] == "Alibaba"] == [made[0].ref]
    assert made[0].region == "West"
