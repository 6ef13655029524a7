"""Signing in and out in a real browser, throttling, and a rep kept to their own book."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.browser_stack import ALPHA, BRAVO, PASSWORD, screenshot, sign_in

pytestmark = pytest.mark.browser


def submit_login(page, email: str, password: str):
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_sign_in_wrong_password_then_right_one_then_sign_out(new_page):
    page = new_page()
    page.goto("/admin/customers/")
    expect(page).to_have_url(re.compile(r"/login\?next=/admin/customers/"))
    screenshot(page, "login")

    submit_login(page, "manager@example.com", "not-the-password")
    expect(page.locator("#login-error")).to_have_text("The email or password is not right.")
    expect(page.locator("#email")).to_have_value("manager@example.com")

    submit_login(page, "manager@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/customers/$"))  # back where they were going
    expect(page.locator("#signed-in-as")).to_have_text("manager@example.com · manager")

    with page.expect_navigation():
        page.click("#logout")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".alert-info")).to_have_text("You are signed out.")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_a_rep_sees_only_their_customers_and_gets_404_for_another(new_page, stack):
    from backoffice.models import Customer, User
    with stack.database():
        rep1 = User.get(User.email == "rep1@example.com")
        own = Customer.select().where(Customer.owner == rep1.id, ~Customer.archived).count()
        bravo = Customer.get(Customer.name == BRAVO)
    page = new_page()
    sign_in(page, "rep1@example.com")
    page.goto("/admin/customers/?page_size=100")
    expect(page.locator("#signed-in-as")).to_have_text("rep1@example.com · rep")
    rows = page.locator("table.model-list tbody tr")
    expect(rows).to_have_count(own)
    owners = page.locator("table.model-list tbody td.col-owner").all_inner_texts()
    assert set(map(str.strip, owners)) == {"rep1@example.com"}
    expect(page.locator("table.model-list")).to_contain_text(ALPHA)
    expect(page.locator("table.model-list")).not_to_contain_text(BRAVO)

    # Searching by another rep's customer's name finds nothing either.
    page.fill("input[name=search]", "Bravo")
    page.keyboard.press("Enter")
    expect(page.locator("table.model-list")).not_to_contain_text(BRAVO)

    for url in (f"/admin/customers/details/?id={bravo.id}", f"/admin/customers/edit/?id={bravo.id}"):
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.locator("body")).not_to_contain_text(BRAVO)


def test_repeated_failures_pause_sign_in_with_a_message(new_page, stack):
    """Last in this module: the pause also holds the address (127.0.0.1) for the window."""
    from backoffice.models import LoginAttempt
    with stack.database():  # earlier tests' wrong passwords count against this address too
        earlier = max(LoginAttempt.recent_failures("locked@example.com", "127.0.0.1", 15))
    assert earlier < 5
    page = new_page()
    page.goto("/login")
    for _ in range(5 - earlier):
        submit_login(page, "locked@example.com", "wrong-password")
        expect(page.locator("#login-error")).to_have_text("The email or password is not right.")
    submit_login(page, "locked@example.com", PASSWORD)  # even the right password waits now
    expect(page.locator("#login-error")).to_contain_text("Too many failed sign-ins")
    expect(page.locator("#login-error")).to_contain_text("paused for 15 minutes")
    expect(page.locator("#signed-in-as")).to_have_count(0)
