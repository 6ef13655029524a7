"""A credit code belongs to one customer, in the sheet as in the panel: a taken code is refused."""
from __future__ import annotations

from backoffice import rules
from backoffice.models import Customer
from tests.factories import make_customer


def _code(first17: str) -> str:
    return first17 + rules.credit_check_char(first17)


TAKEN, FREE = _code("91350100M00010000"), _code("91350100M00010001")
WHY = ("credit code: This credit code is already used by another customer. "
       "Ask a manager if you think it is wrong. - not saved")


def test_a_sheet_row_typing_another_customers_credit_code_is_refused_and_the_cell_keeps_it(book):
    make_customer(name="Holder Co", credit_code=TAKEN)
    customer = make_customer(name="Acme", region="North")
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Credit code", TAKEN)
    book.type("Customers", row, "Region", "East China")  # per-field: the valid edit still applies
    run = book.sync()
    saved = Customer.get_by_id(customer.id)
    assert (saved.credit_code, saved.region) == (None, "East China")
    assert book.cell("Customers", row, "Credit code") == TAKEN
    assert book.cell("Customers", row, "Sync status") == WHY
    assert run.rejected == 1

    book.type("Customers", row, "Credit code", FREE)  # fixed: saved, and the status clears
    book.sync()
    assert Customer.get_by_id(customer.id).credit_code == FREE
    assert book.cell("Customers", row, "Sync status") == ""


def test_an_archived_customers_code_is_taken_too(book):
    make_customer(name="Gone Co", credit_code=TAKEN, archived=True)
    row = book.add_row("Customers", {"Name": "New Co", "Credit code": TAKEN})
    run = book.sync()
    created = Customer.get(Customer.name == "New Co")  # made without the code, which stays in its cell
    assert created.credit_code is None and run.created == 1 and run.rejected == 1
    assert book.cell("Customers", row, "ID") == created.ref
    assert book.cell("Customers", row, "Credit code") == TAKEN
    assert book.cell("Customers", row, "Sync status") == WHY
    book.sync()
    assert Customer.get_by_id(created.id).credit_code is None
    assert book.cell("Customers", row, "Sync status") == WHY  # still says why, until the cell is fixed


def test_two_new_rows_with_one_code_the_later_is_refused(book):
    first = book.add_row("Customers", {"Name": "First Co", "Credit code": FREE})
    later = book.add_row("Customers", {"Name": "Later Co", "Credit code": FREE.lower()})
    book.sync()
    assert Customer.get(Customer.name == "First Co").credit_code == FREE
    assert Customer.get(Customer.name == "Later Co").credit_code is None
    assert book.cell("Customers", first, "Sync status") == ""
    assert book.cell("Customers", later, "Sync status") == WHY


def test_a_code_kept_by_its_own_customer_is_never_blamed_on_the_sheet(book):
    customer = make_customer(name="Acme", credit_code=FREE)
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Region", "East China")
    run = book.sync()
    assert run.rejected == 0 and book.cell("Customers", row, "Sync status") == ""
    assert Customer.get_by_id(customer.id).credit_code == FREE
