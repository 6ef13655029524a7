"""Roles: a rep sees and edits only their own customers, by every path; nothing is hard-deleted."""
import datetime as dt

import pytest

from backoffice.models import CarePlan, Customer
from tests.conftest import make_user
from tests.factories import make_customer, make_interaction, make_plan


@pytest.fixture
def two_reps(app):
    alice = make_user("alice@example.com", role="rep")
    bob = make_user("bob@example.com", role="rep")
    mine = make_customer(name="Alice Co", owner=alice)
    theirs = make_customer(name="Bob Co", owner=bob)
    return alice, bob, mine, theirs


def test_rep_list_shows_only_own_customers(client, auth, two_reps):
    auth.login("alice@example.com")
    page = client.get("/admin/customers/").get_data(as_text=True)
    assert "Alice Co" in page and "Bob Co" not in page


@pytest.mark.parametrize("path", ["/admin/customers/edit/?id={id}", "/admin/customers/details/?id={id}"])
def test_rep_gets_404_on_another_reps_customer_by_url(client, auth, two_reps, path):
    _, _, mine, theirs = two_reps
    auth.login("alice@example.com")
    assert client.get(path.format(id=mine.id)).status_code == 200
    assert client.get(path.format(id=theirs.id)).status_code == 404


def test_rep_cannot_post_an_edit_to_another_reps_customer(client, auth, two_reps):
    _, _, _, theirs = two_reps
    auth.login("alice@example.com")
    token = auth.csrf_token("/admin/customers/new/")
    response = client.post(f"/admin/customers/edit/?id={theirs.id}",
                           data={"name": "Hijacked", "stage": "deal", "kind": "company",
                                 "churn_risk": "low", "csrf_token": token})
    assert response.status_code == 404
    assert Customer.get_by_id(theirs.id).name == "Bob Co"


def test_rep_search_does_not_reach_other_books(client, auth, two_reps):
    auth.login("alice@example.com")
    page = client.get("/admin/customers/?search=Bob").get_data(as_text=True)
    assert "Bob Co" not in page


def test_rep_bulk_archive_skips_customers_they_do_not_own(client, auth, two_reps):
    _, _, mine, theirs = two_reps
    auth.login("alice@example.com")
    token = auth.csrf_token("/admin/customers/")
    client.post("/admin/customers/action/", data={"action": "archive", "rowid": [mine.id, theirs.id],
                                                  "csrf_token": token})
    assert Customer.get_by_id(mine.id).archived is True
    assert Customer.get_by_id(theirs.id).archived is False


def test_rep_plans_and_interactions_are_scoped_too(client, auth, two_reps):
    _, _, mine, theirs = two_reps
    make_plan(mine, title="Mine to call")
    other = make_plan(theirs, title="Not mine")
    make_interaction(theirs, summary="Secret talk")
    auth.login("alice@example.com")
    assert "Not mine" not in client.get("/admin/care_plans/").get_data(as_text=True)
    assert "Mine to call" in client.get("/admin/care_plans/").get_data(as_text=True)
    assert client.get(f"/admin/care_plans/edit/?id={other.id}").status_code == 404
    assert "Secret talk" not in client.get("/admin/interactions/").get_data(as_text=True)


def test_rep_new_customer_is_theirs_and_cannot_pick_an_owner(client, auth, two_reps):
    alice, bob, _, _ = two_reps
    auth.login("alice@example.com")
    token = auth.csrf_token("/admin/customers/new/")
    client.post("/admin/customers/new/", data={"name": "Fresh Co", "stage": "potential", "kind": "company",
                                               "churn_risk": "low", "owner": bob.id, "csrf_token": token})
    assert Customer.get(Customer.name == "Fresh Co").owner_id == alice.id


def test_rep_cannot_open_users_or_global_history(client, auth, two_reps):
    auth.login("alice@example.com")
    assert client.get("/admin/users/").status_code == 403
    assert client.get("/admin/history/").status_code == 403
    assert client.get("/admin/customers/assign-owner/?ids=1").status_code == 403


def test_manager_sees_every_book_and_reassigns(client, auth, two_reps):
    alice, bob, mine, theirs = two_reps
    make_user("boss@example.com", role="manager")
    auth.login("boss@example.com")
    page = client.get("/admin/customers/").get_data(as_text=True)
    assert "Alice Co" in page and "Bob Co" in page
    token = auth.csrf_token("/admin/customers/")
    client.post("/admin/customers/assign-owner/", data={"ids": f"{mine.id},{theirs.id}", "owner": bob.id,
                                                       "csrf_token": token})
    assert {c.owner_id for c in Customer.select()} == {bob.id}


def test_post_without_csrf_token_is_refused(client, auth, two_reps):
    _, _, mine, _ = two_reps
    auth.login("alice@example.com")
    response = client.post("/admin/customers/action/", data={"action": "archive", "rowid": [mine.id]})
    assert response.status_code == 400
    assert Customer.get_by_id(mine.id).archived is False
    response = client.post("/admin/customers/new/", data={"name": "No token", "stage": "deal"})
    assert response.status_code == 400


def test_nothing_can_be_hard_deleted(client, auth, two_reps):
    _, _, mine, _ = two_reps
    make_user()
    auth.login()
    token = auth.csrf_token("/admin/customers/")
    client.post("/admin/customers/delete/", data={"id": mine.id, "csrf_token": token})
    client.post("/admin/customers/action/", data={"action": "delete", "rowid": [mine.id], "csrf_token": token})
    assert Customer.get_or_none(Customer.id == mine.id) is not None
    with pytest.raises(PermissionError):
        mine.delete_instance()


def test_archived_customers_leave_the_working_list_and_can_be_restored(client, auth, two_reps):
    _, _, mine, _ = two_reps
    make_user()
    auth.login()
    mine.archive()
    assert "Alice Co" not in client.get("/admin/customers/").get_data(as_text=True)
    archived_page = client.get("/admin/customers/?flt0_archived_show=only").get_data(as_text=True)
    assert "Alice Co" in archived_page and "Bob Co" not in archived_page
    token = auth.csrf_token("/admin/customers/")
    client.post("/admin/customers/action/", data={"action": "restore", "rowid": [mine.id], "csrf_token": token})
    assert Customer.get_by_id(mine.id).archived is False


def test_filters_combine_and_reach_related_records(client, auth, two_reps):
    alice, bob, _, _ = two_reps
    make_customer(name="Deal With Alice", owner=alice, stage="deal")
    make_user()
    auth.login()
    page = client.get(f"/admin/customers/?flt0_owner_equals={alice.id}&flt1_stage_equals=deal").get_data(as_text=True)
    assert "Deal With Alice" in page and "Alice Co" not in page and "Bob Co" not in page
    page = client.get("/admin/customers/?search=bob@example").get_data(as_text=True)
    assert "Bob Co" in page and "Alice Co" not in page  # search reaches the owner's login


def test_rep_customer_lookup_offers_only_their_own_book(client, auth, two_reps):
    auth.login("alice@example.com")
    found = client.get("/admin/care_plans/ajax/lookup/?name=customer&query=Co").get_json()
    assert [label for _id, label in found] == [f"Alice Co ({two_reps[2].ref})"]
    assert client.get("/admin/interactions/ajax/lookup/?name=customer&query=Bob").get_json() == []


def test_rep_plan_lookup_hides_other_books(client, auth, two_reps):
    _, _, mine, theirs = two_reps
    make_plan(mine, title="Call Alice")
    make_plan(theirs, title="Call Bob")
    auth.login("alice@example.com")
    found = client.get("/admin/interactions/ajax/lookup/?name=care_plan&query=Call").get_json()
    assert [label.split(" · ")[0] for _id, label in found] == ["Call Alice"]


def test_rep_plans_only_for_their_own_customers(client, auth, two_reps):
    from backoffice.models import CarePlan
    _, _, mine, theirs = two_reps
    auth.login("alice@example.com")
    token = auth.csrf_token("/admin/care_plans/new/")
    for customer, title in ((mine, "Fine"), (theirs, "Sneaky")):
        client.post("/admin/care_plans/new/", data={
            "customer": customer.id, "title": title, "action": "call", "interval_days": "7",
            "next_due": "2030-01-01", "status": "active", "csrf_token": token})
    assert CarePlan.get(CarePlan.title == "Fine").customer_id == mine.id
    assert not CarePlan.select().where(CarePlan.title == "Sneaky").exists()


def test_plan_form_page_does_not_list_every_customer(client, auth, two_reps):
    make_user()
    auth.login()
    page = client.get("/admin/care_plans/new/").get_data(as_text=True)
    assert "Bob Co" not in page and "Alice Co" not in page  # names are looked up as you type


def test_reassigned_customers_plans_go_to_the_new_rep(client, auth, two_reps):
    alice, bob, mine, _ = two_reps
    plan = CarePlan.create(customer=mine, title="Weekly call", action="call", interval_days=7,
                           next_due=dt.date(2026, 11, 25), owner=alice)
    make_user("boss@example.com", role="manager")
    auth.login("boss@example.com")
    token = auth.csrf_token("/admin/customers/")
    client.post("/admin/customers/assign-owner/", data={"ids": str(mine.id), "owner": bob.id, "csrf_token": token})
    assert CarePlan.get_by_id(plan.id).owner_id == bob.id
    auth.logout()
    auth.login("alice@example.com")
    assert client.get(f"/admin/care_plans/edit/?id={plan.id}").status_code == 404
    auth.logout()
    auth.login("bob@example.com")
    assert client.get(f"/admin/care_plans/edit/?id={plan.id}").status_code == 200
