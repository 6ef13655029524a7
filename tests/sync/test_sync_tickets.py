"""The Tickets tab: service staff work tickets in the sheet as they do in the panel, same rules."""
from __future__ import annotations

import datetime as dt
import re

from backoffice import clock
from backoffice.models import Change, Conflict, Ticket, User
from backoffice.tickets import flow
from sync import gateway, layout
from sync.scope import Scope
from sync.snapshot import load
from tests.factories import make_customer
from tests.sync.conftest import SID, TABS

TAB = "Tickets"


def _ticket(customer=None, **fields) -> Ticket:
    return flow.open_ticket(customer or make_customer(name="Acme"), title=fields.pop("title", "Pump leaks"),
                            **fields)


def test_a_ticket_opened_in_the_panel_appears_in_the_tickets_tab(book):
    ticket = _ticket(category="logistics delay", priority="urgent")
    run = book.sync()
    assert run.status == "ok", run.error
    row = book.find(ticket.ref, TAB)
    assert re.fullmatch(r"TK-\d{4}-\d{6}", row["ID"])
    assert (row["Customer ID"], row["Customer"], row["Title"]) == (ticket.customer.ref, "Acme", "Pump leaks")
    assert (row["Category"], row["Priority"], row["Status"], row["Sync status"]) == (
        "logistics delay", "urgent", "new", "")
    assert book.sync().api_calls == 1  # nothing new: one read, no write


def test_a_ticket_typed_into_the_sheet_gets_the_next_number_and_its_deadlines(book):
    customer = make_customer(name="Acme")
    book.sync()
    first = _ticket(customer)  # numbers are shared with the panel's tickets, never reused
    row = book.add_row(TAB, {"Customer ID": customer.ref, "Title": "Invoice twice", "Category": "billing dispute",
                             "Assignee": "rep@example.com"})
    run = book.sync()
    assert run.status == "ok", run.error
    ref = book.cell(TAB, row, "ID")
    assert int(ref[-6:]) == int(first.ref[-6:]) + 1
    ticket = Ticket.get(Ticket.ref == ref)
    assert (ticket.customer_id, ticket.title, ticket.category, ticket.priority) == (
        customer.id, "Invoice twice", "billing dispute", "normal")
    assert ticket.status == "assigned" and ticket.assignee.email == "rep@example.com"  # as in the panel
    assert ticket.response_due == ticket.opened_at + dt.timedelta(hours=24)
    assert book.cell(TAB, row, "Status") == "assigned" and book.cell(TAB, row, "Customer") == "Acme"
    assert Change.select().where(Change.table == "ticket", Change.record_ref == ref).count() > 0
    assert book.sync().api_calls == 1


def test_moving_a_ticket_on_in_the_sheet_stamps_its_times_as_the_panel_does(book):
    ticket = _ticket()
    book.sync()
    row = book.find(ticket.ref, TAB)["_row"]
    book.type(TAB, row, "Status", "in progress")
    assert book.sync().status == "ok"
    ticket = Ticket.get_by_id(ticket.id)
    assert ticket.status == "in progress" and ticket.first_response_at is not None
    book.type(TAB, row, "Resolution", "Sent a new seal")
    book.type(TAB, row, "Status", "resolved")
    assert book.sync().status == "ok"
    ticket = Ticket.get_by_id(ticket.id)
    assert (ticket.status, ticket.resolution) == ("resolved", "Sent a new seal")
    assert ticket.resolved_at is not None
    change = Change.select().where(Change.table == "ticket", Change.field == "status").order_by(Change.id.desc()).get()
    assert (change.actor_label, change.new) == ("sheet sync", "resolved")


def test_a_move_the_flow_does_not_allow_is_refused_and_the_row_says_why(book):
    ticket = _ticket()
    book.sync()
    row = book.find(ticket.ref, TAB)["_row"]
    book.type(TAB, row, "Status", "closed")  # new -> closed: not without being resolved
    book.type(TAB, row, "Title", "Pump leaks badly")  # the row's other valid cells still apply
    run = book.sync()
    assert run.rejected == 1
    found = book.find(ticket.ref, TAB)
    assert found["Status"] == "closed"  # the typed text stays
    assert 'cannot go from "new" to "closed"' in found["Sync status"] and "not saved" in found["Sync status"]
    ticket = Ticket.get_by_id(ticket.id)
    assert (ticket.status, ticket.title, ticket.closed_at) == ("new", "Pump leaks badly", None)
    assert book.sync().api_calls == 1  # said once; a quiet cycle writes nothing


def test_resolved_without_a_resolution_and_a_score_too_early_are_refused(book):
    ticket = _ticket(assignee=User.get(User.email == "rep@example.com"))
    book.sync()
    row = book.find(ticket.ref, TAB)["_row"]
    book.type(TAB, row, "Status", "resolved")
    book.type(TAB, row, "Satisfaction", 5)
    book.sync()
    status = book.find(ticket.ref, TAB)["Sync status"]
    assert "say how it was solved" in status and "only after the ticket is resolved" in status
    ticket = Ticket.get_by_id(ticket.id)
    assert (ticket.status, ticket.satisfaction) == ("assigned", None)

    book.type(TAB, row, "Satisfaction", "7")
    book.type(TAB, row, "Resolution", "Replaced the pump")
    book.sync()
    found = book.find(ticket.ref, TAB)
    assert '"7" is not a score from 1 to 5' in found["Sync status"]
    ticket = Ticket.get_by_id(ticket.id)
    assert (ticket.status, ticket.resolution, ticket.satisfaction) == ("resolved", "Replaced the pump", None)


def test_an_unknown_customer_or_assignee_is_refused_and_no_ticket_is_made(book):
    book.sync()
    row = book.add_row(TAB, {"Customer ID": "CU-NOSUCH22", "Title": "Broken"})
    book.sync()
    assert "not a customer in the panel" in book.cell(TAB, row, "Sync status")
    assert Ticket.select().count() == 0


def test_a_ticket_changed_on_both_sides_keeps_the_panels_value_and_logs_the_conflict(book):
    ticket = _ticket()
    book.sync()
    book.type(TAB, book.find(ticket.ref, TAB)["_row"], "Priority", "low")
    ticket.priority = "urgent"
    ticket.save()
    run = book.sync()
    assert run.conflicts == 1
    conflict = Conflict.get()
    assert (conflict.table, conflict.field, conflict.sheet_value, conflict.kept) == ("ticket", "priority", "low",
                                                                                     "database")
    assert book.find(ticket.ref, TAB)["Priority"] == "urgent"


def test_a_ticket_row_deleted_from_the_sheet_is_archived_not_deleted(book, emulator):
    customer = make_customer(name="Acme")
    ticket, *_others = [_ticket(customer, title=f"Problem {n}") for n in range(6)]  # one of six: under the guard
    book.sync()
    row = book.find(ticket.ref, TAB)["_row"]
    emulator.set_values(SID, TAB, f"A{row}", [[""] * len(book.header(TAB))])
    run = book.sync()
    assert run.archived == 1
    assert Ticket.get_by_id(ticket.id).archived


def test_chinese_words_are_read_and_written_in_a_chinese_sheet(book):
    book.settings["sheet"]["language"] = "zh_CN"
    layout.init_sheet(gateway.open_cached(gateway.settings_for(book.settings["sheet"])), TABS, rows=40,
                      language="zh_CN")
    ticket = _ticket(category="product quality")
    book.sync()
    header = book.header(TAB)
    assert header[:2] == ["工单编号", "客户编号"] and "处理人" in header and "同步状态" in header
    found = next(r for r in book.records(TAB) if r["工单编号"] == ticket.ref)
    assert (found["问题类别"], found["状态"]) == ("产品质量", "新建")
    book.type(TAB, found["_row"], "状态", "处理中")
    book.sync()
    assert Ticket.get_by_id(ticket.id).status == "in progress"
    assert next(r for r in book.records(TAB) if r["工单编号"] == ticket.ref)["状态"] == "处理中"


def test_a_reps_sheet_holds_their_customers_tickets_and_those_given_to_them(book):
    rep = User.get(User.email == "rep@example.com")
    boss = User.get(User.email == "boss@example.com")
    own = _ticket(make_customer(name="Rep's", owner=rep))
    given = _ticket(make_customer(name="Boss's", owner=boss), assignee=rep)
    other = _ticket(make_customer(name="Other", owner=boss))
    scope = Scope(sheet_id=None, kind="owner", person=rep.email, person_id=rep.id,
                  owners=frozenset({rep.email}))
    tickets = scope.load("CN", clock.now()).sides["ticket"].database
    assert set(tickets) == {own.ref, given.ref}
    assert other.ref not in tickets and set(load("CN").sides["ticket"].database) >= {own.ref, other.ref}
