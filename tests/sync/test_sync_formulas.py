"""Text or formula: panel text that starts with `=` stays text, a formula typed over it is refused."""
from __future__ import annotations

import pytest

from backoffice.models import Customer
from sync import gateway, sheets
from tests.conftest import make_user
from tests.factories import make_customer
from tests.forms import form_values


@pytest.fixture
def staff(book):
    """Staff's own gspread connection: what they type goes in USER_ENTERED, as in the Sheets UI."""
    spreadsheet = sheets.open_spreadsheet(gateway.settings_for(book.settings["sheet"]))
    yield spreadsheet.worksheet("Customers")
    sheets.close(spreadsheet)


def _admin_sets(client, customer: Customer, **values) -> None:
    page = client.get(f"/admin/customers/edit/?id={customer.id}").get_data(as_text=True)
    reply = client.post(f"/admin/customers/edit/?id={customer.id}", data={**form_values(page), **values})
    assert reply.status_code == 302


def _cell(book, ref: str, header: str) -> str:
    return gateway.column_letters(book.header().index(header)) + str(book.find(ref)["_row"])


def test_panel_text_that_looks_like_a_formula_is_written_as_text_and_stays_quiet(book, client, auth):
    make_user()
    auth.login()
    customer = make_customer(name="Acme")
    _admin_sets(client, customer, needs="=1+1")
    assert book.sync().status == "ok"
    row = book.find(customer.ref)
    assert row["Needs"] == "=1+1" and "not saved" not in row["Sync status"]
    book.emulator.reset_counts()
    assert book.sync().status == "ok"
    counts = book.counts()
    assert "values.batchUpdate" not in counts and "spreadsheets.batchUpdate" not in counts
    assert Customer.get_by_id(customer.id).needs == "=1+1"


def test_formula_typed_over_equal_panel_text_is_refused_and_kept_in_its_cell(book, staff, client, auth):
    make_user()
    auth.login()
    customer = make_customer(name="Acme")
    _admin_sets(client, customer, needs="=1+1")
    book.sync()
    cell = _cell(book, customer.ref, "Needs")
    staff.update_acell(cell, "=1+1")  # a person types the formula: the sheet now shows 2
    assert staff.acell(cell).value == "2"
    assert staff.acell(cell, value_render_option="FORMULA").value == "=1+1"  # the same text as before
    assert book.sync().status == "ok"
    row = book.find(customer.ref)
    assert '"=1+1" is a formula' in row["Sync status"] and "not saved" in row["Sync status"]
    assert staff.acell(cell).value == "2"  # the person's formula stays where it was typed
    assert Customer.get_by_id(customer.id).needs == "=1+1"
    book.emulator.reset_counts()
    book.sync()  # still refused, and nothing new to write
    assert "values.batchUpdate" not in book.counts()
    staff.update_acell(cell, "'=1+1")  # typed back as text: agreed again
    book.sync()
    assert "not saved" not in book.find(customer.ref)["Sync status"]


def test_only_cells_that_could_be_either_are_asked_about(book):
    make_customer(name="Acme", needs="call in spring")
    book.sync()
    book.emulator.reset_counts()
    book.sync()
    assert book.counts() == {"values.batchGet": 1}
