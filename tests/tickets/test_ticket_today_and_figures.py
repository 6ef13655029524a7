"""Today lists a person's tickets near or past their deadline; the monthly review's ticket figures."""
import datetime as dt

import pytest

from backoffice.review.figures import review
from backoffice.review.slices import Slice
from backoffice.tickets import flow
from backoffice.tickets.today import attention
from tests.conftest import make_user
from tests.factories import make_customer
from tests.tickets.helpers import make_ticket


@pytest.fixture
def reps(app, clock):
    return make_user("alice@example.com", role="rep"), make_user("bob@example.com", role="rep")


def test_today_lists_my_tickets_due_soon_or_late_never_others(app, clock, reps):
    alice, bob = reps
    alices, bobs = make_customer(name="Alice Co", owner=alice), make_customer(name="Bob Co", owner=bob)
    soon = make_ticket(alices, title="Due soon")
    late = make_ticket(bobs, title="Late, lent to Alice", assignee=alice, status="assigned",
                       opened_at=clock.at - dt.timedelta(hours=30))
    make_ticket(bobs, title="Bob's late one", opened_at=clock.at - dt.timedelta(hours=30))
    make_ticket(alices, title="Handled by Bob", assignee=bob, status="assigned",
                opened_at=clock.at - dt.timedelta(hours=30))
    clock.advance(hours=21)  # the fresh one has 3 hours left to answer
    count, rows = attention(alice, clock.at)
    assert count == 2
    assert [(t.title, state) for t, state in rows] == [("Late, lent to Alice", "late"), ("Due soon", "due soon")]
    assert soon.id in {t.id for t, _s in rows} and late.id in {t.id for t, _s in rows}


def test_today_page_shows_the_tickets_with_badges_and_a_ticket_button_on_complaints(client, auth, clock, reps):
    from tests.factories import make_interaction
    alice, _bob = reps
    customer = make_customer(name="Alice Co", owner=alice)
    make_ticket(customer, title="Answer me", opened_at=clock.at - dt.timedelta(hours=25))
    make_interaction(customer, sentiment="negative", feedback="Too slow")
    auth.login("alice@example.com")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="tickets-due"' in page and "Answer me" in page and 'data-sla="late"' in page
    assert "/admin/tickets/from-interaction/" in page


def _headline(result, key):
    return next(h["value"] for h in result["headlines"] if h["key"] == key)


def test_figures_count_opened_closed_in_time_and_satisfaction_per_month(app, clock, reps):
    alice, bob = reps
    east = make_customer(name="East Co", owner=alice, region="East China")
    north = make_customer(name="North Co", owner=bob, region="North China")
    quick = flow.open_ticket(east, title="Quick", category="logistics delay")
    slow = flow.open_ticket(north, title="Slow", category="product quality")
    clock.advance(hours=1)
    flow.respond(quick, alice, "On it")
    flow.resolve(quick, "Re-sent")
    flow.close(quick, 4)
    clock.advance(hours=60)
    flow.resolve(slow, "Fixed late")
    flow.rate(slow, 2)
    boss = alice.__class__(role="manager")
    march = review(boss, "2026-03", Slice.from_args({}, boss))
    assert _headline(march, "tickets_opened") == 2
    assert _headline(march, "tickets_closed") == 1
    assert _headline(march, "resolved_in_time") == 0.5
    assert _headline(march, "responded_in_time") == 0.5
    assert _headline(march, "satisfaction") == 3.0
    per_month = march["figures"]["tickets"]
    assert dict(zip(per_month["keys"], per_month["series"]["opened"], strict=True))["2026-03"] == 2
    crossing = march["figures"]["tickets-by-region-and-category"]
    assert crossing["keys"] == ["East China", "North China"]
    assert crossing["series"]["product quality"] == [0, 1]
    mine = review(alice, "2026-03", Slice.from_args({}, alice))  # a rep: only their customers' tickets
    assert _headline(mine, "tickets_opened") == 1
    assert list(mine["figures"]["tickets-by-region-and-category"]["series"]) == ["logistics delay"]


def test_a_reps_ticket_figures_count_the_tickets_assigned_to_them(app, clock, reps):
    alice, bob = reps
    lent = flow.open_ticket(make_customer(name="Bob Co", owner=bob, region="North China"), title="Lent")
    flow.assign(lent, alice)
    flow.open_ticket(make_customer(name="Bob Two", owner=bob, region="North China"), title="Bob's own")
    mine = review(alice, "2026-03", Slice.from_args({"owner": str(bob.id)}, alice))
    assert _headline(mine, "tickets_opened") == 1
    assert mine["figures"]["tickets-by-region-and-category"]["keys"] == ["North China"]
    boss = alice.__class__(role="manager")
    assert _headline(review(boss, "2026-03", Slice(owner=alice.id)), "tickets_opened") == 1  # as she sees it
    assert _headline(review(boss, "2026-03", Slice(owner=bob.id)), "tickets_opened") == 2
    assert _headline(review(boss, "2026-03", Slice(owner=alice.id, region="East China")), "tickets_opened") == 0
