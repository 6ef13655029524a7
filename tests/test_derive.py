"""Tier, closeness and churn risk follow the thresholds and the override, as the system."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from backoffice.care import derive
from backoffice.models import Change, Customer
from tests.factories import make_customer, make_interaction

NOW = dt.datetime(2026, 11, 25, 10, 0)


def _derive(app, ids=None):
    return derive.derive(app.config["BACKOFFICE"], ids, now=NOW)


def _fresh(customer):
    return Customer.get_by_id(customer.id)


def test_tier_follows_annual_purchase_thresholds(app):
    low = make_customer(name="Low", annual_purchase=Decimal("499999.99"))
    key = make_customer(name="Key", annual_purchase=Decimal("500000"))
    top = make_customer(name="Top", annual_purchase=Decimal("1000000"))
    _derive(app)
    assert [_fresh(c).tier for c in (low, key, top)] == ["ordinary", "key", "strategic"]


def test_configured_thresholds_are_used(app):
    app.config["BACKOFFICE"]["tiers"].update(strategic_from=200_000.0, key_from=100_000.0)
    customer = make_customer(annual_purchase=Decimal("250000"))
    _derive(app)
    assert _fresh(customer).tier == "strategic"


def test_manager_override_wins_over_purchases(app):
    customer = make_customer(annual_purchase=Decimal("2000000"), tier_override="key",
                             tier_override_reason="Group account, priced as key")
    _derive(app)
    assert _fresh(customer).tier == "key"


def test_closeness_counts_interactions_of_the_last_30_days(app):
    tight, stable, loose = (make_customer(name=n) for n in ("Tight", "Stable", "Loose"))
    for day in (1, 20):
        make_interaction(tight, at=NOW - dt.timedelta(days=day))
    make_interaction(stable, at=NOW - dt.timedelta(days=3))
    make_interaction(stable, at=NOW - dt.timedelta(days=31))
    _derive(app)
    assert [_fresh(c).closeness for c in (tight, stable, loose)] == ["tight", "stable", "loose"]


def test_silent_deal_customer_is_flagged_high_churn_risk(app):
    silent = make_customer(name="Silent", stage="deal", created_at=NOW - dt.timedelta(days=400))
    make_interaction(silent, at=NOW - dt.timedelta(days=61))
    talking = make_customer(name="Talking", stage="deal", created_at=NOW - dt.timedelta(days=400))
    make_interaction(talking, at=NOW - dt.timedelta(days=10))
    prospect = make_customer(name="Prospect", stage="potential", created_at=NOW - dt.timedelta(days=400))
    newcomer = make_customer(name="New", stage="deal", created_at=NOW - dt.timedelta(days=5))
    _derive(app)
    assert [_fresh(c).churn_risk for c in (silent, talking, prospect, newcomer)] == [
        "high", "low", "low", "low"]


def test_derived_changes_are_in_the_history_as_made_by_the_system(app):
    customer = make_customer(annual_purchase=Decimal("600000"))
    changed = _derive(app)
    assert changed == {"tier": [customer.id]}
    row = Change.of(customer).where(Change.field == "tier").first()
    assert (row.actor_kind, row.old, row.new) == ("system", "ordinary", "key")


def test_nothing_changes_when_everything_is_current(app):
    make_customer(annual_purchase=Decimal("10"))
    _derive(app)
    before = Change.select().count()
    assert _derive(app) == {}
    assert Change.select().count() == before


def test_saving_a_customer_in_the_panel_derives_and_plans(app, client, auth):
    from backoffice.models import CarePlan
    from tests.conftest import make_user
    make_user()
    auth.login()
    token = auth.csrf_token("/admin/customers/new/")
    response = client.post("/admin/customers/new/", data={
        "csrf_token": token, "name": "Jinlong Trading", "kind": "company", "stage": "intent",
        "annual_purchase": "1200000", "churn_risk": "low"})
    assert response.status_code == 302
    customer = Customer.get(Customer.name == "Jinlong Trading")
    assert customer.tier == "strategic"
    titles = sorted(p.title for p in CarePlan.select().where(CarePlan.customer == customer))
    assert titles == ["Monthly deep review", "Quarterly industry report", "Weekly follow-up"]


def test_the_periodic_task_refreshes_every_working_customer(app):
    from backoffice.care.tasks import refresh_derived_fields
    customer = make_customer(annual_purchase=Decimal("1500000"))
    settings = app.config["BACKOFFICE"]
    assert refresh_derived_fields.call_local(settings)["tier"] == 1
    assert _fresh(customer).tier == "strategic"


def test_bulk_derivation_is_a_handful_of_queries(app):
    from tests.test_playbook import _count_queries
    Customer.insert_many([{"ref": f"CU-D{n:06d}", "name": f"C{n}", "stage": "potential",
                           "annual_purchase": Decimal(600000)} for n in range(2000)]).execute()
    queries = _count_queries(lambda: _derive(app))
    assert Customer.select().where(Customer.tier == "key").count() == 2000
    assert queries < 30
