"""Demo data passes the product's own rules: an admin can open any demo record and save it."""
from __future__ import annotations

import datetime as dt

from backoffice import demo, rules
from backoffice.models import CarePlan, Customer, Industry, Tag, User
from tests.conftest import make_user
from tests.forms import form_values

TODAY = dt.date(2025, 3, 14)


def _form_of(record: Customer, ctx: rules.Context) -> dict:
    return {name: (record.owner.email if name == "owner" and record.owner_id else
                   record.industry.name if name == "industry" and record.industry_id else
                   None if name in ("owner", "industry") else getattr(record, name))
            for name in rules.customer_rules(ctx)}


def test_every_demo_customer_and_plan_passes_the_rules_unchanged(app, settings):
    made = demo.make_demo_data(120, seed=3, settings=settings, today=TODAY)
    assert made["customers"] == 120
    ctx = rules.Context(region=settings["phone"]["default_region"], tags=Tag.names(),
                        industries=tuple(i.name for i in Industry.select()),
                        owners=frozenset(u.email for u in User.select().where(User.active)))
    customer_rules = rules.customer_rules(ctx)
    for customer in Customer.select():
        form = _form_of(customer, ctx)
        cleaned, errors = rules.check(customer_rules, form)
        assert errors == {}, (customer.ref, errors)
        assert cleaned == {n: v for n, v in form.items() if v is not None or n in cleaned}, customer.ref
    plan_rules = rules.plan_rules(ctx)
    for plan in CarePlan.select():
        form = {n: getattr(plan, n) for n in plan_rules if n != "owner"}
        form["owner"] = plan.owner.email if plan.owner_id else None
        assert rules.check(plan_rules, form)[1] == {}, plan.ref


def test_an_admin_can_save_a_demo_customer_changing_only_its_region(app, settings, client, auth):
    make_user()
    demo.make_demo_data(30, seed=7, settings=settings, today=TODAY)
    auth.login()
    for customer in list(Customer.select().where(Customer.phone.is_null(False))):
        page = client.get(f"/admin/customers/edit/?id={customer.id}").get_data(as_text=True)
        form = {**form_values(page), "region": "Northwest"}
        reply = client.post(f"/admin/customers/edit/?id={customer.id}", data=form)
        assert reply.status_code == 302, (customer.ref, customer.phone)
        assert Customer.get_by_id(customer.id).region == "Northwest"


def test_demo_refuses_to_store_a_record_its_rules_refuse(app, settings):
    ctx = rules.Context()
    row = {"ref": "CU-TESTTEST", "name": "Acme", "stage": "deal", "phone": "+8615461626939"}
    try:
        demo.checked(row, rules.customer_rules(ctx), {})
    except demo.DemoRefused as exc:
        assert "phone" in str(exc)
    else:
        raise AssertionError("a phone the rule refuses was accepted")


def test_a_chinese_office_gets_chinese_demo_data_that_passes_the_rules(app, settings):
    chinese = {**settings, "app": {**settings["app"], "locale": "zh_CN"}}
    demo.make_demo_data(60, seed=5, settings=chinese, today=TODAY)
    ctx = rules.Context(region=settings["phone"]["default_region"], tags=Tag.names(),
                        industries=tuple(i.name for i in Industry.select()),
                        owners=frozenset(u.email for u in User.select().where(User.active)))
    customer_rules = rules.customer_rules(ctx)
    customers = list(Customer.select())
    for customer in customers:
        assert rules.check(customer_rules, _form_of(customer, ctx))[1] == {}, customer.ref
    assert {c.region for c in customers} <= set(demo.ZH["regions"])
    assert all(not any("a" <= ch.lower() <= "z" for ch in c.name + (c.contact_name or "")) for c in customers)
    assert any(c.name.endswith("有限公司") for c in customers)
    assert {p.title for p in CarePlan.select()} <= set(demo.ZH["plan_titles"].values())
