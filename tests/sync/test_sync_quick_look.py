"""Cycles cost what changed: while the edit journal is live, a cycle with nothing new reads only the journal."""
from __future__ import annotations

import datetime as dt

import pytest

from backoffice import clock
from backoffice.models import Customer, SyncRun
from sync import gateway, sheets
from tests.factories import make_customer

NOW = dt.datetime(2025, 6, 2, 3, 0)  # naive UTC, as stored
SID = "sync-test-sheet"


@pytest.fixture
def pinned():
    with clock.pinned(NOW):
        yield


@pytest.fixture
def journaled(book, pinned):
    """The sheet's script installed, two customers synced, until a cycle has nothing new."""
    book.emulator.set_journal(True)
    customers = [make_customer(name=name, region="East") for name in ("Acme", "Baidu")]
    runs = [book.sync() for _ in range(3)]  # the push, the follow-up's plans settled, a quiet full read
    assert [(r.status, r.journal) for r in runs] == [("ok", "live"), ("ok", "live"), ("ok", "quiet")]
    assert runs[1].rows_read > 0 and runs[2].rows_read == 0
    return customers


def _cycle(book) -> tuple[SyncRun, dict[str, int]]:
    book.emulator.reset_counts()
    run = book.sync()
    assert run.status == "ok", run.error
    return run, book.counts()


def _at(minutes: float):
    return clock.pinned(NOW + dt.timedelta(minutes=minutes))


def test_a_cycle_with_nothing_new_reads_only_the_journal_and_the_headers(book, journaled):
    run, counts = _cycle(book)
    assert counts == {"values.batchGet": 1} and run.api_calls == 1
    assert run.journal == "quiet" and run.rows_read == 0
    assert _cycle(book)[0].journal == "quiet"


def test_a_journaled_edit_is_read_and_saved_by_the_next_cycle(book, journaled):
    acme = journaled[0]
    book.type("Customers", book.find(acme.ref)["_row"], "Region", "North")
    run, counts = _cycle(book)
    assert run.journal == "live" and run.rows_read > 0
    assert Customer.get_by_id(acme.id).region == "North"


def test_a_panel_save_is_synced_by_the_next_cycle(book, journaled):
    acme = Customer.get_by_id(journaled[0].id)
    acme.region = "West"
    acme.save()
    run, _counts = _cycle(book)
    assert run.journal == "live" and run.updated >= 1
    assert book.find(acme.ref)["Region"] == "West"


def test_a_deleted_row_the_journal_cannot_see_is_found_by_the_full_read_every_few_minutes(book, journaled, settings):
    gone = journaled[1]
    spreadsheet = sheets.open_spreadsheet(gateway.settings_for(book.settings["sheet"]))
    spreadsheet.worksheet("Customers").delete_rows(book.find(gone.ref)["_row"])
    sheets.close(spreadsheet)
    book.settings["sheet"].update(archive_guard_share=1.0)
    with _at(5):
        # A changed setting makes the next cycle full; the one after looks quickly again.
        assert _cycle(book)[0].archived == 1
    assert Customer.get_by_id(gone.id).archived


def test_a_row_deleted_unseen_waits_at_most_full_read_minutes(book, journaled):
    book.settings["sheet"].update(archive_guard_share=1.0, full_read_minutes=10)
    run, _ = _cycle(book)  # a full cycle under the changed settings, quiet
    assert run.journal == "live"
    gone = journaled[1]
    spreadsheet = sheets.open_spreadsheet(gateway.settings_for(book.settings["sheet"]))
    spreadsheet.worksheet("Customers").delete_rows(book.find(gone.ref)["_row"])
    sheets.close(spreadsheet)
    with _at(9):
        run, counts = _cycle(book)
    assert run.journal == "quiet" and counts == {"values.batchGet": 1}
    assert not Customer.get_by_id(gone.id).archived  # a deleted row is not journaled
    with _at(10):
        run, _ = _cycle(book)
    assert run.archived == 1 and Customer.get_by_id(gone.id).archived


def test_an_edit_the_journal_did_not_show_makes_every_cycle_read_everything_until_it_shows_edits_again(
        book, journaled):
    acme, baidu = journaled
    book.emulator.set_journal(False)  # the script removed: edits are no longer journaled
    book.type("Customers", book.find(acme.ref)["_row"], "Region", "North")
    assert _cycle(book)[0].journal == "quiet"  # unseen until the full read...
    with _at(10):
        run, _ = _cycle(book)
    assert run.journal == "missed" and Customer.get_by_id(acme.id).region == "North"
    with _at(11):
        run, counts = _cycle(book)
    assert run.journal == "missed" and counts["values.batchGet"] >= 1 and run.rows_read > 0  # read in full
    book.emulator.set_journal(True)  # installed again: its next line earns the trust back
    book.type("Customers", book.find(baidu.ref)["_row"], "Region", "South")
    with _at(12):
        run, _ = _cycle(book)
        assert run.journal == "live" and Customer.get_by_id(baidu.id).region == "South"
        assert _cycle(book)[0].journal == "live"  # the quiet full cycle after the change
        assert _cycle(book)[0].journal == "quiet"


def test_without_the_journal_every_cycle_reads_the_whole_sheet(book, pinned):
    make_customer(name="Acme")
    book.sync()
    book.sync()
    run, counts = _cycle(book)
    assert run.journal == "absent" and run.rows_read > 0


def test_the_sync_runs_page_says_whether_the_journal_is_live(book, client, auth, pinned):
    from tests.conftest import make_user
    make_user()
    auth.login()
    make_customer(name="Acme")
    book.sync()
    page = client.get("/admin/sync_runs/").get_data(as_text=True)
    assert 'id="journal-state"' in page and "not installed" in page
    book.emulator.set_journal(True)  # installed: looked for again within full_read_minutes
    with _at(10):
        book.sync()
    page = client.get("/admin/sync_runs/").get_data(as_text=True)
    assert "every edit people make in the sheet is journaled" in page
