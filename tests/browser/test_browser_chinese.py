"""A Chinese-speaking rep's day in a real browser: no English word in the way.

Sign in, Today, a customer's page, mark a plan done, the customers list and its CSV
download, all in an office whose language is zh_CN. Logins, ids, numbers and the names
of file formats (CSV, Excel) may stay as they are; any other Latin word fails the test.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.browser_stack import Stack, make_user, sign_in

pytestmark = pytest.mark.browser

CUSTOMER = "上海恒达机械有限公司"
ALLOWED = {"CSV", "Excel", "UTF", "BOM", "GB", "API", "English"}  # English: the switch to it
NOT_WORDS = re.compile(r"[\w.+-]+@[\w.-]+|\b[A-Z]{2}-[\w-]+\b|https?://\S+")


def english_words(text: str) -> list[str]:
    """Latin words a reader would have to read, once logins, ids and links are set aside."""
    words = re.findall(r"[A-Za-z]{2,}", NOT_WORDS.sub(" ", text))
    return sorted({w for w in words if w not in ALLOWED})


def no_english(page) -> None:
    shown = page.locator("body").inner_text()
    assert english_words(shown) == [], (page.url, english_words(shown))
    assert page.locator("html").get_attribute("lang") == "zh-CN"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, browser) -> Iterator[Stack]:
    stack = Stack(tmp_path_factory.mktemp("browser-zh"), settings={"app__locale": "zh_CN"})
    try:
        stack.start_emulator()
        stack.migrate()
        from backoffice import clock, demo
        from backoffice.models import CarePlan, Customer
        with stack.database():
            rep = make_user("li.wei@example.com", "rep", "李伟")
            demo.make_demo_data(8, seed=4, settings=stack.settings())
            customer = Customer.create(name=CUSTOMER, owner=rep, region="华东", stage="deal", tier="strategic",
                                       contact_name="周敏", contact_title="采购负责人", phone="+8613800138000",
                                       annual_purchase=Decimal("1200000"), tags="loyal, high-potential",
                                       verified_at=clock.today())
            CarePlan.create(customer=customer, owner=rep, title="季度电话回访", action="call", channel="phone",
                            interval_days=14, next_due=clock.today(), status="active")
        stack.start()
        yield stack
    finally:
        stack.stop()


def test_a_chinese_rep_signs_in_works_through_today_and_downloads_a_csv(new_page, stack):
    page = new_page()
    page.goto("/login")
    no_english(page)
    sign_in(page, "li.wei@example.com")
    expect(page.locator("h2")).to_contain_text("今日待办")
    no_english(page)

    page.click(f"#plans-today a:text('{CUSTOMER}')")
    expect(page.locator("#customer-header")).to_contain_text(CUSTOMER)
    expect(page.locator("#customer-phone")).to_have_text("138 0013 8000")
    expect(page.locator("#customer-purchase")).to_have_text("¥1,200,000.00")
    expect(page.locator("#customer-tier")).to_have_text("战略客户")
    no_english(page)

    page.goto("/admin/")
    with page.expect_navigation():
        page.click("#plans-today a:text('标记完成')")
    no_english(page)
    page.fill("#summary", "电话沟通，客户对交付满意")
    with page.expect_navigation():
        page.click("button[type=submit].btn-primary")
    expect(page.locator(".alert").first).to_contain_text("已将 1 个维护计划标记完成")
    no_english(page)

    page.goto("/admin/customers/")
    expect(page.locator("table.model-list")).to_contain_text("138 0013 8000")
    no_english(page)
    with page.expect_download() as download:
        page.click("#export-csv")
    text = download.value.path().read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert "客户名称" in header and english_words(" ".join(header)) == [], header
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["客户名称"] == CUSTOMER)
    assert row["合作阶段"] == "成交客户" and english_words(" ".join(v for k, v in row.items() if k != "电子邮箱")) == []
    assert dt.date.fromisoformat(row["最近核实日期"])
