"""Rules of a whole record (rules.py): each says which field it refuses and why, for every path."""
from __future__ import annotations

import pytest

from backoffice import rules


@pytest.mark.parametrize(("values", "refused", "why"), [
    ({"applies_to": "tier", "value": "deal", "interval_days": 30}, "value", "A tier is one of: strategic, key, ordinary."),
    ({"applies_to": "stage", "value": "key", "interval_days": 30}, "value",
     "A stage is one of: potential, intent, deal, lost."),
    ({"applies_to": "stage", "value": "deal", "interval_days": 0}, "interval_days", "Every (days) must be at least 1."),
    ({"applies_to": "stage", "value": "deal", "interval_days": None}, "interval_days",
     "Every (days) must be at least 1."),
])
def test_playbook_step_problems_name_the_field_and_why(app, values, refused, why):
    with app.test_request_context():
        assert rules.playbook_step_problems(values) == {refused: why}


def test_a_good_playbook_step_has_no_problem(app):
    with app.test_request_context():
        assert rules.playbook_step_problems({"applies_to": "tier", "value": "key", "interval_days": 7}) == {}


@pytest.mark.parametrize(("new", "repeat", "current", "problems"), [
    ("same old pass", "same old pass", "same old pass", {"new": "Choose a password different from the current one."}),
    ("a long new one", "a long new 1", "old", {"repeat": "The two new passwords are not the same."}),
    ("a long new one", "a long new one", "old", {}),
    ("set by an admin", "set by an admin", None, {}),
])
def test_password_change_problems(app, new, repeat, current, problems):
    with app.test_request_context():
        assert rules.password_change_problems(new, repeat, current) == problems


@pytest.mark.parametrize(("values", "created", "own", "problems"), [
    ({"password": "", "role": "rep", "active": True}, True, False, {"new_password": "Give the new user a password."}),
    ({"password": "", "role": "rep", "active": True}, False, False, {}),
    ({"password": "", "role": "manager", "active": True}, False, True,
     {"role": "You cannot remove your own admin access."}),
    ({"password": "", "role": "admin", "active": False}, False, True,
     {"role": "You cannot remove your own admin access."}),
    ({"password": "", "role": "admin", "active": True}, False, True, {}),
])
def test_account_problems(app, values, created, own, problems):
    with app.test_request_context():
        assert rules.account_problems(values, created=created, own=own) == problems


def test_a_taken_credit_code_names_its_holder_only_to_who_may_see_it(app):
    with app.test_request_context():
        assert rules.credit_code_problems("X" * 18, None) == {}
        assert rules.credit_code_problems(None, ("CU-1", "Acme")) == {}
        assert rules.credit_code_problems("X" * 18, ("CU-1", "Acme"), shown=True) == {
            "credit_code": "Customer CU-1 (Acme) already has this credit code."}
        hidden = rules.credit_code_problems("X" * 18, ("CU-1", "Acme"))["credit_code"]
        assert "already used by another customer" in hidden and "Acme" not in hidden and "CU-1" not in hidden
