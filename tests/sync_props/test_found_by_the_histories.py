"""Minimal histories the randomized tests shrank to, kept as plain tests of the sync's promises."""
from __future__ import annotations

from backoffice.models import Change, Conflict, Customer
from sync import gateway
from sync.cycle import run_cycle

from .sheet_view import SheetView


def _row(world, ref):
    view = SheetView(world.grid())
    return view, view.first[ref]


def _customer(world, **values):
    with world.as_admin():
        customer = Customer(stage="potential", **values)
        customer.save()
    return customer


def test_blanking_annual_purchase_in_the_sheet_means_zero_and_the_cycle_succeeds(world):
    settings = world.fresh()
    customer = _customer(world, name="Acme", annual_purchase=5)
    assert run_cycle(settings).status == "ok"
    view, number = _row(world, customer.ref)
    world.type(number, view.column("Annual purchase"), "")
    run = run_cycle(settings)
    assert run.status == "ok", run.error
    assert Customer.get_by_id(customer.id).annual_purchase == 0


def test_sheet_edit_to_a_record_archived_in_the_panel_is_kept_or_logged(world):
    settings = world.fresh()
    customer = _customer(world, name="Acme")
    assert run_cycle(settings).status == "ok"
    view, number = _row(world, customer.ref)
    world.type(number, view.column("Region"), "North")
    with world.as_admin():
        Customer.get_by_id(customer.id).archive()
    assert run_cycle(settings).status == "ok"
    saved = Customer.get_by_id(customer.id)
    logged = Conflict.select().where(Conflict.ref == customer.ref, Conflict.sheet_value == "North")
    assert saved.region == "North" or logged.exists()


def test_cell_typed_while_the_cycle_runs_is_not_overwritten_unseen(world):
    """The panel and a person change one field, the person after the cycle's read: the cycle's write
    goes over the typed cell, and the next cycle finds the edit in the journal (a conflict: both
    sides changed the field; the database's value kept by the policy, the person's logged)."""
    settings = world.fresh()
    world.emulator.set_journal(True)
    customer = _customer(world, name="Acme", region="North")
    assert run_cycle(settings).status == "ok"
    with world.as_admin():
        saved = Customer.get_by_id(customer.id)
        saved.region = "West"
        saved.save()
    view, number = _row(world, customer.ref)

    def staff_types_south(server):
        world.type(number, view.column("Region"), "South")
    world.emulator.on_request(staff_types_south, match="values.batchGet", when="after")
    assert run_cycle(settings).status == "ok"
    assert SheetView(world.grid()).cell(number, "Region") == "West"  # the write went over it...
    assert run_cycle(settings).status == "ok"
    logged = Conflict.get(Conflict.ref == customer.ref, Conflict.field == "region")
    assert (logged.sheet_value, logged.database_value, logged.base_value) == ("South", "West", "North")
    assert Customer.get_by_id(customer.id).region == "West"
    assert world.emulator.values(world.sid, "_journal")[1:] == []  # consumed, and trimmed


def test_cell_typed_while_the_cycle_rewrites_it_alone_is_applied_as_the_persons_edit(world):
    """Only the sheet changed the field (the cycle rewrote the cell for another reason): the
    person's value is applied, and the history names the journal's editor."""
    settings = world.fresh()
    world.emulator.set_journal(True)
    customer = _customer(world, name="Acme", region="North")
    assert run_cycle(settings).status == "ok"
    view, number = _row(world, customer.ref)
    world.type(number, view.column("Region"), "=1+1")  # refused: the cycle writes the status...

    def staff_types_south(server):
        world.emulator.set_cell(world.sid, "Customers", f"{gateway.column_letters(view.column('Region'))}{number}",
                                "South", editor="admin@example.com")
    world.emulator.on_request(staff_types_south, match="values.batchGet", when="after")
    assert run_cycle(settings).status == "ok"
    assert run_cycle(settings).status == "ok"
    assert Customer.get_by_id(customer.id).region == "South"
    assert SheetView(world.grid()).cell(number, "Region") == "South"
    change = Change.select().where(Change.field == "region").order_by(Change.id.desc()).first()
    assert change.actor_label == "admin@example.com via the sheet"


def test_a_copy_left_holding_old_panel_text_like_a_formula_shows_the_record_again(world):
    settings = world.fresh()
    customer = _customer(world, name="Acme")
    with world.as_admin():
        saved = Customer.get_by_id(customer.id)
        saved.region = "=SUM(B2:B3)"  # panel text: written as text, never run
        saved.save()
    assert run_cycle(settings).status == "ok"
    view, number = _row(world, customer.ref)
    world.emulator.set_values(world.sid, "Customers", f"A{len(view.grid) + 1}", [view.grid[number - 1]],
                              user_entered=False)  # a pasted copy of the row
    assert run_cycle(settings).status == "ok"
    with world.as_admin():
        saved = Customer.get_by_id(customer.id)
        saved.region = "North"
        saved.save()
    assert run_cycle(settings).status == "ok"
    view, number = _row(world, customer.ref)
    world.write_grid(view.grid[:number - 1] + view.grid[number:], len(view.grid))  # the record's own row goes
    assert run_cycle(settings).status == "ok"
    view, number = _row(world, customer.ref)
    assert view.cell(number, "Region") == "North" and "not saved" not in view.status(number)
    assert Conflict.select().where(Conflict.ref == customer.ref, Conflict.sheet_value == "=SUM(B2:B3)").exists()
