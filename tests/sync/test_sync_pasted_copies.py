"""Pasted copies of a row cannot roll a record back, however staff sort or delete rows."""
from __future__ import annotations

import pytest

from backoffice.models import Conflict, Customer
from sync import gateway, sheets
from tests.conftest import make_user
from tests.factories import make_customer
from tests.forms import form_values


@pytest.fixture
def staff(book):
    """Staff's own gspread connection to the sheet (sorts and deletes go over HTTP, as in Sheets)."""
    spreadsheet = sheets.open_spreadsheet(gateway.settings_for(book.settings["sheet"]))
    yield spreadsheet.worksheet("Customers")
    sheets.close(spreadsheet)


def _paste_copy(book, ref: str) -> int:
    original = book.rows()[book.find(ref)["_row"] - 1]
    row = len(book.rows()) + 1
    book.emulator.set_values("sync-test-sheet", "Customers", f"A{row}", [list(original)])
    return row


def _sort_by_status(book, staff) -> None:
    """A sort on Sync status puts "ID: … is also on row …" above the clean rows: the stale copy comes first."""
    header = book.header()
    last = gateway.column_letters(len(header) - 1)
    staff.sort((header.index("Sync status") + 1, "asc"), range=f"A2:{last}{len(book.rows())}")


def _admin_sets_region(client, customer: Customer, region: str) -> None:
    page = client.get(f"/admin/customers/edit/?id={customer.id}").get_data(as_text=True)
    reply = client.post(f"/admin/customers/edit/?id={customer.id}", data={**form_values(page), "region": region})
    assert reply.status_code == 302


def _rows_of(book, ref: str) -> list[dict]:
    return [r for r in book.records() if r["ID"] == ref]


def test_a_sort_that_puts_a_stale_copy_first_does_not_roll_the_record_back(book, staff, client, auth):
    make_user()
    auth.login()
    customer = make_customer(name="Acme", region="East")
    book.sync()
    _paste_copy(book, customer.ref)
    book.sync()
    (original, copy) = _rows_of(book, customer.ref)
    assert "also on row" in copy["Sync status"] and original["Sync status"] == ""
    _admin_sets_region(client, customer, "West")
    book.sync()
    _sort_by_status(book, staff)
    assert "also on row" in _rows_of(book, customer.ref)[0]["Sync status"]  # the copy is first now
    assert book.sync().status == "ok"
    assert Customer.get_by_id(customer.id).region == "West"
    first, second = _rows_of(book, customer.ref)
    assert "also on row" in first["Sync status"] and str(second["_row"]) in first["Sync status"]
    assert (second["Region"], second["Sync status"]) == ("West", "")
    assert Conflict.select().count() == 0


def test_a_copy_left_alone_when_the_record_row_is_deleted_shows_the_record_and_logs_its_values(
        book, staff, client, auth):
    make_user()
    auth.login()
    customer = make_customer(name="Acme", region="East")
    book.sync()
    _paste_copy(book, customer.ref)
    book.sync()
    _admin_sets_region(client, customer, "West")
    book.sync()
    staff.delete_rows(book.find(customer.ref)["_row"])  # the record's own row; the stale copy stays
    assert book.sync().status == "ok"
    assert Customer.get_by_id(customer.id).region == "West"
    (row,) = _rows_of(book, customer.ref)
    assert row["Region"] == "West" and row["Sync status"].startswith("ok - ")
    logged = Conflict.get()
    assert (logged.ref, logged.field, logged.sheet_value, logged.database_value, logged.kept) == (
        customer.ref, "region", "East", "West", "database")
    assert not Customer.get_by_id(customer.id).archived
    book.emulator.reset_counts()
    book.sync()
    assert book.counts().get("values.batchUpdate", 0) == 0
