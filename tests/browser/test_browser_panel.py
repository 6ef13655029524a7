"""The panel in a real browser: every page clean under the CSP, charts drawn, filtered CSV downloads."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.browser_stack import add_filter, list_count, screenshot, sign_in

pytestmark = pytest.mark.browser

# Views every admin must find in the menu; more (dashboard, sync runs, conflicts) are crawled too.
REQUIRED_VIEWS = ("/admin/dashboard/", "/admin/customers/", "/admin/care_plans/",
                  "/admin/interactions/", "/admin/history/", "/admin/sync_runs/",
                  "/admin/conflicts/", "/admin/users/")


def menu_links(page) -> list[str]:
    """Every panel page the navigation bar links to, dropdown entries included."""
    hrefs = page.eval_on_selector_all(
        "nav a[href]", "links => links.map(a => a.getAttribute('href'))")
    return sorted({h for h in hrefs if h.startswith("/admin") and urlsplit(h).path != "/admin/"})


def open_clean(page, url: str) -> None:
    """Open a page and let its requests finish; status 200 is required."""
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: HTTP {response and response.status}"


def row_pages(page) -> list[str]:
    """The pages the list's first row links to (details, edit, mark done…) and its Create page."""
    hrefs = page.eval_on_selector_all(
        "table.model-list tbody tr:first-child a[href^='/admin'], .nav-tabs a[href*='/new/']",
        "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(hrefs))


def test_every_page_loads_without_console_errors_or_failed_requests(new_page, stack):
    stack.sync()  # so that sync runs have a row to open
    page = new_page()
    open_clean(page, "/login")
    sign_in(page, "admin@example.com")
    open_clean(page, "/admin/")
    links = menu_links(page)
    assert set(REQUIRED_VIEWS) <= set(links), links
    visited = ["/login", "/admin/"]
    for url in links:
        open_clean(page, url)
        visited.append(url)
        if page.locator("table.model-list").count():
            for href in row_pages(page):
                open_clean(page, href)
                visited.append(href)
            # Filters and bulk actions run from script: opening their menus must log nothing.
            page.goto(url)
            add_filter = page.get_by_role("link", name="Add Filter")
            if add_filter.count():
                add_filter.click()
                page.locator("a.filter").first.click()
                expect(page.locator("table.filters tr")).to_have_count(1)
    assert len(visited) > 25, visited
    for kind in ("/customers/details/", "/customers/edit/", "/customers/new/", "/care_plans/done/",
                 "/sync_runs/details/", "/users/edit/"):
        assert any(kind in url for url in visited), (kind, visited)
    assert page.problems.all() == [], "\n".join(page.problems.all())


def test_screenshots_of_the_main_pages(signed_in, stack):
    from peewee import fn

    from backoffice.models import Customer, Interaction
    with stack.database():  # the demo customer with the most to show: plans, interactions, history
        shown = (Customer.select().join(Interaction).where(Customer.industry.is_null(False))
                 .group_by(Customer.id).order_by(fn.COUNT(Interaction.id).desc(), Customer.id).first())
    page = signed_in("admin@example.com")
    open_clean(page, "/admin/customers/")
    screenshot(page, "customers-list")
    open_clean(page, f"/admin/customers/details/?id={shown.id}")
    expect(page.locator("body")).to_contain_text(shown.name)
    screenshot(page, "customer-page")


def canvases_drawn(page) -> list[bool]:
    """For each canvas on the page: has anything been painted on it?"""
    return page.eval_on_selector_all("canvas", """cs => cs.map(c => {
        if (!c.width || !c.height) return false;
        const ctx = c.getContext('2d');
        if (!ctx) return true;  // a webgl canvas: assume drawn once it has a size
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
        return false;
    })""")


def dashboard_url(page) -> str:
    page.goto("/admin/")
    link = page.locator("nav a[href*='dashboard']").first
    assert link.count(), "the menu has no dashboard link"
    return link.get_attribute("href")


def wait_for_charts(page) -> None:
    """Every canvas on the page has something painted on it (charts draw after load)."""
    page.wait_for_function("""() => [...document.querySelectorAll('canvas')].every(c => {
        const ctx = c.getContext('2d'); if (!ctx || !c.width) return false;
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false; })""")
    assert all(canvases_drawn(page)), page.url


def test_today_and_dashboard_render_with_their_charts(signed_in):
    page = signed_in("manager@example.com")
    open_clean(page, "/admin/")
    expect(page.locator("h2")).to_contain_text("Today")
    for heading in ("Overdue", "Due today", "Due tomorrow"):
        expect(page.locator("h4", has_text=heading)).to_be_visible()
    wait_for_charts(page)  # Today's charts, if it has any, are drawn too
    screenshot(page, "today")

    open_clean(page, dashboard_url(page))
    expect(page.locator("canvas").first).to_be_visible()
    assert page.locator("canvas").count() >= 2
    wait_for_charts(page)
    screenshot(page, "dashboard")
    assert page.problems.all() == [], "\n".join(page.problems.all())


def test_a_manager_downloads_exactly_the_filtered_customers(signed_in, stack):
    from backoffice.models import Customer
    with stack.database():
        wanted = {c.ref: c.name for c in Customer.select().where(
            Customer.stage == "deal", Customer.region == "East China", ~Customer.archived)}
    assert 1 < len(wanted) < 40  # a real subset of the book, bigger than one row

    page = signed_in("manager@example.com")
    open_clean(page, "/admin/customers/")
    everything = list_count(page)
    add_filter(page, "Stage", "deal")
    add_filter(page, "Region", "East China")
    expect(page).to_have_url(re.compile(r"flt\d_stage"))
    shown = list_count(page)
    assert shown == len(wanted) < everything

    with page.expect_download() as download_info:
        page.click("#export-csv")
    download = download_info.value
    assert download.suggested_filename.startswith("customers-") and download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == shown
    ref_column = next(k for k in rows[0] if k.strip().lower() in ("id", "ref"))
    name_column = next(k for k in rows[0] if k.strip().lower() == "name")
    assert {r[ref_column]: r[name_column] for r in rows} == wanted
    assert page.problems.all() == [], "\n".join(page.problems.all())
