"""The sheet as a place to work: refused cells marked, clean rows quiet, values that read right,
overdue plans highlighted, and none of it changing a value or costing a quiet cycle a write."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from backoffice.models import Customer
from backoffice.rules import to_serial
from sync import appearance, gateway, layout, marks
from tests.factories import make_customer, make_plan
from tests.sync.conftest import SID, TABS
from tests.sync.test_sync_chinese import zh_book  # noqa: F401 - the Chinese sheet's fixture

DAY = dt.date(2024, 3, 5)


def _spreadsheet(book):
    return gateway.open_cached(gateway.settings_for(book.settings["sheet"]))


def _cells(book, tab: str, row: int) -> dict[str, dict]:
    """{header: CellData} of one row, formats and notes included (one spreadsheets.get)."""
    header = book.header(tab)
    reply = _spreadsheet(book).fetch_sheet_metadata(params={
        "includeGridData": "true", "ranges": [f"'{tab}'!{row}:{row}"],
        "fields": "sheets.data.rowData.values(formattedValue,userEnteredFormat,effectiveFormat,note)"})
    values = (reply["sheets"][0]["data"][0].get("rowData") or [{}])[0].get("values", [])
    return {h: (values[i] if i < len(values) else {}) for i, h in enumerate(header)}


def _background(cell: dict):
    return (cell.get("effectiveFormat") or {}).get("backgroundColor")


def _read(book, rng: str, option: str) -> list:
    return _spreadsheet(book).values_get(rng, params={"valueRenderOption": option}).get("values", [])


def test_sheet_init_puts_sync_status_by_the_names_and_freezes_them_with_the_id(book):
    assert book.header("Customers")[:3] == ["ID", "Name", "Sync status"]
    assert book.header("Care plans")[:5] == ["ID", "Customer ID", "Customer", "Title", "Sync status"]
    customers = book.emulator.sheet_properties(SID, "Customers")["gridProperties"]
    plans = book.emulator.sheet_properties(SID, "Care plans")["gridProperties"]
    assert (customers["frozenRowCount"], customers["frozenColumnCount"]) == (1, 2)
    assert (plans["frozenRowCount"], plans["frozenColumnCount"]) == (1, 4)
    assert layout.init_sheet(_spreadsheet(book), TABS, rows=40) == []  # a second run changes nothing


def test_moved_columns_are_found_by_header_and_only_leading_identity_columns_freeze(book):
    columns = {"ref": 3, "name": 0, "sync_status": 1}
    assert appearance.frozen_columns(layout.TABLES[0], columns) == 1
    assert appearance.frozen_columns(layout.TABLES[0], {"ref": 0, "name": 1}) == 2


def test_money_dates_and_phones_read_right_and_a_round_trip_changes_nothing(book):
    customer = make_customer(name="Acme", annual_purchase=Decimal("1200000"), phone="+8613800138000",
                             birthday=DAY, region="0042")
    assert book.sync().status == "ok"
    book.sync()  # the plans its playbook made join their tab
    row = book.find(customer.ref)["_row"]
    header = book.header()
    first, last = gateway.column_letters(0), gateway.column_letters(len(header) - 1)
    shown = dict(zip(header, _read(book, f"Customers!{first}{row}:{last}{row}", "FORMATTED_VALUE")[0], strict=False))
    raw = dict(zip(header, _read(book, f"Customers!{first}{row}:{last}{row}", "UNFORMATTED_VALUE")[0], strict=False))
    assert (shown["Annual purchase"], shown["Birthday"], shown["Phone"]) == ("¥1,200,000.00", "2024-03-05",
                                                                             "138 0013 8000")
    assert (raw["Annual purchase"], raw["Birthday"], raw["Phone"]) == (1200000, to_serial(DAY), "138 0013 8000")
    assert shown["Sync status"] == "" and shown["Region"] == "0042"
    book.emulator.reset_counts()
    again = book.sync()
    assert (again.updated, again.rejected) == (0, 0)
    assert book.counts() == {"values.batchGet": 1}  # read back as the same values: nothing to write
    saved = Customer.get_by_id(customer.id)
    assert (saved.annual_purchase, saved.phone, saved.birthday) == (Decimal("1200000"), "+8613800138000", DAY)


def test_a_date_and_a_phone_typed_by_staff_are_saved_and_shown_the_sheets_way(book):
    customer = make_customer(name="Acme")
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "First contact", "2024/3/5")
    book.type("Customers", row, "Phone", "13800138000")  # a plain-text column: stays text
    assert book.sync().rejected == 0
    saved = Customer.get_by_id(customer.id)
    assert (saved.first_contact, saved.phone) == (DAY, "+8613800138000")
    assert (book.cell("Customers", row, "First contact"), book.cell("Customers", row, "Phone")) == (
        to_serial(DAY), "138 0013 8000")


def test_a_sheet_from_before_is_rewritten_once_then_quiet(book):
    customer = make_customer(name="Acme", phone="+8613800138000", first_contact=DAY)
    book.sync()
    row = book.find(customer.ref)["_row"]
    for header, old in (("Sync status", "ok"), ("Phone", "+8613800138000"), ("First contact", "2024-03-05")):
        book.type("Customers", row, header, old, user_entered=False)
    first = book.sync()
    assert first.status == "ok" and first.rejected == 0
    assert [book.cell("Customers", row, h) for h in ("Sync status", "Phone", "First contact")] == [
        "", "138 0013 8000", to_serial(DAY)]
    book.emulator.reset_counts()
    book.sync()
    assert book.counts() == {"values.batchGet": 1}


def test_a_refused_cell_is_marked_with_its_reason_and_unmarked_once_fixed(book):
    customer = make_customer(name="Acme", email="li@acme.example.com")
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Email", "li at acme")
    book.emulator.reset_counts()
    run = book.sync()
    assert run.rejected == 1
    assert book.counts() == {"values.batchGet": 2, "spreadsheets.batchUpdate": 1,  # the read, the IDs before the write
                             "values.batchUpdate": 1}  # the tabs' ids were learnt by the first cycle, then kept
    cells = _cells(book, "Customers", row)
    assert _background(cells["Email"]) == marks.MARK and _background(cells["Sync status"]) == marks.MARK
    assert "not saved" in cells["Email"]["note"] and "li at acme" in cells["Email"]["note"]
    assert _background(cells["Name"]) is None and "note" not in cells["Sync status"]
    assert cells["Email"]["formattedValue"] == "li at acme"  # the typed text stays
    book.emulator.reset_counts()
    book.sync()
    assert book.counts() == {"values.batchGet": 1}  # the marks are there: a quiet cycle writes nothing

    book.type("Customers", row, "Email", "li.na@acme.example.com")
    book.emulator.reset_counts()
    assert book.sync().rejected == 0
    assert book.counts() == {"values.batchGet": 2, "spreadsheets.batchUpdate": 1, "values.batchUpdate": 1}
    cells = _cells(book, "Customers", row)
    assert [(_background(cells[h]), cells[h].get("note")) for h in ("Email", "Sync status")] == [(None, None)] * 2
    assert book.cell("Customers", row, "Sync status") == ""
    assert Customer.get_by_id(customer.id).email == "li.na@acme.example.com"


def test_a_fixed_cell_keeps_its_number_format_when_its_mark_goes(book):
    customer = make_customer(name="Acme")
    book.sync()
    row = book.find(customer.ref)["_row"]
    book.type("Customers", row, "Birthday", "someday")
    book.sync()
    assert _background(_cells(book, "Customers", row)["Birthday"]) == marks.MARK
    book.type("Customers", row, "Birthday", "2024-03-05")
    book.sync()
    cell = _cells(book, "Customers", row)["Birthday"]
    assert _background(cell) is None and cell["formattedValue"] == "2024-03-05"
    assert cell["userEnteredFormat"]["numberFormat"]["pattern"] == "yyyy-mm-dd"


def test_a_new_row_refused_for_its_name_is_marked_on_the_name(book):
    row = book.add_row("Customers", {"Region": "East", "Email": "no name"})
    assert book.sync().rejected == 1
    cells = _cells(book, "Customers", row)
    assert _background(cells["Name"]) == marks.MARK and "name: is required" in cells["Name"]["note"]
    assert _background(cells["Email"]) == marks.MARK and _background(cells["Region"]) is None


def test_a_chinese_sheet_notes_the_reason_in_chinese(zh_book):  # noqa: F811 - the fixture
    customer = make_customer(name="华东机械")
    zh_book.sync()
    row = next(r for r in zh_book.records() if r["编号"] == customer.ref)["_row"]
    zh_book.type("Customers", row, "电子邮箱", "li at acme")
    zh_book.sync()
    cell = _cells(zh_book, "Customers", row)["电子邮箱"]
    assert _background(cell) == marks.MARK and "未保存" in cell["note"]


@pytest.fixture
def plans(book):
    customer = make_customer(name="Acme")
    made = {title: make_plan(customer, title=title, next_due=due, status=status) for title, due, status in (
        ("late", DAY - dt.timedelta(days=3), "active"), ("today", DAY, "active"),
        ("later", DAY + dt.timedelta(days=1), "active"), ("paused late", DAY - dt.timedelta(days=9), "paused"))}
    book.emulator.set_today(DAY)  # the spreadsheet's own today, in its time zone
    assert book.sync().status == "ok"
    return made


def test_overdue_and_due_today_plans_are_highlighted_and_follow_the_date(book, plans):
    rows = {r["Title"]: r["_row"] for r in book.records("Care plans") if r["Title"] in plans}
    shown = {title: _background(_cells(book, "Care plans", row)["Title"]) for title, row in rows.items()}
    assert shown == {"late": appearance.OVERDUE, "today": appearance.DUE_TODAY, "later": None, "paused late": None}
    book.emulator.set_today(DAY + dt.timedelta(days=1))  # tomorrow: nothing written, the rules follow
    assert _background(_cells(book, "Care plans", rows["today"])["Next due"]) == appearance.OVERDUE
    book.emulator.reset_counts()
    book.sync()
    assert "spreadsheets.batchUpdate" not in book.counts() and "values.batchUpdate" not in book.counts()


def test_rows_the_sync_adds_past_the_grid_get_the_number_formats(book):
    for number in range(45):
        make_customer(name=f"Customer {number:02d}", annual_purchase=Decimal(number))
    assert book.sync().status == "ok"
    last = max(r["_row"] for r in book.records())
    assert last > 40
    cell = _cells(book, "Customers", last)["Annual purchase"]
    assert cell["userEnteredFormat"]["numberFormat"]["pattern"] == "¥#,##0.00"
