"""The formats Chinese staff type, accepted the same way in a form, the sheet and a CSV file."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from backoffice import rules
from backoffice.csvio import importer
from backoffice.csvio.reading import decode
from backoffice.i18n import speaking
from backoffice.models import Customer
from tests.conftest import make_user

# (field, what is typed, what is stored)
FORMATS = [
    ("annual_purchase", "120万", Decimal("1200000.00")),
    ("annual_purchase", "1.2亿", Decimal("120000000.00")),
    ("annual_purchase", "¥1,200,000.00", Decimal("1200000.00")),
    ("annual_purchase", "１２００", Decimal("1200.00")),
    ("first_contact", "2024年5月1日", dt.date(2024, 5, 1)),
    ("first_contact", "2024.5.1", dt.date(2024, 5, 1)),
    ("first_contact", "2024/05/01", dt.date(2024, 5, 1)),
    ("phone", "138 0013 8000", "+8613800138000"),
    ("phone", "+86 138-0013-8000", "+8613800138000"),
    ("stage", "成交", "deal"),
    ("stage", "意向客户", "intent"),
    ("stage", " ＤＥＡＬ ", "deal"),
    ("source", "展会", "exhibition"),
    ("tags", "忠诚客户、高潜力", "high-potential, loyal"),
]
IDS = [f"{field}={typed}" for field, typed, _ in FORMATS]


@pytest.mark.parametrize(("field", "typed", "stored"), FORMATS, ids=IDS)
def test_the_rules_read_chinese_formats(field, typed, stored):
    cleaned, errors = rules.check(rules.customer_rules(rules.Context()), {field: typed}, partial=True)
    assert errors == {} and cleaned[field] == (stored if field != "tags" else "high-potential, loyal")


@pytest.mark.parametrize(("field", "typed", "stored"), FORMATS, ids=IDS)
def test_a_panel_form_takes_chinese_formats(client, auth, field, typed, stored):
    make_user()
    auth.login()
    token = auth.csrf_token("/admin/customers/new/")
    data = {"name": "华东机械", "stage": "potential", "kind": "company", "churn_risk": "low",
            "csrf_token": token, field: typed}
    if field in ("stage", "source"):  # a dropdown in the form: what it sends is the key
        data[field] = stored
    response = client.post("/admin/customers/new/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert _stored(Customer.get(Customer.name == "华东机械"), field) == stored


@pytest.mark.parametrize(("field", "typed", "stored"), FORMATS, ids=IDS)
def test_a_csv_with_chinese_headers_takes_chinese_formats(app, field, typed, stored):
    header = {"annual_purchase": "近12个月采购额(元)", "first_contact": "首次接触时间",
              "phone": "联系电话", "stage": "合作阶段", "source": "客户来源", "tags": "核心标签"}[field]
    columns = ["客户名称", "合作阶段"] + ([header] if header != "合作阶段" else [])
    values = ["华东机械", typed if field == "stage" else "潜在客户"] + ([typed] if field != "stage" else [])
    text = ",".join(columns) + "\r\n" + ",".join(f'"{v}"' for v in values) + "\r\n"
    checked = importer.check(decode(text.encode("utf-8-sig")))
    assert checked.problems == [] and len(checked.good) == 1
    assert checked.good[0][1][field] == (stored if field != "tags" else "high-potential, loyal")


def test_a_refused_word_is_explained_in_chinese_with_the_chinese_choices():
    with speaking("zh_CN"):
        _, errors = rules.check(rules.customer_rules(rules.Context()), {"stage": "谈判中"}, partial=True)
    assert errors["stage"] == '合作阶段: "谈判中" 不在可选项中：潜在客户, 意向客户, 成交客户, 流失客户'


def _stored(customer: Customer, field: str):
    return getattr(customer, field)
