"""Odd list input answers 400 with a plain message, or works; never a server error."""
from __future__ import annotations

import pytest

from backoffice.models import Conflict
from tests.conftest import make_user
from tests.factories import make_customer, make_interaction, make_plan

UNSORTABLE = [("customers", 9), ("customers", 10), ("care_plans", 4), ("care_plans", 5),
              ("interactions", 3), ("interactions", 4), ("history", 2), ("history", 7)]


@pytest.fixture
def book(app, client, auth):
    admin = make_user()
    zed = make_user("zed@example.com", role="rep")
    amy = make_user("amy@example.com", role="rep")
    first = make_customer(name="First Co", owner=zed)
    second = make_customer(name="Second Co", owner=amy)
    make_plan(first, title="Zed call", owner=zed)
    make_plan(second, title="Amy call", owner=amy)
    make_interaction(first)
    auth.login()
    return admin


@pytest.mark.parametrize(("view", "column"), UNSORTABLE)
def test_sorting_by_an_unsortable_column_says_so(client, book, view, column):
    for desc in ("0", "1"):
        answer = client.get(f"/admin/{view}/?sort={column}&desc={desc}")
        assert answer.status_code == 400
        assert "This list cannot be sorted by that column." in answer.get_data(as_text=True)


@pytest.mark.parametrize("view", ["customers", "care_plans", "interactions", "history", "sync_runs",
                                  "conflicts", "users", "industries", "tags", "playbook"])
def test_no_sort_number_breaks_a_list(client, book, view):
    for sort in [*range(16), "x", "-1", "99999999999999999999"]:
        assert client.get(f"/admin/{view}/?sort={sort}&desc=1").status_code in (200, 400), sort


def test_care_plans_sort_by_owner(client, book):
    column = 8  # ref, customer, title, action, channel, interval_days, next_due, last_done, owner
    page = client.get(f"/admin/care_plans/?sort={column}").get_data(as_text=True)
    assert page.index("Amy call") < page.index("Zed call")
    page = client.get(f"/admin/care_plans/?sort={column}&desc=1").get_data(as_text=True)
    assert page.index("Zed call") < page.index("Amy call")


@pytest.mark.parametrize("search", ["renewal " * 2100, "x" * 50_000, " ".join(["a"] * 21)])
@pytest.mark.parametrize("path", ["/admin/customers/", "/admin/care_plans/", "/admin/interactions/",
                                  "/admin/history/", "/admin/users/", "/admin/customers/export.csv"])
def test_a_search_too_long_to_run_says_how_long_one_may_be(client, book, path, search):
    answer = client.get(path, query_string={"search": search})
    assert answer.status_code == 400
    assert "Search with at most 20 words of at most 100 characters each." in answer.get_data(as_text=True)


def test_a_long_but_sensible_search_still_works(client, book):
    answer = client.get("/admin/customers/", query_string={"search": " ".join(["First"] * 20)})
    assert answer.status_code == 200
    assert "First Co" in answer.get_data(as_text=True)


@pytest.mark.parametrize("rowid", ["abc", "²", "99999999999999999999999", ""])
def test_conflict_action_with_a_nonsense_row_id_changes_nothing(client, auth, book, rowid):
    conflict = Conflict.create(table="customers", ref="CU-1", field="name", sheet_value="x",
                               database_value="y", kept="database")
    token = auth.csrf_token("/admin/conflicts/")
    answer = client.post("/admin/conflicts/action/",
                         data={"action": "take_sheet", "rowid": [rowid], "csrf_token": token})
    assert answer.status_code == 302
    assert not Conflict.get_by_id(conflict.id).resolved


@pytest.mark.parametrize("record", ["²", "99999999999999999999999", "1e3"])
def test_a_nonsense_record_id_in_a_url_is_not_found(client, book, record):
    assert client.get("/admin/customers/details/", query_string={"id": record}).status_code == 404
