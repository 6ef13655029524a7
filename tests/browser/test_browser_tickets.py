"""A service ticket's life in a real browser: late on Today, answered, resolved, closed with a score."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.browser_stack import ALPHA, BRAVO, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def late_ticket(stack):
    """A ticket on rep1's customer opened 30 hours ago: its 24-hour response is overdue."""
    from backoffice import clock
    from backoffice.models import Customer, Ticket
    with stack.database():
        alpha, bravo = Customer.get(Customer.name == ALPHA), Customer.get(Customer.name == BRAVO)
        opened = clock.now() - dt.timedelta(hours=30)
        ticket = Ticket.create(customer=alpha, title="Bearings arrived scratched", category="product quality",
                               priority="normal", opened_at=opened)
        other = Ticket.create(customer=bravo, title="Cold chain alarm", opened_at=opened)
        return ticket.ref, other.ref


def test_a_late_ticket_is_answered_resolved_and_closed_from_its_page(new_page, late_ticket):
    number, others = late_ticket
    page = new_page()
    sign_in(page, "rep1@example.com")
    page.goto("/admin/")
    row = page.locator("#tickets-due tr", has_text=number)
    expect(row.locator('[data-sla="late"]')).to_be_visible()
    expect(page.locator("#tickets-due")).not_to_contain_text(others)  # rep2's customer, not assigned
    with page.expect_navigation():
        row.locator("a", has_text=number).click()
    expect(page.locator("#ticket-number")).to_have_text(number)
    expect(page.locator('#ticket-badges [data-sla="late"]')).to_be_visible()
    page.fill("#note", "Sorry - a replacement batch ships today")
    with page.expect_navigation():
        page.click("#respond-form button[type=submit]")
    expect(page.locator("#ticket-badges .ticket-status")).to_have_attribute("data-status", "in progress")
    page.fill("#resolution", "Replacement batch delivered and checked")
    with page.expect_navigation():
        page.click("#resolve-form button[type=submit]")
    page.select_option("#satisfaction", "4")
    with page.expect_navigation():
        page.click("#close-form button[type=submit]")
    expect(page.locator("#ticket-satisfaction")).to_have_text("4 / 5")
    expect(page.locator("#ticket-badges .ticket-status")).to_have_attribute("data-status", "closed")
    expect(page.locator("#change-history")).to_contain_text("rep1@example.com")
    assert page.problems.all() == []


def test_the_tickets_list_filters_the_late_ones_for_a_manager(new_page, late_ticket):
    number, others = late_ticket
    page = new_page()
    sign_in(page, "manager@example.com")
    page.goto("/admin/tickets/?flt0_sla_is=late")
    expect(page.locator("table.model-list")).to_contain_text(others)
    expect(page.locator('table.model-list [data-sla="late"]').first).to_be_visible()
    assert page.problems.all() == []


def test_the_customer_page_quick_actions(new_page, stack):
    from backoffice.models import Customer
    with stack.database():
        alpha_id = Customer.get(Customer.name == ALPHA).id
    page = new_page()
    sign_in(page, "rep1@example.com")
    page.goto(f"/admin/customers/details/?id={alpha_id}")
    expect(page.locator("#customer-phone")).to_have_attribute("href", "tel:+8613800138000")
    page.fill("#fu-summary", "Visited the plant, line 2 is running again")
    with page.expect_navigation():
        page.click("#follow-up-form button[type=submit]")
    expect(page.locator("#timeline")).to_contain_text("line 2 is running again")
    page.fill("#plan-title", "Check line 2 in a month")
    with page.expect_navigation():
        page.click("#add-plan-form button[type=submit]")
    expect(page.locator("#care-plans")).to_contain_text("Check line 2 in a month")
    with page.expect_navigation():
        page.click("#verified-form button[type=submit]")
    page.fill("#ticket-title", "Spare parts missing")
    with page.expect_navigation():
        page.click("#open-ticket-form button[type=submit]")
    expect(page.locator("#ticket-number")).to_contain_text("TK-")
    assert page.problems.all() == []
