"""Interaction text has a length limit in the rules, the forms and the model: a 10 MB summary is refused."""
from __future__ import annotations

import re

import pytest

from backoffice import rules
from backoffice.models import Interaction
from tests.conftest import make_user
from tests.factories import make_customer, make_plan

TOO_LONG = {"summary": 10_001, "feedback": 5_001, "next_action": 1_001}
SAID = {"summary": "Summary: is 10,001 characters long; at most 10,000 allowed",
        "feedback": "Customer feedback: is 5,001 characters long; at most 5,000 allowed",
        "next_action": "Next action: is 1,001 characters long; at most 1,000 allowed"}


@pytest.fixture
def signed_in(app, client, auth):
    admin = make_user()
    customer = make_customer(owner=admin)
    auth.login()
    return customer


def errors_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("field", list(TOO_LONG))
def test_rules_refuse_interaction_text_over_its_limit(field):
    checks = rules.interaction_rules(rules.Context())
    data = {"summary": "Called", field: "x" * TOO_LONG[field]}
    _values, problems = rules.check(checks, data)
    assert field in problems
    ok = {"summary": "Called", field: "x" * (TOO_LONG[field] - 1)}
    assert rules.check(checks, ok)[1] == {}


@pytest.mark.parametrize("field", list(TOO_LONG))
def test_the_model_refuses_text_over_its_limit_whoever_saves_it(app, field):
    customer = make_customer()
    values = {"customer": customer, "summary": "Called", field: "x" * TOO_LONG[field]}
    with pytest.raises(rules.RuleError) as refused:
        Interaction.create(**values)
    assert str(refused.value) == SAID[field].replace("Summary", "summary").replace(
        "Customer feedback", "customer feedback").replace("Next action", "next action")
    assert Interaction.select().count() == 0


@pytest.mark.parametrize("field", list(TOO_LONG))
def test_the_interaction_form_says_which_text_is_too_long_and_saves_nothing(client, auth, signed_in, field):
    token = auth.csrf_token("/admin/interactions/new/")
    data = {"customer": signed_in.id, "at": "2025-03-04 10:00:00", "channel": "phone",
            "summary": "Called about the renewal", "csrf_token": token}
    data[field] = "x" * TOO_LONG[field]
    answer = client.post("/admin/interactions/new/", data=data)
    assert answer.status_code == 200
    assert f"is {TOO_LONG[field]:,} characters long; at most {TOO_LONG[field] - 1:,} allowed" in answer.get_data(as_text=True)
    assert Interaction.select().count() == 0


def test_the_interaction_form_still_saves_text_within_the_limit(client, auth, signed_in):
    token = auth.csrf_token("/admin/interactions/new/")
    client.post("/admin/interactions/new/", data={
        "customer": signed_in.id, "at": "2025-03-04 10:00:00", "channel": "phone",
        "summary": "  " + "y" * 10_000 + "  ", "next_action": "Send the quote", "csrf_token": token})
    saved = Interaction.get()
    assert len(saved.summary) == 10_000
    assert saved.next_action == "Send the quote"


def test_mark_done_refuses_a_ten_megabyte_summary(client, auth, signed_in):
    plan = make_plan(signed_in)
    token = auth.csrf_token("/admin/care_plans/")
    answer = client.post(f"/admin/care_plans/done/?ids={plan.id}", data={
        "ids": str(plan.id), "done_on": "2025-03-04", "channel": "phone",
        "summary": "x" * 10_000_000, "csrf_token": token})
    assert answer.status_code == 200
    assert "is 10,000,000 characters long; at most 10,000 allowed" in errors_of(answer.get_data(as_text=True))
    assert Interaction.select().count() == 0
