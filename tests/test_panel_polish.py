"""The panel's rough edges found while using it: search hints, form order, bulk actions, 403, landmarks."""
from __future__ import annotations

import re

import pytest

from tests.conftest import make_user
from tests.factories import make_customer


@pytest.fixture
def admin(app, auth):
    make_user()
    make_customer(name="Polish Co")
    auth.login()


def _actions(page: str) -> list[str]:
    return re.findall(r'data-bulk-action="([^"]+)"', page)


@pytest.mark.parametrize("path, words", [
    ("/admin/customers/", ("Name", "Phone", "Email", "Credit code", "Owner")),
    ("/admin/care_plans/", ("Title", "Customer")),
    ("/admin/tickets/", ()),
])
def test_search_boxes_say_what_they_search_not_none(client, admin, path, words):
    page = client.get(path).get_data(as_text=True)
    hint = re.search(r'name="search" value=""\s+placeholder="([^"]*)"', page).group(1)
    assert hint != "None" and hint.startswith("Search")
    assert all(word in hint for word in words)


def test_name_is_the_first_field_of_the_customer_form(client, admin):
    page = client.get("/admin/customers/new/").get_data(as_text=True)
    fields = re.findall(r'<label for="(\w+)"', page)
    assert fields[:3] == ["name", "kind", "credit_code"]
    assert fields.index("owner") > fields.index("stage")


def test_bulk_actions_follow_the_work_and_restore_only_on_the_archive(client, admin):
    working = _actions(client.get("/admin/customers/").get_data(as_text=True))
    assert working == ["assign_owner", "stage_potential", "stage_intent", "stage_deal",
                       "stage_lost", "archive"]
    archived = _actions(client.get("/admin/customers/?flt0_archived_show=only").get_data(as_text=True))
    assert "restore" in archived and "archive" not in archived
    both = _actions(client.get("/admin/customers/?flt0_archived_show=all").get_data(as_text=True))
    assert both[-2:] == ["archive", "restore"]


def test_a_refused_page_is_styled_and_offers_a_way_back(client, auth, app):
    make_user("rep@example.com", role="rep")
    auth.login("rep@example.com")
    response = client.get("/admin/users/")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "backoffice.css" in page and "bootstrap.min.css" in page
    assert "<main" in page and "You may not open this page" in page
    assert 'href="/admin/"' in page and "rep@example.com" in page
    assert "read-protected" not in page


def test_every_panel_page_has_a_skip_link_to_its_main_landmark(client, admin):
    for path in ("/admin/", "/admin/customers/", "/admin/customers/new/", "/admin/care_plans/"):
        page = client.get(path).get_data(as_text=True)
        body = page[page.index("<body"):]
        first_link = re.search(r"<a [^>]*>", body).group(0)
        assert 'class="skip-link"' in first_link and 'href="#main-content"' in first_link, path
        assert page.count('<main id="main-content"') == 1, path
        main = page[page.index("<main"):page.index("</main>")]
        assert "navbar" not in main, path  # the menu stays outside the landmark


def test_lists_use_the_full_width_of_the_screen(client, admin):
    page = client.get("/admin/customers/").get_data(as_text=True)
    assert 'class="container-fluid"' in page and 'class="container"' not in page
