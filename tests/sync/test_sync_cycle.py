"""One cycle over loopback HTTP: edits both ways, conflicts, validation, identity and archives."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from backoffice.models import CarePlan, Change, Conflict, Customer, SyncBase, SyncRun
from tests.factories import make_customer


def test_panel_customer_appears_in_the_sheet_with_its_id(book):
    customer = make_customer(name="Acme", phone="+8613800138000", annual_purchase=Decimal("1234.50"))
    run = book.sync()
    assert run.status == "ok", run.error
    row = book.find(customer.ref)
    assert row["Name"] == "Acme"
    assert row["Phone"] == "138 0013 8000"  # shown in national form, stored as +8613800138000
    assert row["Annual purchase"] == 1234.5
    assert row["Sync status"] == ""  # a clean row says nothing


def test_sheet_edit_reaches_the_database_and_history_says_sheet_sync(book):
    customer = make_customer(name="Acme")
    book.sync()
    book.type("Customers", book.find(customer.ref)["_row"], "Region", "East China")
    run = book.sync()
    assert run.status == "ok" and run.updated == 2  # the customer, and the playbook plan it now gets
    assert Customer.get_by_id(customer.id).region == "East China"
    change = Change.select().where(Change.field == "region").get()
    assert (change.actor_label, change.new) == ("sheet sync", "East China")


def test_panel_edit_reaches_the_sheet(book):
    customer = make_customer(name="Acme")
    book.sync()
    customer.stage = "deal"
    customer.save()
    book.sync()
    assert book.find(customer.ref)["Stage"] == "deal"


def test_same_field_changed_on_both_sides_keeps_the_database_value_and_logs_the_conflict(book):
    customer = make_customer(name="Acme", region="North")
    book.sync()
    book.type("Customers", book.find(customer.ref)["_row"], "Region", "South")
    customer.region = "West"
    customer.save()
    run = book.sync()
    assert run.conflicts == 1
    row = book.find(customer.ref)
    assert row["Region"] == "West"
    assert "region: changed here and in the panel" in row["Sync status"]
    conflict = Conflict.get()
    assert (conflict.sheet_value, conflict.database_value, conflict.kept) == ("South", "West", "database")
    assert Customer.get_by_id(customer.id).region == "West"


def test_conflict_policy_sheet_keeps_the_sheet_value(book):
    book.settings["sheet"]["conflict_policy"] = "sheet"
    customer = make_customer(name="Acme", region="North")
    book.sync()
    book.type("Customers", book.find(customer.ref)["_row"], "Region", "South")
    customer.region = "West"
    customer.save()
    book.sync()
    assert Customer.get_by_id(customer.id).region == "South"
    assert book.find(customer.ref)["Region"] == "South"
    assert Conflict.get().kept == "sheet"


def test_invalid_email_in_sheet_is_not_saved_and_row_says_why(book):
    customer = make_customer(name="Acme", email="ann@example.com")
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Email", "bob@")
    book.type("Customers", row, "Region", "East China")  # per-field: the valid edit still applies
    run = book.sync()
    saved = Customer.get_by_id(customer.id)
    assert saved.email == "ann@example.com" and saved.region == "East China"
    assert book.cell("Customers", row, "Email") == "bob@"
    assert book.cell("Customers", row, "Sync status") == 'email: "bob@" is not a valid address - not saved'
    assert run.rejected == 1


def test_new_sheet_row_gets_an_id_and_becomes_a_customer(book):
    row = book.add_row("Customers", {"Name": "New Co", "Phone": "13800138000", "Stage": "intent"})
    run = book.sync()
    ref = book.cell("Customers", row, "ID")
    customer = Customer.get(Customer.ref == ref)
    assert (customer.name, customer.phone, customer.stage) == ("New Co", "+8613800138000", "intent")
    assert run.created == 1
    assert book.cell("Customers", row, "Phone") == "138 0013 8000"
    assert Change.select().where(Change.record_ref == ref, Change.action == "create").exists()


def test_new_row_without_a_name_is_not_created_and_says_why(book):
    row = book.add_row("Customers", {"Region": "East China"})
    book.sync()
    assert Customer.select().count() == 0
    assert "name: is required" in book.cell("Customers", row, "Sync status")


def test_duplicated_id_is_reported_on_the_later_row(book):
    customer = make_customer(name="Acme")
    book.sync()
    copy = book.add_row("Customers", {"ID": customer.ref, "Name": "Acme copy"})
    run = book.sync()
    assert f"ID: {customer.ref} is also on row 2" in book.cell("Customers", copy, "Sync status")
    assert Customer.get_by_id(customer.id).name == "Acme"
    assert run.rejected == 1


def test_deleted_row_archives_the_customer(book):
    customers = [make_customer(name=f"Co {i}") for i in range(6)]
    book.sync()
    gone = customers[2]
    row = book.find(gone.ref)["_row"]
    book.emulator.set_values("sync-test-sheet", "Customers", f"A{row}", [[""] * len(book.header())])
    run = book.sync()
    assert run.archived == 1 and run.status == "ok"
    assert Customer.get_by_id(gone.id).archived
    assert not SyncBase.select().where(SyncBase.ref == gone.ref).exists()


def test_customer_archived_in_the_panel_leaves_the_sheet(book):
    customer = make_customer(name="Acme")
    book.sync()
    customer.archive()
    book.sync()
    assert customer.ref not in [r["ID"] for r in book.records()]


def test_sorting_rows_and_reordering_columns_changes_nothing(book):
    for i in range(5):
        make_customer(name=f"Co {i}", region=f"R{i}")
    book.sync()
    rows = book.rows()
    header, data = rows[0], rows[1:]
    order = list(reversed(range(len(header))))
    shuffled = [[r[i] for i in order] for r in [header, *sorted(data, key=lambda r: r[1], reverse=True)]]
    book.emulator.set_values("sync-test-sheet", "Customers", "A1", shuffled, user_entered=False)
    before = book.counts().get("values.batchUpdate", 0)
    run = book.sync()
    assert run.status == "ok" and run.updated == 0
    assert book.counts().get("values.batchUpdate", 0) == before
    assert Change.select().where(Change.actor_kind == "sheet").count() == 0


def test_formula_typed_into_a_cell_is_refused(book):
    customer = make_customer(name="Acme", region="North")
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Region", "=1+1")
    book.sync()
    assert Customer.get_by_id(customer.id).region == "North"
    assert "is a formula" in book.cell("Customers", row, "Sync status")
    assert book.cell("Customers", row, "Region") == "=1+1"


def test_second_cycle_writes_nothing(book):
    make_customer(name="Acme", phone="+8613800138000", annual_purchase=Decimal("99.90"),
                  first_contact=dt.date(2024, 5, 1), credit_code=None, region="0042")
    book.add_row("Customers", {"Name": "Sheet Co", "Annual purchase": 1000.1})
    book.sync()
    # The sheet's new customer got its playbook plans in the cycle's commit, and in its write.
    made = {p.ref for p in CarePlan.select().join(Customer).where(Customer.name == "Sheet Co")}
    assert made and {p["ID"] for p in book.records("Care plans")} == made
    book.emulator.reset_counts()
    run = book.sync()
    assert book.counts() == {"values.batchGet": 1}
    assert run.api_calls == 1 and run.updated == 0 and run.created == 0


def test_money_phones_and_leading_zeros_round_trip(book):
    customer = make_customer(name="Acme", phone="+8613800138000", annual_purchase=Decimal("999999999999.99"),
                             region="0042", contact_name="007")
    book.sync()
    book.sync()
    saved = Customer.get_by_id(customer.id)
    assert saved.annual_purchase == Decimal("999999999999.99")
    row = book.find(customer.ref)
    assert (row["Region"], row["Contact"], row["Phone"]) == ("0042", "007", "138 0013 8000")


def test_dates_are_read_as_iso_text_or_serial_numbers(book):
    customer = make_customer(name="Acme")
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "First contact", "2024-03-05")
    book.type("Customers", row, "Birthday", 45000, user_entered=False)
    book.sync()
    saved = Customer.get_by_id(customer.id)
    assert saved.first_contact == dt.date(2024, 3, 5)
    assert saved.birthday == dt.date(2023, 3, 15)


def test_editing_a_derived_tier_is_reverted_and_the_row_says_why(book):
    customer = make_customer(name="Acme")
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Tier", "strategic")
    book.sync()
    assert book.cell("Customers", row, "Tier") == "ordinary"
    assert "tier: is worked out by the system" in book.cell("Customers", row, "Sync status")
    assert Customer.get_by_id(customer.id).tier == "ordinary"
    book.emulator.reset_counts()
    book.sync()
    assert "values.batchUpdate" not in book.counts()


def test_annual_purchase_from_the_sheet_moves_the_tier(book):
    customer = make_customer(name="Acme")
    book.sync()
    book.type("Customers", book.find(customer.ref)["_row"], "Annual purchase", 1500000)
    book.sync()
    assert Customer.get_by_id(customer.id).tier == "strategic"
    assert book.find(customer.ref)["Tier"] == "strategic"


def test_every_cycle_is_recorded(book):
    book.sync()
    run = SyncRun.latest()
    assert run.status == "ok" and run.finished_at is not None and run.trigger == "cli"


def test_blanking_annual_purchase_in_the_sheet_means_zero(book):
    customer = make_customer(name="Acme", annual_purchase=Decimal("5"))
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Annual purchase", "")
    assert book.sync().status == "ok"
    assert Customer.get_by_id(customer.id).annual_purchase == 0
    assert book.cell("Customers", row, "Annual purchase") == 0


def test_sheet_edit_to_a_customer_archived_in_the_panel_is_kept_in_the_conflict_log(book):
    customer = make_customer(name="Acme")
    book.sync()
    book.type("Customers", book.find(customer.ref)["_row"], "Region", "North")
    customer.archive()
    assert book.sync().status == "ok"
    conflict = Conflict.get()
    assert (conflict.ref, conflict.field, conflict.sheet_value) == (customer.ref, "region", "North")
