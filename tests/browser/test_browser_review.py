"""The monthly review in a real browser: pick a month and a filter, download the report."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_manager_picks_a_month_and_a_region_and_downloads_the_report(signed_in):
    page = signed_in("manager@example.com")
    response = page.goto("/admin/dashboard/", wait_until="load")
    assert response is not None and response.status == 200
    # The month before this one: the second choice, whatever today is.
    month = page.locator("#review-month option").nth(1).get_attribute("value")
    with page.expect_navigation():
        page.select_option("#review-month", month)  # choosing submits the form
    with page.expect_navigation():
        page.select_option("#review-region", "East China")
    expect(page).to_have_url(re.compile(rf"month={month}.*region=East\+China|region=East\+China.*month={month}"))
    expect(page.locator("h2 small")).to_contain_text(month)
    expect(page.locator("#review-headlines")).to_contain_text("Churn rate")
    expect(page.locator("#review-region")).to_have_value("East China")

    with page.expect_download() as download_info:
        page.click("#download-report")
    download = download_info.value
    assert download.suggested_filename == f"monthly-review-{month}-region-East_China.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))  # the saved file has no .xlsx name
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Month"] == month and summary["Region"] == "East China"
    assert "Customers by region" in book.sheetnames
    regions = [row[0] for row in book["Customers by region"].iter_rows(min_row=3, values_only=True)]
    assert set(regions) <= {"East China"}

    page.click("#printable-report")
    expect(page.locator("#review-report h2")).to_contain_text(month)
    expect(page.locator("#review-report")).to_contain_text("East China")
    assert page.problems.all() == [], "\n".join(page.problems.all())
