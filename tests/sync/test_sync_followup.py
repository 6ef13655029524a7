"""Plans the cycle's care follow-up makes, retires or moves reach the Care plans tab in that cycle's write."""
from __future__ import annotations

from backoffice.care.hooks import customers_changed
from backoffice.models import CarePlan, Customer, User
from sync import records
from tests.factories import make_customer, make_plan


def _working_plans(customer: Customer) -> dict[str, str]:
    return {p.ref: p.title for p in CarePlan.select().where(CarePlan.customer == customer, ~CarePlan.archived)}


def _plan_rows(book, ref: str) -> dict[str, dict]:
    return {r["ID"]: r for r in book.records("Care plans") if r["Customer ID"] == ref}


def _saved_in_the_panel(book, **values) -> Customer:
    customer = make_customer(**values)
    customers_changed([customer.id], book.settings)  # what a panel save runs: its playbook plans
    return customer


def _quiet(book) -> dict:
    book.emulator.reset_counts()
    assert book.sync().status == "ok"
    return book.counts()


def test_a_new_sheet_customers_playbook_plans_are_on_the_sheet_after_the_same_cycle(book):
    row = book.add_row("Customers", {"Name": "Sheet Co"})
    assert book.sync().status == "ok"
    customer = Customer.get(Customer.name == "Sheet Co")
    made = _working_plans(customer)
    assert made  # the playbook gives a potential customer its plans
    rows = _plan_rows(book, book.cell("Customers", row, "ID"))
    assert {ref: r["Title"] for ref, r in rows.items()} == made
    assert all(r["Customer"] == "Sheet Co" for r in rows.values())
    assert _quiet(book) == {"values.batchGet": 1}


def test_a_stage_typed_in_the_sheet_retires_and_makes_plans_in_the_same_write(book):
    customer = _saved_in_the_panel(book, name="Acme", stage="potential")
    book.sync()
    before = _working_plans(customer)
    assert set(before.values()) == {"Monthly industry news"} and set(_plan_rows(book, customer.ref)) == set(before)
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Stage", "deal")
    assert book.sync().status == "ok"
    after = _working_plans(customer)
    assert set(after.values()) == {"Fortnightly call", "Monthly product news"}
    rows = _plan_rows(book, customer.ref)
    assert set(rows) == set(after)  # the retired plans' rows were blanked, the new ones written
    assert not set(before) & set(rows)
    assert _quiet(book) == {"values.batchGet": 1}


def test_an_owner_typed_in_the_sheet_moves_the_reps_plans_in_the_same_write(book):
    rep = User.get(User.email == "rep@example.com")
    other = User.create(email="rep2@example.com", name="rep2", role="rep", password_hash="x")
    customer = make_customer(name="Acme", owner=rep)
    make_plan(customer, title="Call about the order")
    book.sync()
    assert {r["Owner"] for r in _plan_rows(book, customer.ref).values()} == {"rep@example.com"}
    book.type("Customers", book.find(customer.ref)["_row"], "Owner", other.email)
    assert book.sync().status == "ok"
    assert {p.owner_id for p in CarePlan.select().where(CarePlan.customer == customer)} == {other.id}
    assert {r["Owner"] for r in _plan_rows(book, customer.ref).values()} == {"rep2@example.com"}
    assert _quiet(book) == {"values.batchGet": 1}


def test_a_worker_killed_after_writing_the_followups_plans_makes_no_twin(book, monkeypatch):
    customer = _saved_in_the_panel(book, name="Acme", stage="potential")
    book.sync()
    book.type("Customers", book.find(customer.ref)["_row"], "Stage", "deal")

    def killed(*args, **kwargs):
        raise RuntimeError("worker killed")
    monkeypatch.setattr(records, "apply", killed)
    assert book.sync().status == "failed"
    written = _plan_rows(book, customer.ref)
    assert {r["Title"] for r in written.values()} == {"Fortnightly call", "Monthly product news"}
    monkeypatch.undo()
    assert book.sync().status == "ok"
    book.sync()
    plans = _working_plans(customer)
    assert sorted(plans.values()) == ["Fortnightly call", "Monthly product news"]  # no twins
    assert set(written) == set(plans)  # made under the ids the sheet already showed
    assert all(p.playbook_step_id for p in CarePlan.select().where(CarePlan.ref.in_(list(plans))))
    assert _quiet(book) == {"values.batchGet": 1}
