"""A change typed in the sheet gets the same care as one saved in the panel: playbook plans follow."""
from __future__ import annotations

from backoffice.care.hooks import customers_changed
from backoffice.models import CarePlan, Change, Customer
from tests.factories import make_customer


def _plan_titles(customer_id: int) -> set[str]:
    return {p.title for p in CarePlan.select().where(CarePlan.customer == customer_id, ~CarePlan.archived)}


def test_a_customer_typed_into_the_sheet_gets_its_playbook_plans(book):
    book.add_row("Customers", {"Name": "Sheet Co", "Stage": "intent"})
    book.sync()
    customer = Customer.get(Customer.name == "Sheet Co")
    assert _plan_titles(customer.id) == {"Weekly follow-up"}
    plan = CarePlan.get(CarePlan.customer == customer.id)
    made = Change.get(Change.record_ref == plan.ref, Change.action == "create")
    assert made.actor_kind == "sheet"


def test_a_stage_changed_in_the_sheet_moves_the_plans_with_it(book):
    customer = make_customer(name="Acme", stage="intent")
    customers_changed([customer.id], book.settings)  # as the panel's save does
    book.sync()
    book.type("Customers", book.find(customer.ref)["_row"], "Stage", "deal")
    run = book.sync()
    assert run.status == "ok", run.error
    assert Customer.get_by_id(customer.id).stage == "deal"
    assert _plan_titles(customer.id) == {"Fortnightly call", "Monthly product news"}
    retired = CarePlan.get(CarePlan.customer == customer.id, CarePlan.title == "Weekly follow-up")
    assert retired.archived and retired.status == "done"
    book.sync()  # the new plans reach the sheet, the retired one leaves it
    titles = {r["Title"] for r in book.records("Care plans") if r["Customer"] == "Acme"}
    assert titles == {"Fortnightly call", "Monthly product news"}


def test_a_row_deleted_from_the_sheet_retires_the_customers_plans(book):
    customers = [make_customer(name=f"Co {i}", stage="intent") for i in range(6)]
    customers_changed([c.id for c in customers], book.settings)
    book.sync()
    gone = customers[2]
    row = book.find(gone.ref)["_row"]
    book.emulator.set_values("sync-test-sheet", "Customers", f"A{row}", [[""] * len(book.header())])
    book.sync()
    assert Customer.get_by_id(gone.id).archived
    assert _plan_titles(customers[2].id) == set() and _plan_titles(customers[3].id) == {"Weekly follow-up"}
    assert CarePlan.select().where(CarePlan.customer == gone.id).count() >= 1  # kept, not deleted
