"""The tabs' titles follow sheet.language; a sheet laid out in the other language keeps syncing."""
from __future__ import annotations

from backoffice import words
from sync import gateway, layout, tabs
from sync.columns import TABLES
from tests.factories import make_customer
from tests.sync.conftest import SID


def _spreadsheet(book):
    return gateway.open_cached(gateway.settings_for(book.settings["sheet"]))


def test_the_chinese_headers_are_declared_once_in_backoffice_words():
    for table in TABLES:
        for column in table.all_columns:
            assert column.zh == words.headers_zh(column.field, table.key), (table.key, column.field)


def test_a_chinese_sheet_names_its_tabs_in_chinese_unless_the_settings_name_them():
    sheet = {"customers_tab": "Customers", "plans_tab": "Care plans", "tickets_tab": "Tickets", "language": "zh_CN"}
    assert tabs.titles(sheet) == {"customer": "客户", "care plan": "关怀计划", "ticket": "工单"}
    assert tabs.titles({**sheet, "customers_tab": "Kunden"})["customer"] == "Kunden"
    assert tabs.titles({**sheet, "language": "en"})["ticket"] == "Tickets"


def test_an_english_sheet_switched_to_chinese_syncs_then_sheet_init_renames_its_tabs_in_place(book):
    customer = make_customer(name="Acme")
    assert book.sync().status == "ok"  # laid out in English: Customers, Care plans, Tickets
    before = book.rows("Customers")
    book.settings["sheet"]["language"] = "zh_CN"
    customer.region = "华东"
    customer.save()
    run = book.sync()  # the English titles are still found
    assert run.status == "ok", run.error
    assert book.find(customer.ref)["Region"] == "华东"

    done = layout.init_sheet(_spreadsheet(book), tabs.titles(book.settings["sheet"]), rows=40, language="zh_CN")
    assert any("客户" in line for line in done)
    titles = [s["properties"]["title"] for s in _spreadsheet(book).fetch_sheet_metadata()["sheets"]]
    assert {"客户", "关怀计划", "工单"} <= set(titles) and "Customers" not in titles
    after = book.emulator.values(SID, "客户")
    assert after[0][0] == "编号" and [row[1:] for row in after[1:]] != []
    assert [row[0] for row in after[1:]] == [row[0] for row in before[1:]]  # the data untouched
    assert book.sync().status == "ok"
    assert layout.init_sheet(_spreadsheet(book), tabs.titles(book.settings["sheet"]), rows=40,
                             language="zh_CN") == []  # a second run changes nothing
