"""One cycle converges: whatever the cycle derives is in its own write, so the next cycle writes nothing."""
from __future__ import annotations

import datetime as dt

import pytest

from backoffice import clock
from backoffice.care.hooks import customers_changed
from backoffice.models import Customer
from tests.factories import make_customer, make_interaction

NOW = dt.datetime(2025, 6, 2, 3, 0)  # naive UTC, as stored


@pytest.fixture
def pinned():
    with clock.pinned(NOW):
        yield


def _quiet(book) -> dict:
    book.emulator.reset_counts()
    run = book.sync()
    assert run.status == "ok", run.error
    return book.counts()


def test_a_stage_typed_in_the_sheet_gets_its_churn_risk_in_the_same_write(book, pinned):
    customer = make_customer(name="Silent Deal Co", stage="intent", churn_risk="low")
    Customer.update(created_at=NOW - dt.timedelta(days=200)).where(Customer.id == customer.id).execute()
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Stage", "deal")
    assert book.sync().status == "ok"
    assert Customer.get_by_id(customer.id).churn_risk == "high"  # a deal silent for 60 days and more
    assert book.find(customer.ref)["Churn risk"] == "high"  # ... in the cycle's own write
    customers = book.rows("Customers")
    assert book.sync().status == "ok"  # the deal's playbook plans join the Care plans tab
    assert book.rows("Customers") == customers
    assert _quiet(book).get("values.batchUpdate", 0) == 0


def test_closeness_the_cycle_works_out_reaches_the_sheet_in_the_same_write(book, pinned):
    customer = make_customer(name="Busy Co", region="East")
    customers_changed([customer.id], book.settings)  # its playbook plans, as a panel save makes them
    book.sync()
    for days in (2, 9):  # logged without the panel's hooks, as an import of past calls is
        make_interaction(customer, at=NOW - dt.timedelta(days=days))
    book.type("Customers", book.find(customer.ref)["_row"], "Region", "West")
    assert book.sync().status == "ok"
    stored = Customer.get_by_id(customer.id)
    assert (stored.region, stored.closeness) == ("West", "tight")
    assert book.find(customer.ref)["Closeness"] == "tight"
    assert _quiet(book).get("values.batchUpdate", 0) == 0


def test_a_customer_made_in_the_sheet_as_a_deal_converges_in_one_cycle(book, pinned):
    book.add_row("Customers", {"Name": "Sheet Deal Co", "Stage": "deal", "Annual purchase": 600000})
    assert book.sync().status == "ok"
    made = Customer.get(Customer.name == "Sheet Deal Co")
    row = book.find(made.ref)
    assert (row["Tier"], row["Closeness"], row["Churn risk"]) == (made.tier, made.closeness, made.churn_risk)
    customers = book.rows("Customers")
    assert book.sync().status == "ok"  # its playbook plans join the Care plans tab
    assert book.rows("Customers") == customers
    assert _quiet(book).get("values.batchUpdate", 0) == 0

