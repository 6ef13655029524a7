"""Fixtures for the real-browser tests: Debian's Chromium via Playwright, and the product as processes."""
from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.browser.browser_stack import ALPHA, BRAVO, Stack, make_user, sign_in, watch

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def seed(stack: Stack) -> None:
    """Users of every role, two known customers and a small demo book for lists and charts."""
    from backoffice import demo
    from backoffice.models import Customer, User
    with stack.database():
        make_user("admin@example.com", "admin", "Ada Admin", can_export_contacts=True)
        make_user("manager@example.com", "manager", "Mia Manager", is_sales_lead=True)
        for n, name in ((1, "Ray Rep"), (2, "Rita Rep"), (3, "Rob Rep")):
            make_user(f"rep{n}@example.com", "rep", name)
        make_user("locked@example.com", "rep", "Lou Locked")
        demo.make_demo_data(40, seed=11, settings=stack.settings())
        rep1 = User.get(User.email == "rep1@example.com")
        rep2 = User.get(User.email == "rep2@example.com")
        Customer.create(name=ALPHA, owner=rep1, region="East China", stage="deal",
                        contact_name="Zhou Min", email="zhou.min@alpha.example.com",
                        phone="+8613800138000", annual_purchase=Decimal("650000"), tier="key")
        Customer.create(name=BRAVO, owner=rep2, region="North China", stage="intent",
                        contact_name="Li Na", email="li.na@bravo.example.com",
                        annual_purchase=Decimal("120000"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory, browser) -> Iterator[Stack]:
    """One set of servers per test module, on a fresh instance folder.

    The panel speaks English (the scenarios read its English words; test_browser_chinese.py
    walks the Chinese panel); the sheet keeps the product's default language, Chinese, so the
    sheet scenarios find their columns by field (test_browser_sheet.SheetPage)."""
    stack = Stack(tmp_path_factory.mktemp("browser"), settings={"app__locale": "en", "sheet__language": "zh_CN"})
    try:
        stack.start_emulator()
        stack.migrate()
        seed(stack)
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def new_page(browser, stack):
    """Pages in fresh browser contexts (one person each); closed at the end of the test."""
    contexts = []

    def make(base_url: str | None = None):
        context = browser.new_context(base_url=base_url or stack.url, accept_downloads=True,
                                      viewport={"width": 1366, "height": 900}, locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = watch(page, favicon_optional=base_url is not None)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def signed_in(new_page):
    """A page signed in as the given user."""
    def make(email: str = "admin@example.com"):
        page = new_page()
        sign_in(page, email)
        return page
    return make
