"""Minimal histories the randomized tests shrank to, kept as plain tests of the sync's promises."""
from __future__ import annotations

import pytest

from backoffice.models import Conflict, Customer
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


@pytest.mark.xfail(strict=True, reason="sync gap: a cell typed between the cycle's read and its write is "
                                       "overwritten by that write without trace (no conditional write in Sheets)")
def test_cell_typed_while_the_cycle_runs_is_not_overwritten_unseen(world):
    settings = world.fresh()
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
    assert run_cycle(settings).status == "ok"
    seen = SheetView(world.grid()).cell(number, "Region")
    logged = Conflict.select().where(Conflict.ref == customer.ref, Conflict.sheet_value == "South")
    assert "South" in (seen, Customer.get_by_id(customer.id).region) or logged.exists()


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
