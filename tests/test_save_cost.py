"""What one customer save in the panel costs: one rules check on one context, at most 12 statements."""
from __future__ import annotations

import pytest

from backoffice import rules
from backoffice.models import Change, Customer
from tests.conftest import count_statements, make_user
from tests.factories import make_customer
from tests.forms import form_values

# Every statement counts, BEGIN and COMMIT and the bulk writer's own inserts among them.
MOST_STATEMENTS = 12
# A save that moves the customer to another tier also brings its playbook plans in step: the
# playbook, the customer's plans, the new plans' ids drawn and read back, their history.
MOST_WITH_NEW_PLANS = 20


@pytest.fixture
def edit(client, auth):
    make_user()
    auth.login()
    customer = make_customer(name="Acme", phone="+8613800138000", email="buyer@acme.example", tags="loyal")
    path = f"/admin/customers/edit/?id={customer.id}"
    values = form_values(client.get(path).get_data(as_text=True))
    return customer, path, values


@pytest.mark.parametrize(("changes", "most"), [
    ({"name": "Acme Holdings"}, MOST_STATEMENTS),
    ({"name": "Acme Holdings", "region": "East China"}, MOST_STATEMENTS),
    ({"name": "Acme Holdings", "annual_purchase": "600000", "tags": "loyal, at-risk"},  # a new tier: new plans
     MOST_WITH_NEW_PLANS),
])
def test_a_customer_save_in_the_panel_sends_at_most_twelve_statements(client, edit, changes, most):
    customer, path, values = edit
    sent, response = count_statements(lambda: client.post(path, data={**values, **changes}))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert Customer.get_by_id(customer.id).name == "Acme Holdings"
    assert sent <= most, sent
    assert {c.field for c in Change.of(customer)} >= set(changes)  # the history still has every change


def test_a_customer_form_is_checked_by_one_rules_call(client, edit, monkeypatch):
    customer, path, values = edit
    calls = []
    real = rules.check
    monkeypatch.setattr(rules, "check", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    client.post(path, data={**values, "email": "bob@"})
    assert len(calls) == 1 and {"name", "email", "phone", "tags"} <= set(calls[0])


def test_an_overridden_tier_needs_a_reason_by_the_record_rule():
    assert rules.customer_problems({"tier_override": "key", "tier_override_reason": " "}) == {
        "tier_override_reason": "Give a reason for overriding the tier."}
    assert rules.customer_problems({"tier_override": "key", "tier_override_reason": "contract"}) == {}
    assert rules.customer_problems({"tier_override": None}) == {}
