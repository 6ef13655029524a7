"""What a cycle survives: crashes, Google errors, lost headers and tabs, mass deletion, care plans refs."""
from __future__ import annotations

import pytest

from backoffice.models import CarePlan, Customer, SyncBase, SyncRun
from sync import records
from tests.factories import make_customer, make_plan

SID = "sync-test-sheet"


def test_crash_after_the_sheet_write_creates_no_duplicate(book, monkeypatch):
    row = book.add_row("Customers", {"Name": "New Co"})

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(records, "apply", crash)
    run = book.sync()
    assert run.status == "failed"
    ref = book.cell("Customers", row, "ID")
    assert ref and Customer.select().count() == 0
    monkeypatch.undo()
    book.sync()
    book.sync()
    assert [c.ref for c in Customer.select()] == [ref]


def test_google_errors_outlasting_the_retries_leave_database_and_base_unchanged(book):
    customer = make_customer(name="Acme")
    book.sync()
    base = list(SyncBase.select().dicts())
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Region", "East")
    book.emulator.add_fault("503", times=10, match="values.batchUpdate")
    customer.stage = "deal"
    customer.save()
    book.type("Customers", row, "Region", "East")
    run = book.sync()
    assert run.status == "failed" and "could not be reached" in run.error
    assert Customer.get_by_id(customer.id).region is None
    assert list(SyncBase.select().dicts()) == base
    book.emulator.reset()
    assert book.sync().status == "ok"
    assert Customer.get_by_id(customer.id).region == "East"
    assert book.find(customer.ref)["Stage"] == "deal"


def test_transient_errors_are_retried_within_the_cycle(book):
    make_customer(name="Acme")
    book.emulator.add_fault("429", times=1, match="values.batchGet")
    book.emulator.add_fault("503", times=1, match="values.batchUpdate")
    assert book.sync().status == "ok"


def test_renamed_header_refuses_that_tab_and_wipes_nothing(book):
    customer = make_customer(name="Acme", email="ann@example.com")
    plan_customer = make_customer(name="Beta")
    make_plan(plan_customer, title="Call")
    book.sync()
    book.type("Customers", 1, "Email", "Mail box")
    customer.email = "new@example.com"
    customer.save()
    run = book.sync()
    assert run.status == "failed"
    assert 'Customers: the column "Email" is missing' in run.error
    assert book.find(customer.ref)["Mail box"] == "ann@example.com"
    assert not Customer.get_by_id(customer.id).archived
    assert book.records("Care plans")[0]["Sync status"] == ""


def test_missing_tab_is_reported_and_not_recreated(book):
    make_customer(name="Acme")
    book.sync()
    sheet_id = book.emulator.sheet_properties(SID, "Care plans")["sheetId"]
    book.emulator.store.mutate(SID, lambda b: b.sheets.remove(b.sheet_by_id(sheet_id, "test")))
    run = book.sync()
    assert run.status == "failed" and "Care plans: the tab is missing" in run.error
    assert "Care plans" not in [s.title for s in book.emulator.store.book(SID).sheets]


def test_emptied_sheet_archives_nothing_until_an_admin_confirms(book):
    customers = [make_customer(name=f"Co {i}") for i in range(10)]
    book.sync()
    rows = book.rows()
    book.emulator.set_values(SID, "Customers", "A2", [[""] * len(rows[0])] * (len(rows) - 1))
    run = book.sync()
    assert run.status == "stopped" and "10 of 10 customers are missing" in run.error
    assert Customer.select().where(Customer.archived).count() == 0
    run.status = "confirmed"
    run.save()
    run = book.sync()
    assert run.status == "ok" and run.archived == 10
    assert all(Customer.get_by_id(c.id).archived for c in customers)


def test_rows_that_come_back_clear_the_stop(book):
    for i in range(5):
        make_customer(name=f"Co {i}")
    book.sync()
    rows = book.rows()
    book.emulator.set_values(SID, "Customers", "A2", [[""] * len(rows[0])] * 3)
    assert book.sync().status == "stopped"
    book.emulator.set_values(SID, "Customers", "A1", rows, user_entered=False)
    assert book.sync().status == "ok"
    assert Customer.select().where(Customer.archived).count() == 0


def test_plan_row_with_a_blank_id_is_matched_by_the_exact_customer_name(book):
    customer = make_customer(name="Acme")
    book.sync()
    row = book.add_row("Care plans", {"Customer": "Acme", "Title": "Monthly call", "Next due": "2030-01-01"})
    run = book.sync()
    assert run.status == "ok", run.error
    plan = CarePlan.get()
    assert plan.customer_id == customer.id and plan.title == "Monthly call"
    assert book.cell("Care plans", row, "Customer ID") == customer.ref
    assert book.cell("Care plans", row, "ID") == plan.ref


def test_plan_row_with_an_unknown_customer_id_is_refused(book):
    book.sync()
    row = book.add_row("Care plans", {"Customer ID": "CU-ZZZZZZZZ", "Title": "Call", "Next due": "2030-01-01"})
    book.sync()
    assert CarePlan.select().count() == 0
    assert '"CU-ZZZZZZZZ" is not a customer in the panel' in book.cell("Care plans", row, "Sync status")


def test_plans_of_a_customer_created_in_the_same_cycle_are_linked(book):
    book.add_row("Customers", {"Name": "Fresh Co"})
    book.add_row("Care plans", {"Customer": "Fresh Co", "Title": "Welcome call", "Next due": 47000})
    run = book.sync()
    assert run.created == 2, run.error
    assert CarePlan.get().customer.name == "Fresh Co"


@pytest.mark.parametrize("value, message", [
    ("x" * 50_000, "is 50,000 characters long"),
    ("someday", "not a date"),
    ("2024-02-30", "not a real date"),
])
def test_bad_input_is_refused_with_a_plain_message(book, value, message):
    customer = make_customer(name="Acme")
    book.sync()
    row = book.find(customer.ref)["_row"]
    column = "Needs" if len(value) > 100 else "First contact"
    book.type("Customers", row, column, value, user_entered=False)
    run = book.sync()
    assert run.rejected == 1
    assert message in book.cell("Customers", row, "Sync status")


def test_unknown_stage_word_is_refused(book):
    customer = make_customer(name="Acme")
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Stage", "maybe")
    book.sync()
    assert Customer.get_by_id(customer.id).stage == "potential"
    assert 'stage: "maybe" is not one of' in book.cell("Customers", row, "Sync status")


def test_skipped_when_another_cycle_holds_the_lease(book):
    from sync import lease
    assert lease.acquire(lease.SYNC, "someone-else", 60)
    assert book.sync().status == "skipped"
    lease.release(lease.SYNC, "someone-else")
    assert book.sync().status == "ok"
    assert SyncRun.select().count() == 2
