"""A rep's own sheet in a real browser: it lists only their book, and their edit reaches the panel as them."""
from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.browser_stack import ALPHA, BRAVO, SHEET_TOKEN, wait_until
from tests.browser.test_browser_sheet import SheetPage, customer, details, language

pytestmark = pytest.mark.browser


def _customers_tab(stack, spreadsheet_id: str) -> str:
    """The Customers tab's title in this sheet (its language decides it)."""
    for title in ("Customers", "客户"):
        answer = requests.get(f"{stack.sheet_url}/_emulator/spreadsheets/{spreadsheet_id}/values/{title}",
                              headers={"X-Emulator-Token": SHEET_TOKEN}, timeout=10)
        if answer.ok and answer.json().get("values"):
            return title
    raise AssertionError("no customers tab in the rep's sheet")


def test_rep_a_sheet_never_lists_rep_b_customers_and_rep_a_edit_reaches_the_panel_as_rep_a(
        new_page, signed_in, stack):
    from backoffice.models import Customer, User
    added = stack.command("sheet", "add", "--create", "Ray's customers", "--person", "rep1@example.com")
    spreadsheet_id = re.search(r"#\d+: (\S+)", added.stdout).group(1)
    stack.sync()
    with stack.database():
        rep_a, rep_b = (User.get(User.email == f"rep{n}@example.com") for n in (1, 2))
        mine = [c.name for c in Customer.select().where(Customer.owner == rep_a, ~Customer.archived)]
        theirs = [c.name for c in Customer.select().where(Customer.owner == rep_b, ~Customer.archived)]
    assert BRAVO in theirs and ALPHA in mine
    url = f"{stack.sheet_url}/sheets/{spreadsheet_id}?tab={_customers_tab(stack, spreadsheet_id)}"
    sheet = SheetPage(new_page(base_url=stack.sheet_url), url, language(stack)).open()
    grid = sheet.page.locator("#grid")
    for name in mine:
        expect(grid).to_contain_text(name)
    shown = grid.inner_text()
    assert [name for name in theirs if name in shown] == []  # not one of rep B's customers

    row = sheet.row_of(ALPHA)
    sheet.type_into(row, "Needs", "Two more presses in Q3")

    def reached():
        stack.sync()
        return customer(stack, ALPHA).needs == "Two more presses in Q3"
    wait_until(reached, 60, "rep A's edit to reach the panel")
    admin = signed_in("admin@example.com")
    details(admin, customer(stack, ALPHA))
    expect(admin.locator("body")).to_contain_text("Two more presses in Q3")
    expect(admin.locator("body")).to_contain_text("rep1@example.com via the sheet")  # the history's who
    expect(sheet.open().page.locator("#grid")).not_to_contain_text(BRAVO)
    assert admin.problems.all() + sheet.page.problems.all() == []
