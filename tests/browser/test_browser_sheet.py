"""An admin in the panel and a staff member on the sheet page, side by side, a sync cycle between them."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.browser_stack import ALPHA, BRAVO, add_filter, screenshot

pytestmark = pytest.mark.browser

NEW_CUSTOMER = "Delta Instruments Co., Ltd."


class SheetPage:
    """The emulator's grid page, used the way a person uses it: click a cell, type, press Enter.

    Columns are named by their English header and found by the header `sheet init` wrote in the
    sheet's `language` ("Email" is 电子邮箱 in a Chinese sheet); any other text is taken as it is."""

    def __init__(self, page, url: str, language: str = "en", table=None):
        from sync.columns import CUSTOMERS
        self.page, self.url, self.language = page, url, language
        self.headings = {c.header: c.heading(language) for c in (table or CUSTOMERS).all_columns}

    def open(self) -> SheetPage:
        self.page.goto(self.url)
        expect(self.page.locator("#grid")).to_be_visible()
        return self

    def column(self, header: str) -> int:
        header = self.headings.get(header, header)
        cell = self.page.locator("#grid tr[data-row='1'] td").filter(
            has_text=re.compile(rf"^{re.escape(header)}$"))
        expect(cell).to_have_count(1)
        return int(cell.get_attribute("data-col"))

    def row_of(self, text: str) -> int:
        cell = self.page.locator("#grid td[data-row]").filter(has_text=re.compile(rf"^{re.escape(text)}$"))
        expect(cell).to_have_count(1)
        return int(cell.get_attribute("data-row"))

    def cell(self, row: int, header: str):
        return self.page.locator(f"#cell-{row}-{self.column(header)}")

    def type_into(self, row: int, header: str, text: str) -> None:
        self.cell(row, header).click()
        editor = self.page.locator("input.cell-editor")
        expect(editor).to_be_focused()
        editor.fill(text)
        with self.page.expect_navigation():  # the page reloads once the API call has saved
            editor.press("Enter")

    def delete_row(self, row: int) -> None:
        with self.page.expect_navigation():
            self.page.click(f"button.delete-row[data-row='{row}']")


def language(stack) -> str:
    return stack.settings()["sheet"]["language"]


def not_saved(stack) -> str:
    """How a refused row's status ends in the sheet's language."""
    return {"en": "not saved", "zh_CN": "未保存"}[language(stack)]


@pytest.fixture
def sheet(new_page, stack) -> SheetPage:
    return SheetPage(new_page(base_url=stack.sheet_url), stack.sheet_page(), language(stack)).open()


@pytest.fixture
def admin(signed_in):
    return signed_in("admin@example.com")


def customer(stack, name: str):
    from backoffice.models import Customer
    with stack.database():
        return Customer.get(Customer.name == name)


def details(page, record) -> None:
    page.goto(f"/admin/customers/details/?id={record.id}")
    expect(page.locator("h1, h2, h3, .table").first).to_be_visible()


def test_a_customer_created_in_the_panel_appears_on_the_sheet_page(admin, new_page, stack):
    stack.sync()  # the sheet starts with the whole book
    admin.goto("/admin/customers/new/")
    admin.fill("#name", NEW_CUSTOMER)
    admin.fill("#region", "South China")
    admin.fill("#email", "sales@delta.example.com")
    with admin.expect_navigation():
        admin.click("input[type=submit][value='Save']")
    expect(admin.locator(".alert")).to_contain_text("successfully created")
    created = customer(stack, NEW_CUSTOMER)

    stack.sync()
    sheet = SheetPage(new_page(base_url=stack.sheet_url), stack.sheet_page(), language(stack)).open()
    row = sheet.row_of(NEW_CUSTOMER)
    expect(sheet.cell(row, "ID")).to_have_text(created.ref)
    expect(sheet.cell(row, "Email")).to_have_text("sales@delta.example.com")
    expect(sheet.cell(row, "Region")).to_have_text("South China")
    screenshot(sheet.page, "sheet")
    assert admin.problems.all() + sheet.page.problems.all() == []


def test_a_cell_edited_on_the_sheet_page_reaches_the_panel_with_its_history(admin, sheet, stack):
    stack.sync()
    row = sheet.open().row_of(ALPHA)  # the page as the cycle left it
    sheet.type_into(row, "Contact", "Zhou Minghui")
    expect(sheet.cell(row, "Contact")).to_have_text("Zhou Minghui")

    stack.sync()
    alpha = customer(stack, ALPHA)
    assert alpha.contact_name == "Zhou Minghui"
    details(admin, alpha)
    expect(admin.locator("body")).to_contain_text("Zhou Minghui")
    change = admin.locator("#timeline li[data-kind='change']").filter(has_text="Zhou Minghui")
    expect(change.first).to_contain_text("sheet sync")  # who: the sync, on the customer's timeline
    expect(change.first).to_contain_text("Zhou Min →")
    expect(sheet.open().cell(row, "Sync status")).not_to_contain_text(not_saved(stack))
    assert admin.problems.all() + sheet.page.problems.all() == []


def test_an_invalid_email_typed_on_the_sheet_is_refused_and_the_row_says_why(admin, sheet, stack):
    stack.sync()
    row = sheet.open().row_of(BRAVO)  # the page as the cycle left it
    sheet.type_into(row, "Email", "li.na at bravo")

    stack.sync()
    sheet.open()
    status = sheet.cell(row, "Sync status")
    expect(status).to_contain_text(not_saved(stack))
    expect(status).to_contain_text("li.na at bravo")  # the refused value, quoted
    expect(sheet.cell(row, "Email")).to_have_text("li.na at bravo")  # the text stays where it was typed
    status.scroll_into_view_if_needed()
    screenshot(sheet.page, "sheet-sync-status")
    bravo = customer(stack, BRAVO)
    assert bravo.email == "li.na@bravo.example.com"
    details(admin, bravo)
    expect(admin.locator("body")).to_contain_text("li.na@bravo.example.com")
    expect(admin.locator("body")).not_to_contain_text("li.na at bravo")
    assert admin.problems.all() + sheet.page.problems.all() == []


def test_a_row_deleted_on_the_sheet_archives_the_customer_who_can_be_restored(admin, sheet, stack):
    stack.sync()
    victim = customer(stack, NEW_CUSTOMER) if sheet.page.locator(
        "#grid td", has_text=NEW_CUSTOMER).count() else customer(stack, ALPHA)
    sheet.delete_row(sheet.row_of(victim.name))
    expect(sheet.page.locator("#grid")).not_to_contain_text(victim.name)

    stack.sync()
    assert customer(stack, victim.name).archived
    admin.goto("/admin/customers/?search=" + victim.ref)
    expect(admin.locator("table.model-list")).not_to_contain_text(victim.name)
    admin.goto("/admin/customers/")
    add_filter(admin, "Archived", "archived only")
    line = admin.locator("table.model-list tbody tr").filter(has_text=victim.name)
    expect(line).to_have_count(1)

    line.locator("input.action-checkbox").check()
    admin.get_by_role("button", name="With selected").click()
    admin.once("dialog", lambda dialog: dialog.accept())  # "Restore the selected customers…?"
    with admin.expect_navigation():
        admin.locator("[data-bulk-action='restore']").click()
    expect(admin.locator(".alert")).to_contain_text("Restored 1 customer(s).")
    assert not customer(stack, victim.name).archived
    admin.goto("/admin/customers/")
    expect(admin.locator("table.model-list")).to_contain_text(victim.name)

    stack.sync()  # restored in the panel: back on the sheet
    expect(sheet.open().page.locator("#grid")).to_contain_text(victim.name)
    assert admin.problems.all() + sheet.page.problems.all() == []


def test_done_on_typed_on_the_sheet_page_marks_the_plan_done_in_the_panel(admin, new_page, stack):
    import datetime as dt

    from backoffice import clock
    from backoffice.models import CarePlan, Customer, Interaction
    from sync.columns import PLANS
    language = stack.settings()["sheet"]["language"]  # the headers as `sheet init` wrote them
    header = {name: PLANS.column(name).heading(language)
              for name in ("done_on", "outcome", "next_due", "sync_status")}
    stack.sync()
    with stack.database():
        plan = (CarePlan.select().join(Customer)
                .where(CarePlan.status == "active", ~CarePlan.archived, ~Customer.archived)
                .order_by(CarePlan.id).first())
        owner = plan.customer
        touches = Interaction.select().where(Interaction.care_plan == plan.id).count()
    done_on = clock.today() - dt.timedelta(days=1)  # yesterday in the office: never a day to come
    next_due = done_on + dt.timedelta(days=plan.interval_days)

    sheet = SheetPage(new_page(base_url=stack.sheet_url), stack.sheet_page("care plan")).open()
    row = sheet.row_of(plan.ref)
    sheet.type_into(row, header["done_on"], done_on.isoformat())
    sheet.type_into(row, header["outcome"], "Agreed the spring order by phone")

    stack.sync()
    sheet.open()
    expect(sheet.cell(row, header["done_on"])).to_have_text("")
    expect(sheet.cell(row, header["outcome"])).to_have_text("")
    status = sheet.cell(row, header["sync_status"])
    expect(status).to_contain_text(done_on.isoformat())
    expect(status).to_contain_text(next_due.isoformat())
    expect(sheet.cell(row, header["next_due"])).to_have_text(next_due.isoformat())
    with stack.database():
        assert Interaction.select().where(Interaction.care_plan == plan.id).count() == touches + 1

    admin.goto(f"/admin/customers/details/?id={owner.id}")
    expect(admin.locator("#timeline")).to_contain_text("Agreed the spring order by phone")
    line = admin.locator(f"#care-plans tr[data-plan='{plan.ref}']")
    expect(line).to_contain_text(next_due.isoformat())
    expect(line).to_contain_text(done_on.isoformat())
    assert admin.problems.all() + sheet.page.problems.all() == []


def test_a_refused_cell_is_marked_with_its_reason_and_cleared_once_fixed(sheet, stack):
    """The stack's sheet speaks Chinese (sheet.language's default): 电子邮箱 is Email, 未保存 "not saved"."""
    stack.sync()
    row = sheet.open().row_of(BRAVO)
    sheet.type_into(row, "电子邮箱", "li.na at bravo")

    stack.sync()
    sheet.open()
    email = sheet.cell(row, "电子邮箱")
    expect(email).to_have_css("background-color", "rgb(252, 219, 217)")  # the mark the sync laid
    expect(email).to_have_attribute("title", re.compile("li.na at bravo.*未保存"))
    expect(sheet.cell(row, "同步状态")).to_contain_text("未保存")
    expect(sheet.cell(row, "客户名称")).not_to_have_attribute("data-bg", re.compile("."))
    email.scroll_into_view_if_needed()
    screenshot(sheet.page, "sheet-refused-cell")

    sheet.type_into(row, "电子邮箱", "li.na@bravo.example.com")
    stack.sync()
    sheet.open()
    email = sheet.cell(row, "电子邮箱")
    expect(email).to_have_text("li.na@bravo.example.com")
    expect(email).not_to_have_attribute("data-bg", re.compile("."))
    expect(email).not_to_have_attribute("title", re.compile("."))
    expect(sheet.cell(row, "同步状态")).to_have_text("")
    assert sheet.page.problems.all() == []
