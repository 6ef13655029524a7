"""The customer's page: a readable header, quick actions scoped like every path, one timeline."""
import re
from decimal import Decimal

import pytest

from backoffice.models import CarePlan, Customer, Interaction, Ticket
from tests.conftest import make_user
from tests.factories import make_customer, make_plan


@pytest.fixture
def alices(app, clock):
    alice = make_user("alice@example.com", role="rep")
    make_user("bob@example.com", role="rep")
    customer = make_customer(name="Alice Co", owner=alice, phone="+8613800138000",
                             annual_purchase=Decimal("2515783"))
    customer.stage = "deal"
    customer.save()
    return customer


def _post(client, auth, path, **data):
    return client.post(path, data={"csrf_token": auth.csrf_token("/admin/"), **data})


def test_header_says_it_in_words_and_the_timeline_has_one_entry_per_save(client, auth, alices):
    auth.login("alice@example.com")
    page = client.get(f"/admin/customers/details/?id={alices.id}").get_data(as_text=True)
    assert 'href="tel:+8613800138000"' in page and "¥2,515,783.00" in page
    assert 'id="customer-owner">alice<' in page
    timeline = page[page.index('id="timeline"'):]
    assert len(re.findall(r'data-kind="change"', timeline)) == 2  # created, then the stage moved
    assert "stage: potential → deal" in timeline and "Archived False" not in page


def test_quick_actions_log_add_open_and_confirm(client, auth, alices, clock):
    auth.login("alice@example.com")
    base = f"/admin/customers/{alices.id}"
    _post(client, auth, f"{base}/follow-up", channel="visit", summary="Walked the plant", sentiment="negative",
          feedback="Too noisy")
    assert Interaction.get(Interaction.customer == alices.id).channel == "visit"
    _post(client, auth, f"{base}/plan", title="Quarterly visit", action="visit", interval_days="91",
          next_due="2026-04-01")
    assert CarePlan.get(CarePlan.title == "Quarterly visit").owner_id == alices.owner_id
    response = _post(client, auth, f"{base}/ticket", title="Noise complaint", category="产品质量")
    ticket = Ticket.get(Ticket.title == "Noise complaint")
    assert ticket.category == "product quality" and f"id={ticket.id}" in response.headers["Location"]
    _post(client, auth, f"{base}/verified")
    assert str(Customer.get_by_id(alices.id).verified_at) == "2026-03-10"
    page = client.get(f"/admin/customers/details/?id={alices.id}").get_data(as_text=True)
    assert "Walked the plant" in page and ticket.ref in page and "/admin/tickets/from-interaction/" in page


def test_quick_actions_on_another_reps_customer_are_404(client, auth, alices):
    auth.login("bob@example.com")
    base = f"/admin/customers/{alices.id}"
    for step in ("follow-up", "plan", "ticket", "verified"):
        assert _post(client, auth, f"{base}/{step}", title="x", summary="x").status_code == 404
    assert not Interaction.select().where(Interaction.customer == alices.id).exists()


def test_mark_done_from_today_returns_to_today(client, auth, alices, clock):
    plan = make_plan(alices, next_due=clock.at.date())
    auth.login("alice@example.com")
    today = client.get("/admin/").get_data(as_text=True)
    link = re.search(r'href="(/admin/care_plans/done/\?[^"]+)"', today).group(1).replace("&amp;", "&")
    token = auth.csrf_token(link)
    response = client.post(link, data={"csrf_token": token, "ids": str(plan.id), "next": "/admin/",
                                       "done_on": "2026-03-10", "channel": "phone", "summary": "Called"})
    assert response.headers["Location"].endswith("/admin/")
    assert CarePlan.get_by_id(plan.id).last_done.isoformat() == "2026-03-10"
    assert f'/admin/customers/details/?id={alices.id}' in today  # names on Today are links
