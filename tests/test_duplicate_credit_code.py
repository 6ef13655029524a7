"""A taken credit code: a rep learns only that it is taken, never whose customer holds it."""
from __future__ import annotations

import pytest

from backoffice import rules
from backoffice.models import Customer
from tests.conftest import make_user
from tests.factories import make_customer

FIRST17 = "91350100M00010000"
CODE = FIRST17 + rules.credit_check_char(FIRST17)


@pytest.fixture
def taken(app):
    alice = make_user("alice@example.com", role="rep")
    bob = make_user("bob@example.com", role="rep")
    make_user("manager@example.com", role="manager")
    make_customer(name="Bob Secret Trading Co", owner=bob, credit_code=CODE)
    make_customer(name="Alice Own Co", owner=alice, credit_code=FIRST17[:-1] + "1" + rules.credit_check_char(FIRST17[:-1] + "1"))
    return alice, bob


def add_customer(client, auth, email, code):
    auth.login(email)
    token = auth.csrf_token("/admin/customers/new/")
    return client.post("/admin/customers/new/", data={
        "name": "New Co", "stage": "potential", "kind": "company", "churn_risk": "low",
        "credit_code": code, "csrf_token": token})


def test_a_rep_is_told_only_that_the_code_is_taken(client, auth, taken):
    page = add_customer(client, auth, "alice@example.com", CODE).get_data(as_text=True)
    assert "This credit code is already used by another customer." in page
    bob_customer = Customer.get(Customer.name == "Bob Secret Trading Co")
    assert "Bob Secret" not in page
    assert bob_customer.ref not in page
    assert not Customer.select().where(Customer.name == "New Co").exists()


def test_a_rep_is_shown_their_own_customer_holding_the_code(client, auth, taken):
    own = Customer.get(Customer.name == "Alice Own Co")
    page = add_customer(client, auth, "alice@example.com", own.credit_code).get_data(as_text=True)
    assert f"Customer {own.ref} (Alice Own Co) already has this credit code." in page


def test_a_manager_who_sees_every_book_is_shown_which_customer(client, auth, taken):
    twin = Customer.get(Customer.name == "Bob Secret Trading Co")
    page = add_customer(client, auth, "manager@example.com", CODE).get_data(as_text=True)
    assert f"Customer {twin.ref} (Bob Secret Trading Co) already has this credit code." in page
    assert not Customer.select().where(Customer.name == "New Co").exists()
