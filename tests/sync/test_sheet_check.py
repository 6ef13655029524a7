"""`backoffice sheet check`: which spreadsheet, as whom, does it answer, and what to do when it
does not (403, 404, API not enabled, a tab or header missing); a dry run of a first cycle."""
from __future__ import annotations

import json
import re

import pytest

from backoffice.models import Customer
from sync import gateway
from sync.check import check
from sync.cli import sheet_group
from sync.preview import preview
from tests.conftest import make_user
from tests.factories import make_customer
from tests.sync.conftest import SID

ACCOUNT = "care-sync@care-project.iam.gserviceaccount.com"


@pytest.fixture
def as_account(sync_settings, tmp_path):
    """A service account key beside the emulator (which, like any stand-in, ignores it)."""
    key = tmp_path / "service-account.json"
    key.write_text(json.dumps({"type": "service_account", "client_email": ACCOUNT}))
    sync_settings["sheet"]["credentials_file"] = str(key)
    return sync_settings


def _run(app, *args):
    return app.test_cli_runner().invoke(sheet_group, ["check", *args])


def test_a_healthy_sheet_says_which_it_is_as_whom_and_that_it_answers(app, book, as_account):
    report = check(as_account)
    assert report.ok and (report.spreadsheet_id, report.title, report.account) == (SID, "Customer care", ACCOUNT)
    assert report.data_rows == {"Customers": 0, "Care plans": 0, "Tickets": 0}
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert SID in result.output and ACCOUNT in result.output and "Answers: yes" in result.output
    assert "Asia/Shanghai" in result.output  # the emulator's sheet is in Etc/GMT: the note says what it means


def test_a_sheet_not_shared_with_the_account_says_share_it_as_editor(app, book, as_account, emulator):
    emulator.add_fault("403", times=3)
    report = check(as_account)
    assert not report.answers
    (problem,) = report.problems
    assert ACCOUNT in problem.what and f"add {ACCOUNT} as Editor" in problem.fix
    emulator.add_fault("403", times=3)
    result = _run(app)
    assert result.exit_code == 1 and "as Editor" in result.output


def test_a_wrong_id_says_check_the_id(app, book, sync_settings):
    sync_settings["sheet"]["spreadsheet_id"] = "no-such-sheet"
    (problem,) = check(sync_settings).problems
    assert "no-such-sheet" in problem.what and "/d/" in problem.fix


def test_an_api_not_enabled_gives_the_link_to_enable_it(app, book, as_account, emulator):
    emulator.add_fault("api_disabled", times=3)
    (problem,) = check(as_account).problems
    assert "not enabled" in problem.what
    assert problem.link.startswith("https://console.developers.google.com/apis/api/sheets.googleapis.com")


def test_a_missing_tab_or_header_says_run_sheet_init(app, book, sync_settings):
    spreadsheet = gateway.open_cached(gateway.settings_for(sync_settings["sheet"]))
    spreadsheet.del_worksheet(spreadsheet.worksheet("Care plans"))
    book.emulator.set_cell(SID, "Customers", "B1", "Company nickname")  # Name renamed
    problems = check(sync_settings).problems
    assert [p.what for p in problems][0] == "The tab Care plans is missing."
    assert all("sheet init" in p.fix for p in problems)
    assert any('"Name" is missing' in p.what for p in problems)
    result = _run(app)
    assert result.exit_code == 1 and "sheet init" in result.output


def test_a_sheet_that_already_has_data_offers_a_dry_run_that_writes_nothing(app, book, sync_settings):
    make_customer(name="In the panel")
    for name, email in (("Acme", "sales@acme.example.com"), ("Bravo", "bravo at example"), ("", "orphan@x.cn")):
        book.add_row("Customers", {"Name": name, "Email": email, "Region": "East"})
    report = check(sync_settings)
    assert report.offers_dry_run and report.data_rows["Customers"] == 3
    book.emulator.reset_counts()
    before = book.rows()
    (customers, plans, tickets) = preview(sync_settings)
    assert (customers.rows, customers.create, customers.add_to_sheet, customers.refused) == (3, 2, 1, 2)
    assert any("email" in status for _row, status in customers.examples)
    assert plans.problem == "" and plans.rows == 0
    assert tickets.problem == "" and tickets.rows == 0
    assert book.rows() == before and Customer.select().count() == 1
    assert set(book.counts()) <= {"spreadsheets.get", "values.batchGet"}  # reads only
    result = _run(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "create 2" in result.output and "nothing was written" in result.output
    assert book.rows() == before


def test_a_synced_sheet_offers_no_dry_run(app, book, sync_settings):
    make_customer(name="Acme")
    book.sync()
    assert not check(sync_settings).offers_dry_run


def _page(client, method: str = "get"):
    if method == "get":
        return client.get("/admin/sheet-connection/").get_data(as_text=True)
    page = client.get("/admin/sheet-connection/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return client.post("/admin/sheet-connection/", data={"csrf_token": token}).get_data(as_text=True)


def test_the_connection_page_tells_an_admin_what_to_do(book, as_account, client, auth, emulator):
    make_user()
    auth.login()
    page = _page(client)
    assert SID in page and ACCOUNT in page and 'id="sheet-answers"' in page and "badge-success" in page
    emulator.add_fault("403")  # not retried: one request meets it
    page = _page(client)
    assert "badge-danger" in page and f"add {ACCOUNT} as Editor" in page
    emulator.add_fault("api_disabled")
    assert "https://console.developers.google.com/apis/api/sheets.googleapis.com" in _page(client)


def test_the_connection_page_offers_and_runs_a_dry_run(book, client, auth):
    make_user()
    auth.login()
    book.add_row("Customers", {"Name": "Acme", "Region": "East"})
    assert 'id="dry-run-offer"' in _page(client)
    book.emulator.reset_counts()
    page = _page(client, "post")
    assert 'id="dry-run-result"' in page and "<td>1</td>" in page
    assert Customer.select().count() == 0 and set(book.counts()) <= {"spreadsheets.get", "values.batchGet"}


def test_the_connection_page_is_for_admins(book, client, auth):
    make_user()
    make_user("rep@example.org", role="manager")
    auth.login("rep@example.org")
    assert client.get("/admin/sheet-connection/").status_code in (302, 403)
