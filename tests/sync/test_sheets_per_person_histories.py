"""Histories over three sheets (the managers', rep A's, rep B's): seeded random edits, reassignments,
deleted and added rows, then the invariants of sheets per person after every step."""
from __future__ import annotations

import random

import pytest

from backoffice.models import CarePlan, Customer, User
from tests.factories import make_customer, make_plan
from tests.sync.test_sheets_per_person import A_SID, B_SID, _rep_sheet


def _check(book, sheets, reps, deleted: int) -> None:
    working = list(Customer.select().where(~Customer.archived))
    plans = list(CarePlan.select().join(Customer).where(~CarePlan.archived, ~Customer.archived))
    assert {r["ID"] for r in book.records()} == {c.ref for c in working}
    for key, rep in reps.items():
        mine = {c.ref for c in working if c.owner_id == rep.id}
        assert sheets[key].ids() == mine  # exactly its book: never another rep's customer
        assert sheets[key].ids("Care plans") == {p.ref for p in plans if p.customer.owner_id == rep.id}
    assert Customer.select().where(Customer.archived).count() == deleted  # only deleted rows archive
    for customer in working:  # every edit reached every sheet that holds the record
        holders = [book] + [sheets[k] for k, rep in reps.items() if customer.owner_id == rep.id]
        for sheet in holders:
            assert sheet.find(customer.ref)["Needs"] == (customer.needs or ""), (customer.ref, sheet)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_histories_keep_each_sheet_to_its_scope_and_lose_no_edit(book, emulator, sync_settings, seed):
    rnd = random.Random(seed)
    reps = {"a": User.create(email="a@example.com", name="Rep A", role="rep", password_hash="x"),
            "b": User.create(email="b@example.com", name="Rep B", role="rep", password_hash="x")}
    for n in range(12):
        make_plan(make_customer(name=f"Customer {n}", owner=reps["ab"[n % 2]]), title=f"Call {n}")
    sheets = {"a": _rep_sheet(emulator, sync_settings, A_SID, reps["a"]),
              "b": _rep_sheet(emulator, sync_settings, B_SID, reps["b"])}
    everyone = [("m", book), ("a", sheets["a"]), ("b", sheets["b"])]

    def round_(first: str = "") -> None:
        order = sorted(everyone, key=lambda pair: pair[0] != first)
        for _key, sheet in order * 2:  # the sheet just typed in first, then all of them twice
            run = sheet.sync()
            assert run.status == "ok", run.error

    round_()
    deleted = 0
    for step in range(8):
        action = rnd.choice(["edit", "edit", "reassign", "delete", "add"])
        key, sheet = rnd.choice(everyone)
        if action == "edit":
            rows = [r for r in sheet.records() if r["ID"]]
            row = rnd.choice(rows)
            sheet.type("Customers", row["_row"], "Needs", f"needs typed at step {step} in {key}")
        elif action == "reassign":
            customer = rnd.choice(list(Customer.select().where(~Customer.archived)))
            customer.owner = reps["b"] if customer.owner_id == reps["a"].id else reps["a"]
            customer.save()
            CarePlan.update(owner=customer.owner_id).where(CarePlan.customer == customer).execute()
        elif action == "delete" and key != "m":
            rows = sheet.records()
            if len(rows) > 5:  # under the mass-archive guard
                sheet.delete_row("Customers", rnd.choice(rows)["_row"])
                deleted += 1
        elif action == "add" and key != "m":
            sheet.add_row("Customers", {"Name": f"New at step {step}"})
        round_(first=key)
        _check(book, sheets, reps, deleted)
