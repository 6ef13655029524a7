"""The playbook makes the right plans once, retires them when a customer moves on, keeps history."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from backoffice import actors, clock
from backoffice.care import playbook
from backoffice.care.complete import mark_done
from backoffice.models import CarePlan, Change, Interaction
from tests.conftest import count_statements, make_user
from tests.factories import make_customer

TODAY = dt.date(2026, 11, 25)


def _titles(customer, archived=False):
    return sorted(p.title for p in CarePlan.select().where(CarePlan.customer == customer,
                                                          CarePlan.archived == archived))


def test_strategic_deal_customer_gets_the_tier_and_stage_plans(app):
    rep = make_user("rep@example.com", role="rep")
    customer = make_customer(tier="strategic", stage="deal", owner=rep)
    counts = playbook.evaluate([customer.id], today=TODAY)
    assert counts == {"created": 4, "retired": 0}
    assert _titles(customer) == ["Fortnightly call", "Monthly deep review",
                                 "Monthly product news", "Quarterly industry report"]
    plans = list(CarePlan.select().where(CarePlan.customer == customer))
    assert {p.next_due for p in plans} == {TODAY}
    assert {p.owner_id for p in plans} == {rep.id}
    assert all(p.playbook_step_id for p in plans)


def test_re_evaluating_never_duplicates_plans(app):
    customer = make_customer(stage="intent")
    playbook.evaluate([customer.id], today=TODAY)
    assert playbook.evaluate([customer.id], today=TODAY) == {"created": 0, "retired": 0}
    assert _titles(customer) == ["Weekly follow-up"]


def test_leaving_a_stage_retires_its_plans_and_keeps_them(app):
    customer = make_customer(stage="intent")
    playbook.evaluate([customer.id], today=TODAY)
    customer.stage = "deal"
    customer.save()
    assert playbook.evaluate([customer.id], today=TODAY) == {"created": 2, "retired": 1}
    assert _titles(customer) == ["Fortnightly call", "Monthly product news"]
    retired = CarePlan.get(CarePlan.customer == customer, CarePlan.archived == True)  # noqa: E712
    assert (retired.title, retired.status) == ("Weekly follow-up", "done")
    fields = {c.field: c.new for c in Change.of(retired).where(Change.action != "create")}
    assert fields == {"status": "done", "archived": "yes"}


def test_archived_customer_keeps_no_working_plans(app):
    customer = make_customer(stage="deal")
    playbook.evaluate([customer.id], today=TODAY)
    customer.archive()
    assert playbook.evaluate([customer.id], today=TODAY)["retired"] == 2
    assert _titles(customer) == []


def test_lost_customer_win_back_call_goes_to_the_sales_lead_once(app):
    rep = make_user("rep@example.com", role="rep")
    lead = make_user("lead@example.com", role="manager", is_sales_lead=True)
    customer = make_customer(stage="lost", owner=rep)
    playbook.evaluate([customer.id], today=TODAY)
    plan = CarePlan.get(CarePlan.customer == customer)
    assert (plan.title, plan.owner_id) == ("Win-back call", lead.id)
    mark_done([plan], TODAY, channel="phone", summary="Called, no interest for now", user=lead)
    assert CarePlan.get_by_id(plan.id).status == "done"
    assert playbook.evaluate([customer.id], today=TODAY) == {"created": 0, "retired": 0}


def test_plans_made_by_the_playbook_are_in_the_history_with_their_maker(app):
    customer = make_customer(stage="potential")
    with actors.acting_as(actors.SYSTEM):
        playbook.evaluate([customer.id], today=TODAY)
    plan = CarePlan.get(CarePlan.customer == customer)
    assert {c.actor_kind for c in Change.of(plan)} == {"system"}


def test_mark_done_moves_next_due_from_the_day_done_and_logs_the_touch(app):
    rep = make_user("rep@example.com", role="rep")
    customer = make_customer(stage="deal", owner=rep)
    playbook.evaluate([customer.id], today=TODAY)
    plan = CarePlan.get(CarePlan.customer == customer, CarePlan.title == "Fortnightly call")
    done_on = dt.date(2026, 11, 27)
    mark_done([plan], done_on, channel="video", summary="Reviewed the order", sentiment="positive",
              feedback="Happy", next_action="Send the quote", user=rep)
    plan = CarePlan.get_by_id(plan.id)
    assert (plan.last_done, plan.next_due, plan.status) == (done_on, dt.date(2026, 12, 11), "active")
    touch = Interaction.get(Interaction.care_plan == plan)
    assert (touch.channel, touch.summary, touch.user_id, clock.day_of(touch.at)) == (
        "video", "Reviewed the order", rep.id, done_on)  # the office's day of the stored instant


def test_bulk_evaluation_is_a_handful_of_queries_for_many_customers(app):
    from backoffice.models import Customer
    Customer.insert_many([{"ref": f"CU-T{n:06d}", "name": f"C{n}", "stage": "deal",
                           "annual_purchase": Decimal(0)} for n in range(1200)]).execute()
    ids = [c.id for c in Customer.select(Customer.id)]
    queries = _count_queries(lambda: playbook.evaluate(ids, today=TODAY))
    assert CarePlan.select().count() == 2400
    assert queries < 100  # chunks of 500 rows, never a statement per customer


def _count_queries(work) -> int:
    return count_statements(work)[0]


def test_plans_follow_a_customer_reassigned_to_another_rep(app):
    alice, bob = make_user("alice@example.com", role="rep"), make_user("bob@example.com", role="rep")
    boss = make_user("boss@example.com", role="manager")
    lead = make_user("lead@example.com", role="rep", is_sales_lead=True)
    customer = make_customer(stage="deal", owner=alice)
    playbook.evaluate([customer.id], today=TODAY)
    kept_by_boss = CarePlan.create(customer=customer, title="Contract review", action="visit", interval_days=30,
                                   next_due=TODAY, owner=boss)
    kept_by_lead = CarePlan.create(customer=customer, title="Pricing call", action="call", interval_days=30,
                                   next_due=TODAY, owner=lead)
    customer.owner = bob
    customer.save()
    with actors.acting_as(actors.SYSTEM):
        assert playbook.follow_owners([customer.id]) == 2
    owners = {p.title: p.owner_id for p in CarePlan.select().where(CarePlan.customer == customer)}
    assert owners == {"Fortnightly call": bob.id, "Monthly product news": bob.id,
                      "Contract review": boss.id, "Pricing call": lead.id}
    moved = Change.select().where(Change.table == "care plan", Change.field == "owner",
                                 Change.action == "update")
    assert {(c.old, c.new, c.actor_kind) for c in moved} == {(str(alice.id), str(bob.id), "system")}
    assert playbook.follow_owners([customer.id]) == 0  # in step: nothing more to move
    assert {kept_by_boss.id, kept_by_lead.id} <= {p.id for p in CarePlan.select()}
