"""Every return address (`next`, `url`) goes through one check: never another host, never a split header."""
from __future__ import annotations

import pytest

from backoffice.redirects import is_safe
from tests.conftest import make_user
from tests.factories import make_customer

HOSTILE = [
    "//evil.example/x",
    "/\\evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\r\nSet-Cookie: taken=1",
    "/\t/evil.example",  # browsers drop tabs: "//evil.example"
    "/" + "a" * 5000,
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_not_safe(target):
    assert not is_safe(target)


@pytest.mark.parametrize("target", ["/admin/", "/admin/customers/?search=a%20b&page=2", "/admin/care_plans/#due"])
def test_paths_on_this_site_are_safe(target):
    assert is_safe(target)


@pytest.mark.parametrize("target", HOSTILE)
def test_sign_in_never_sends_the_browser_elsewhere(client, auth, target):
    make_user()
    token = auth.csrf_token()
    answer = client.post("/login", query_string={"next": target},
                         data={"email": "admin@example.com", "password": "correct-horse", "csrf_token": token})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/admin/"
    assert "taken" not in answer.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("target", HOSTILE)
def test_assign_owner_cancel_link_and_answer_stay_on_the_site(client, auth, target):
    make_user()
    rep = make_user("rep@example.com", role="rep")
    customer = make_customer()
    auth.login()
    page = client.get("/admin/customers/assign-owner/", query_string={"ids": str(customer.id), "url": target})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/admin/customers/">Cancel' in html
    assert '<input type="hidden" name="url" value="/admin/customers/">' in html
    token = auth.csrf_token("/admin/customers/")
    answer = client.post("/admin/customers/assign-owner/",
                         data={"ids": str(customer.id), "owner": rep.id, "url": target, "csrf_token": token})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/admin/customers/"


def test_assign_owner_keeps_a_safe_return_address(client, auth):
    make_user()
    rep = make_user("rep@example.com", role="rep")
    customer = make_customer()
    auth.login()
    token = auth.csrf_token("/admin/customers/")
    answer = client.post("/admin/customers/assign-owner/",
                         data={"ids": str(customer.id), "owner": rep.id, "url": "/admin/customers/?page=2",
                               "csrf_token": token})
    assert answer.headers["Location"] == "/admin/customers/?page=2"


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_returns_only_within_the_site(client, auth, target):
    make_user()
    auth.login()
    token = auth.csrf_token("/admin/")
    answer = client.post("/language", data={"locale": "en", "next": target, "csrf_token": token})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/admin/"


@pytest.mark.parametrize("target", HOSTILE)
def test_list_actions_return_only_within_the_site(client, auth, target):
    make_user()
    customer = make_customer()
    auth.login()
    token = auth.csrf_token("/admin/customers/")
    answer = client.post("/admin/customers/action/", data={"action": "archive", "rowid": [customer.id],
                                                           "url": target, "csrf_token": token})
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/admin/customers/"


@pytest.mark.parametrize("target", HOSTILE)
def test_edit_form_cancel_and_save_return_only_within_the_site(client, auth, target):
    make_user()
    customer = make_customer()
    auth.login()
    page = client.get("/admin/customers/edit/", query_string={"id": customer.id, "url": target})
    assert page.status_code == 200
    assert f'href="{target}"' not in page.get_data(as_text=True)
