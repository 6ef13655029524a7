"""The panel's sync pages: runs, the sync now button, conflicts and the mass-archive confirmation."""
from __future__ import annotations

import re

import pytest

from backoffice.models import Conflict, Customer, SyncRun
from backoffice.queue import huey
from sync import tasks  # noqa: F401 - the sync tasks, registered on the queue
from tests.conftest import make_user
from tests.factories import make_customer

SID = "sync-test-sheet"


@pytest.fixture
def immediate(monkeypatch, sync_settings):
    """Tasks run inline, against the test's database and sheet (the app gave the queue its settings)."""
    huey.immediate = True
    yield
    huey.immediate = False


def _token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_sync_now_button_runs_a_cycle_and_lists_it(book, client, auth, immediate):
    make_user()
    auth.login()
    make_customer(name="Acme")
    token = _token(client, "/admin/sync_runs/")
    client.post("/admin/sync_runs/sync-now/", data={"csrf_token": token})
    run = SyncRun.latest()
    assert (run.trigger, run.status) == ("manual", "ok")
    assert "Acme" in [r["Name"] for r in book.records()]
    page = client.get("/admin/sync_runs/").get_data(as_text=True)
    assert "by hand" in page  # the trigger in the reader's words (stored as "manual")


def test_sync_now_needs_the_csrf_token(book, client, auth, immediate):
    make_user()
    auth.login()
    assert client.post("/admin/sync_runs/sync-now/").status_code == 400
    assert SyncRun.select().count() == 0


def test_reps_cannot_open_the_sync_pages(book, client, auth):
    make_user(email="rep2@example.com", role="rep")
    auth.login(email="rep2@example.com")
    assert client.get("/admin/sync_runs/").status_code == 403
    assert client.get("/admin/conflicts/").status_code == 403


def test_resolving_a_conflict_with_the_sheet_value_saves_it_and_syncs(book, client, auth, immediate):
    make_user()
    auth.login()
    customer = make_customer(name="Acme", region="North")
    book.sync()
    book.type("Customers", book.find(customer.ref)["_row"], "Region", "South")
    customer.region = "West"
    customer.save()
    book.sync()
    conflict = Conflict.get()
    token = _token(client, "/admin/conflicts/")
    client.post("/admin/conflicts/action/", data={"action": "take_sheet", "rowid": [conflict.id],
                                                  "csrf_token": token})
    assert Customer.get_by_id(customer.id).region == "South"
    assert Conflict.get_by_id(conflict.id).resolution == "sheet"
    assert book.find(customer.ref)["Region"] == "South"


def test_stopped_sync_shows_until_an_admin_confirms(book, client, auth, immediate):
    make_user()
    auth.login()
    for i in range(5):
        make_customer(name=f"Co {i}")
    book.sync()
    rows = book.rows()
    book.emulator.set_values(SID, "Customers", "A2", [[""] * len(rows[0])] * (len(rows) - 1))
    stopped = book.sync()
    page = client.get("/admin/sync_runs/").get_data(as_text=True)
    assert 'id="sync-stopped"' in page and "5 of 5 customers are missing" in page
    token = _token(client, "/admin/sync_runs/")
    client.post(f"/admin/sync_runs/confirm-archive/{stopped.id}/", data={"csrf_token": token})
    assert Customer.select().where(Customer.archived).count() == 5
    assert 'id="sync-stopped"' not in client.get("/admin/sync_runs/").get_data(as_text=True)


def test_a_conflict_note_stays_while_the_conflict_is_open_and_goes_when_it_is_resolved(
        book, client, auth, immediate):
    make_user()
    auth.login()
    customer = make_customer(name="Acme", region="North")
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Region", "South")
    customer.region = "West"
    customer.save()
    book.sync()
    note = book.find(customer.ref)["Sync status"]
    assert note.startswith("ok - region: changed here and in the panel")
    book.emulator.reset_counts()
    book.sync()  # a quiet cycle: the note stays, and nothing is written
    assert book.counts().get("values.batchUpdate", 0) == 0
    customer.name = "Acme Holdings"  # another change to the record keeps the note too
    customer.save()
    book.sync()
    assert (book.find(customer.ref)["Name"], book.find(customer.ref)["Sync status"]) == ("Acme Holdings", note)
    token = _token(client, "/admin/conflicts/")
    client.post("/admin/conflicts/action/", data={"action": "take_database", "rowid": [Conflict.get().id],
                                                  "csrf_token": token})
    book.sync()
    assert book.find(customer.ref)["Sync status"] == ""
    book.emulator.reset_counts()
    book.sync()
    assert book.counts().get("values.batchUpdate", 0) == 0
