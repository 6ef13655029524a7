"""One table of good and bad inputs: the admin form and the plain rules agree on every row."""
import datetime as dt
from decimal import Decimal

import pytest

from backoffice import rules
from backoffice.models import Customer, rules_context
from tests.conftest import make_user

VALID_CODE = "91350100M000100Y43"

# (field, what a person typed, the stored value, or None when it must be refused)
TABLE = [
    ("phone", "138 0013 8000", "+8613800138000"),
    ("phone", "+1 650-253-0000", "+16502530000"),
    ("phone", "12345", None),
    ("phone", "call me", None),
    ("email", "Bob@Example.COM", "Bob@example.com"),
    ("email", "bob@", None),
    ("email", "bob at example.com", None),
    ("credit_code", VALID_CODE, VALID_CODE),
    ("credit_code", VALID_CODE.lower(), VALID_CODE),
    ("credit_code", VALID_CODE[:-1] + "X", None),
    ("credit_code", "91350100M000100Y4", None),
    ("credit_code", "91350100M000100I43", None),
    ("annual_purchase", "1,234.50", Decimal("1234.50")),
    ("annual_purchase", "0", Decimal("0.00")),
    ("annual_purchase", "-1", None),
    ("annual_purchase", "12.345", None),
    ("annual_purchase", "lots", None),
    ("employees", "250", 250),
    ("employees", "-3", None),
    ("employees", "2.5", None),
    ("birthday", "1985-07-14", dt.date(1985, 7, 14)),
    ("birthday", "2023-02-30", None),
    ("birthday", "14/07/1985", None),
    ("name", "  Huaxin Foods  ", "Huaxin Foods"),
    ("name", "x" * 201, None),
    ("tags", "Loyal, technical", "loyal, technical"),
    ("tags", "loyal, vip", None),
]


def plain_path(field, raw):
    base = {"name": "Huaxin Foods", "stage": "potential", field: raw}
    cleaned, errors = rules.check(rules.customer_rules(rules_context()), base)
    return (None, errors[field]) if field in errors else (cleaned[field], None)


def form_path(client, auth, field, raw):
    data = {"name": "Huaxin Foods", "kind": "company", "stage": "potential", "churn_risk": "low",
            field: raw, "csrf_token": auth.csrf_token("/admin/customers/new/")}
    before = Customer.select().count()
    response = client.post("/admin/customers/new/", data=data)
    if Customer.select().count() == before:
        return None, response.get_data(as_text=True)
    return getattr(Customer.select().order_by(Customer.id.desc()).first(), field), None


@pytest.mark.parametrize(("field", "raw", "expected"), TABLE)
def test_form_and_rules_agree(client, auth, field, raw, expected):
    make_user()
    auth.login()
    plain_value, plain_error = plain_path(field, raw)
    form_value, page = form_path(client, auth, field, raw)
    assert plain_value == expected
    assert form_value == expected
    if expected is None:
        message = plain_error.split(": ", 1)[1]
        from markupsafe import escape
        assert str(escape(message)) in page  # the form shows the same words as the sheet status
