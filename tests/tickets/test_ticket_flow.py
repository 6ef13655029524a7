"""A ticket's life: its number, deadlines, status flow, times and satisfaction, all in the history."""
import datetime as dt
import threading

import pytest

from backoffice.db import db
from backoffice.models import Change, Interaction, Ticket, TicketCounter, TicketOption
from backoffice.rules import RuleError
from backoffice.tickets import flow, sla
from tests.conftest import make_user
from tests.factories import make_customer, make_interaction
from tests.tickets.helpers import NOON, make_ticket


def test_numbers_count_up_per_year_and_read_like_the_playbook(app, clock):
    customer = make_customer()
    first, second = make_ticket(customer), make_ticket(customer)
    assert (first.ref, second.ref) == ("TK-2026-000001", "TK-2026-000002")
    clock.at = dt.datetime(2026, 12, 31, 16, 30)  # 00:30 on New Year's Day in Shanghai
    assert make_ticket(customer).ref == "TK-2027-000001"


def test_a_number_is_never_reused_even_after_an_archive(app, clock):
    customer = make_customer()
    ticket = make_ticket(customer)
    ticket.archive()
    assert make_ticket(customer).ref == "TK-2026-000002"
    with pytest.raises(PermissionError):
        ticket.delete_instance()


def test_numbers_taken_at_once_by_many_are_all_different(app, database_url):
    """Four connections take 15 numbers each at the same time: 60 numbers, none twice, no gap."""
    got, errors = [], []

    def take():
        try:
            db.connect(reuse_if_open=True)
            for _ in range(15):
                got.append(TicketCounter.next_number(2026))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(got) == [f"TK-2026-{n:06d}" for n in range(1, 61)]


def test_deadlines_follow_category_and_priority_hours_editable_by_admins(app, clock):
    customer = make_customer()
    routine = make_ticket(customer)
    assert routine.response_due == NOON + dt.timedelta(hours=24)
    assert routine.resolution_due == NOON + dt.timedelta(hours=48)
    urgent = make_ticket(customer, priority="urgent")
    assert urgent.response_due == NOON + dt.timedelta(hours=4)
    TicketOption.update(response_hours=8, resolution_hours=72).where(
        TicketOption.kind == "category", TicketOption.name == "billing dispute").execute()
    billing = make_ticket(customer, category="billing dispute")
    assert (billing.response_due, billing.resolution_due) == (NOON + dt.timedelta(hours=8),
                                                              NOON + dt.timedelta(hours=72))


def test_a_ticket_goes_through_its_flow_with_times_and_history(app, clock):
    rep = make_user("rep@example.com", role="rep")
    ticket = flow.open_ticket(make_customer(owner=rep), title="Wrong invoice", category="billing dispute")
    assert ticket.status == "new"
    flow.assign(ticket, rep, department="finance")
    assert (ticket.status, ticket.department) == ("assigned", "finance")
    clock.advance(hours=2)
    flow.respond(ticket, rep, "We are checking the invoice")
    assert ticket.status == "in progress" and ticket.first_response_at == clock.at
    assert Interaction.get(Interaction.customer == ticket.customer_id).summary.startswith(ticket.ref)
    with pytest.raises(RuleError):
        flow.resolve(ticket, "")
    clock.advance(hours=5)
    flow.resolve(ticket, "Issued a corrected invoice")
    assert ticket.status == "resolved" and ticket.resolved_at == clock.at
    flow.close(ticket, satisfaction="4")
    ticket = Ticket.get_by_id(ticket.id)
    assert (ticket.status, ticket.satisfaction) == ("closed", 4)
    statuses = [c.new for c in Change.select().where(Change.table == "ticket", Change.record_id == ticket.id,
                                                     Change.field == "status").order_by(Change.id)]
    assert statuses == ["new", "assigned", "in progress", "resolved", "closed"]


def test_a_closed_ticket_reopens_and_keeps_its_original_deadline(app, clock):
    ticket = flow.open_ticket(make_customer(), title="Late delivery", category="logistics delay")
    flow.resolve(ticket, "Re-sent")
    flow.close(ticket, 5)
    clock.advance(hours=72)
    flow.reopen(ticket, "Arrived broken")
    assert ticket.status == "in progress" and ticket.resolved_at is None and ticket.satisfaction is None
    assert sla.state(ticket, clock.at) == "late"
    flow.resolve(ticket, "Replaced")
    assert sla.state(ticket, clock.at) == "late"  # resolved after its deadline


@pytest.mark.parametrize("old,new", [("new", "closed"), ("resolved", "new"), ("closed", "resolved"),
                                     ("in progress", "assigned")])
def test_moves_outside_the_flow_are_refused(old, new):
    from backoffice import rules
    with pytest.raises(RuleError):
        rules.ticket_move(old, new)


def test_satisfaction_is_one_to_five_and_only_after_resolution(app, clock):
    ticket = flow.open_ticket(make_customer(), title="Noise")
    with pytest.raises(RuleError):
        flow.rate(ticket, 5)
    flow.resolve(ticket, "Tightened the bolts")
    for bad in ("0", "6", "great"):
        with pytest.raises(RuleError):
            flow.rate(ticket, bad)
    assert flow.rate(ticket, "５").satisfaction == 5


def test_sla_badge_moves_from_on_time_to_due_soon_to_late(app, clock):
    ticket = make_ticket(make_customer())
    assert sla.state(ticket, clock.at) == "on time"
    clock.advance(hours=20)
    assert sla.state(ticket, clock.at) == "due soon"
    clock.advance(hours=5)
    assert sla.state(ticket, clock.at) == "late"
    for name in sla.STATES:  # the list filters agree with the badge
        found = Ticket.select().where(Ticket.id == ticket.id, sla.condition(name, clock.at)).exists()
        assert found == (name == "late")


def test_a_negative_interaction_opens_one_ticket_for_its_owner(app, clock):
    rep = make_user("rep@example.com", role="rep")
    complaint = make_interaction(make_customer(owner=rep), sentiment="negative", feedback="Parts arrived rusty")
    ticket = flow.open_from_interaction(complaint)
    assert ticket.title == "Negative feedback: Parts arrived rusty"
    assert (ticket.assignee_id, ticket.status, ticket.interaction_id) == (rep.id, "assigned", complaint.id)
    assert flow.open_from_interaction(complaint).id == ticket.id
