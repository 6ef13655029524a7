"""The panel's layout in a real browser: wide lists on a wide screen, readable menu, keyboard first stop."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# WCAG's relative luminance and contrast ratio, computed in the page from the colours it renders.
CONTRAST_JS = """
links => {
  const rgb = text => text.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return links.map(a => {
    const fg = rgb(getComputedStyle(a).color), bg = background(a);
    const alpha = fg.length > 3 ? fg[3] : 1;
    const seen = fg.slice(0, 3).map((v, i) => v * alpha + bg[i] * (1 - alpha));
    const [hi, lo] = [lum(seen), lum(bg)].sort((x, y) => y - x);
    return [a.textContent.trim(), (hi + 0.05) / (lo + 0.05)];
  });
}
"""


def test_customer_list_shows_every_column_without_scrolling_on_a_wide_screen(signed_in):
    page = signed_in("admin@example.com")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto("/admin/customers/")
    table = page.locator("table.model-list")
    for column in ("phone", "email", "annual_purchase"):  # by field: the headings are in the reader's language
        head = table.locator(f"th.col-{column}")
        box = head.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1920, column
    scroll = page.evaluate("() => { const w = document.querySelector('table.model-list').closest('.table-responsive');"
                           " return [w.scrollWidth, w.clientWidth]; }")
    assert scroll[0] <= scroll[1], f"the list scrolls sideways: {scroll}"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1920
    assert table.bounding_box()["width"] > 1400


def test_inactive_menu_links_have_at_least_4_5_to_1_contrast(signed_in):
    page = signed_in("admin@example.com")
    page.goto("/admin/customers/")
    ratios = page.eval_on_selector_all("nav .navbar-nav a.nav-link:not(.active)", CONTRAST_JS)
    assert len(ratios) > 4
    low = [(text, round(ratio, 2)) for text, ratio in ratios if ratio < 4.5]
    assert not low, low


def test_the_first_tab_is_a_skip_link_to_the_page_content(signed_in):
    page = signed_in("admin@example.com")
    page.goto("/admin/customers/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip-link", "#main-content"]
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
