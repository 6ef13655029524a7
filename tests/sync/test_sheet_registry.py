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


def _token(client, path: str) -> str:
    import re
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_an_admin_registers_a_sheet_on_the_sheet_connections_page(book, emulator, client, auth, sync_settings):
    from tests.conftest import make_user
    make_user()
    auth.login()
    rep = User.create(email="a@example.com", name="Rep A", role="rep", password_hash="x", google_account="a@gmail.com")
    token = _token(client, "/admin/sheet_connections/new/")
    reply = client.post("/admin/sheet_connections/new/", data={
        "csrf_token": token, "title": "Rep A's book", "spreadsheet_id": "", "scope": "owner", "person": str(rep.id),
        "columns": "", "mask_contacts": "y", "active": "y", "create_through_drive": "y"})
    assert reply.status_code == 302
    connection = SheetConnection.get()
    assert connection.created_by_product and connection.mask_contacts
    assert _writers(emulator, connection.spreadsheet_id) == ["a@gmail.com"]
    page = client.get("/admin/sheet_connections/").get_data(as_text=True)
    assert "Rep A&#39;s book" in page or "Rep A's book" in page
    assert run_sheet_cycle(sync_settings, connection).status == "ok"
    runs = client.get("/admin/sync_runs/").get_data(as_text=True)
    assert 'id="sheet-lags"' in runs and "0 min" in runs and "never synced" in runs  # the everyone-sheet: never


def test_reps_cannot_open_the_sheet_connections_page(book, client, auth):
    from tests.conftest import make_user
    make_user(email="rep@example.org", role="rep")
    auth.login(email="rep@example.org")
    assert client.get("/admin/sheet_connections/").status_code in (302, 403)
