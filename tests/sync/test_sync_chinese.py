"""A Chinese sheet: headers, dropdowns, words and statuses in Chinese; an English sheet keeps syncing."""
from __future__ import annotations

import pytest

from backoffice.models import Customer, User
from sync import gateway, layout
from tests.factories import make_customer
from tests.sync.conftest import SID, TABS, Book
from tests.test_chinese_formats import FORMATS, IDS


@pytest.fixture
def zh_book(app, sync_settings, emulator):
    """The spreadsheet as `sheet init` lays it out for sheet.language = zh_CN."""
    User.create(email="rep@example.com", name="rep", role="rep", password_hash="x")
    sync_settings["sheet"]["language"] = "zh_CN"
    layout.init_sheet(_spreadsheet(sync_settings), TABS, rows=40, language="zh_CN")
    return Book(emulator, sync_settings)


def _spreadsheet(settings):
    return gateway.open_cached(gateway.settings_for(settings["sheet"]))


def test_sheet_init_writes_the_chinese_headers_of_the_glossary(zh_book):
    header = zh_book.header("Customers")
    assert header[:3] == ["编号", "客户名称", "同步状态"]  # the status where the eye is, by the name
    assert {"客户名称", "统一社会信用代码", "合作阶段", "近12个月采购额(元)", "负责人"} <= set(header)
    assert zh_book.header("Care plans")[:3] == ["编号", "客户编号", "客户"]


def test_the_dropdowns_offer_the_sheets_words(zh_book):
    meta = _spreadsheet(zh_book.settings).fetch_sheet_metadata(
        params={"includeGridData": "true", "ranges": ["Customers!1:2"]})
    cells = meta["sheets"][0]["data"][0]["rowData"][1]["values"]
    stage = cells[zh_book.header("Customers").index("合作阶段")]["dataValidation"]
    assert [v["userEnteredValue"] for v in stage["condition"]["values"]] == [
        "潜在客户", "意向客户", "成交客户", "流失客户"]


def test_a_panel_customer_shows_chinese_words_and_an_empty_status(zh_book):
    customer = make_customer(name="华东机械有限公司", stage="deal", tags="loyal, at-risk")
    run = zh_book.sync()
    assert run.status == "ok", run.error
    row = _row(zh_book, customer.ref)
    assert (row["合作阶段"], row["客户类型"], row["同步状态"]) == ("成交客户", "企业", "")
    assert row["核心标签"] in ("忠诚客户, 风险客户", "风险客户, 忠诚客户")
    again = zh_book.sync()
    assert (again.updated, again.rejected) == (0, 0)  # its own words read back as the same values


def _row(book: Book, ref: str) -> dict:
    return next(r for r in book.records("Customers") if r["编号"] == ref)


def test_chinese_words_typed_in_the_sheet_are_saved_as_keys_and_shown_as_the_sheets_words(zh_book):
    customer = make_customer(name="华东机械有限公司")
    zh_book.sync()
    number = _row(zh_book, customer.ref)["_row"]
    zh_book.type("Customers", number, "合作阶段", "成交")
    zh_book.type("Customers", number, "客户来源", "展会")
    zh_book.type("Customers", number, "核心标签", "忠诚客户")
    run = zh_book.sync()
    assert run.status == "ok" and run.rejected == 0, run.error
    saved = Customer.get_by_id(customer.id)
    assert (saved.stage, saved.source, saved.tags) == ("deal", "exhibition", "loyal")
    row = _row(zh_book, customer.ref)
    assert (row["合作阶段"], row["客户来源"], row["同步状态"]) == ("成交客户", "展会", "")
    zh_book.sync()  # the deal's playbook plans join the plans tab
    assert zh_book.sync().updated == 0


def test_a_new_row_with_a_refused_stage_is_created_and_the_status_says_why_in_chinese(zh_book):
    number = zh_book.add_row("Customers", {"客户名称": "新客户", "合作阶段": "谈判中", "联系电话": "138 0013 8000"})
    run = zh_book.sync()
    created = Customer.get(Customer.name == "新客户")
    assert (created.stage, created.phone) == ("potential", "+8613800138000")
    assert run.created == 1 and run.rejected == 1
    assert zh_book.cell("Customers", number, "合作阶段") == "谈判中"  # the typed text stays
    status = zh_book.cell("Customers", number, "同步状态")
    assert status.startswith('合作阶段: "谈判中"') and "潜在客户" in status and "未保存" in status


def test_an_english_sheet_keeps_syncing_and_sheet_init_rewrites_its_headers_in_place(book):
    customer = make_customer(name="Acme", region="华东", stage="intent")
    book.sync()
    book.settings["sheet"]["language"] = "zh_CN"  # the office switches the sheet to Chinese
    run = book.sync()
    assert run.status == "ok", run.error  # English headers are still recognised
    done = layout.init_sheet(_spreadsheet(book.settings), TABS, rows=40, language="zh_CN")
    assert any("headers" in line or "表头" in line for line in done)
    header = book.header("Customers")
    assert header[0] == "编号" and "客户名称" in header and "Name" not in header
    row = next(r for r in book.records("Customers") if r["编号"] == customer.ref)
    assert (row["客户名称"], row["所属区域"]) == ("Acme", "华东")  # the data did not move
    book.sync()
    assert next(r for r in book.records("Customers") if r["编号"] == customer.ref)["合作阶段"] == "意向客户"


def test_a_header_renamed_to_its_chinese_name_keeps_the_tab_syncing(book):
    customer = make_customer(name="Acme")
    book.sync()
    book.emulator.set_cell(SID, "Customers", f"{gateway.column_letters(book.header().index('Name'))}1", "客户名称")
    book.type("Customers", book.find(customer.ref)["_row"], "客户名称", "Acme Group")
    run = book.sync()
    assert run.status == "ok", run.error
    assert Customer.get_by_id(customer.id).name == "Acme Group"


HEADERS = {"annual_purchase": "近12个月采购额(元)", "first_contact": "首次接触时间", "phone": "联系电话",
           "stage": "合作阶段", "source": "客户来源", "tags": "核心标签"}


@pytest.mark.parametrize(("field", "typed", "stored"), FORMATS, ids=IDS)
def test_the_sheet_takes_chinese_formats(zh_book, field, typed, stored):
    customer = make_customer(name="华东机械")
    zh_book.sync()
    zh_book.type("Customers", _row(zh_book, customer.ref)["_row"], HEADERS[field], typed)
    run = zh_book.sync()
    assert run.rejected == 0, _row(zh_book, customer.ref)["同步状态"]
    value = getattr(Customer.get_by_id(customer.id), field)
    assert value == (stored if field != "tags" else "high-potential, loyal")
