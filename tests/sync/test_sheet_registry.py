"""Registering sheets: `backoffice sheet add / list / remove`, and sharing a product-made sheet with its person."""
from __future__ import annotations

from backoffice.models import SheetConnection, User
from sync import sheets
from sync.cli import sheet_group
from sync.registered import run_sheet_cycle


def _writers(emulator, sid: str) -> list[str]:
    return [p["emailAddress"] for p in emulator.store.books[sid].permissions if p["role"] == "writer"]


def test_add_creates_lays_out_and_shares_a_reps_sheet(book, emulator, runner):
    User.create(email="a@example.com", name="Rep A", role="rep", password_hash="x", google_account="rep.a@gmail.com")
    result = runner.invoke(sheet_group, ["add", "--create", "Rep A's customers", "--person", "a@example.com",
                                 "--mask-contacts"])
    assert result.exit_code == 0, result.output
    connection = SheetConnection.get()
    assert (connection.scope, connection.person.email, connection.mask_contacts) == ("owner", "a@example.com", True)
    assert connection.created_by_product and "Shared with rep.a@gmail.com as writer" in result.output
    assert _writers(emulator, connection.spreadsheet_id) == ["rep.a@gmail.com"]
    assert emulator.values(connection.spreadsheet_id, "Customers")[0][0] == "ID"  # laid out
    listed = runner.invoke(sheet_group, ["list"]).output
    assert connection.spreadsheet_id in listed and "sync-test-sheet" in listed and "masked contacts" in listed
    assert runner.invoke(sheet_group, ["remove", str(connection.id)]).exit_code == 0
    assert _writers(emulator, connection.spreadsheet_id) == []
    assert connection.spreadsheet_id not in runner.invoke(sheet_group, ["list"]).output


def test_add_refuses_what_cannot_be_synced(book, runner):
    assert "needs --person" in runner.invoke(sheet_group, ["add", "some-id"]).output
    assert "everyone-sheet" in runner.invoke(sheet_group, ["add", "sync-test-sheet", "--scope", "everyone"]).output
    assert "needs --value" in runner.invoke(sheet_group, ["add", "x", "--scope", "team"]).output
    assert "no user" in runner.invoke(sheet_group, ["add", "x", "--person", "nobody@example.com"]).output


def test_the_permission_goes_when_the_person_is_deactivated_or_replaced(book, emulator, runner, sync_settings):
    rep_a = User.create(email="a@example.com", name="Rep A", role="rep", password_hash="x", google_account="a@gmail.com")
    User.create(email="b@example.com", name="Rep B", role="rep", password_hash="x", google_account="b@gmail.com")
    runner.invoke(sheet_group, ["add", "--create", "Book", "--person", "a@example.com"])
    connection = SheetConnection.get()
    sid = connection.spreadsheet_id
    connection.person = User.get(User.email == "b@example.com")  # the sheet's person changes
    connection.save()
    assert run_sheet_cycle(sync_settings, connection).status == "ok"
    assert _writers(emulator, sid) == ["b@gmail.com"]
    User.update(active=False).where(User.email == "b@example.com").execute()
    run_sheet_cycle(sync_settings, SheetConnection.get_by_id(connection.id))
    assert _writers(emulator, sid) == []
    before = emulator.counts().get("drive.permissions.create", 0)
    run_sheet_cycle(sync_settings, SheetConnection.get_by_id(connection.id))  # nothing to change: no request
    assert emulator.counts().get("drive.permissions.create", 0) == before
    assert rep_a.google_account == "a@gmail.com"
    assert sheets  # the connection layer is the only way to Drive
