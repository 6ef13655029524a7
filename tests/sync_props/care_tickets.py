"""The histories' Tickets tab and `Done on` entries: rules for staff and panel, and their checks.

Staff add, edit and delete ticket rows and type `Done on` (with an optional `Outcome`) into care
plan rows; the panel opens tickets and moves them through the same flow as its buttons. Checked:
no ticket edit is lost (each is in the database, in the conflict log, or refused on its row with a
status saying so); a `Done on` is applied exactly once (one interaction, Next due moved on by the
interval, the two cells cleared), killed cycles included; a ticket number is never reused.
"""
from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from backoffice import clock, rules
from backoffice.models import (
    CarePlan,
    Conflict,
    Customer,
    Interaction,
    SyncBase,
    Ticket,
    TicketCounter,
)
from backoffice.tickets import flow

from .fields import INVALID, Edit, text_of
from .sheet_view import SheetView, shown

TICKETS_TAB, PLANS_TAB = "Tickets", "Care plans"
TICKET_HEADERS = {"title": "Title", "description": "Description", "priority": "Priority",
                  "department": "Department", "status": "Status", "resolution": "Resolution",
                  "satisfaction": "Satisfaction"}
TICKET_VALID = {
    "title": st.sampled_from(["Pump leaks", "包装破损", "Late 发货 ☃"]),
    "description": st.sampled_from(["seen twice", "", "多行\n说明"]),
    "priority": st.sampled_from(["urgent", "low", "normal"]),
    "department": st.sampled_from(["technical", "finance", ""]),
    "status": st.sampled_from(rules.TICKET_STATUSES),
    "resolution": st.sampled_from(["replaced the part", "", "已退款"]),
    "satisfaction": st.sampled_from([1, 5, "4", ""]),
}
TICKET_BAD = {
    "title": st.sampled_from(["", "=1+1"]),
    "description": st.just("z" * 6000),
    "priority": st.just("whenever"),
    "department": st.just("marketing"),
    "status": st.sampled_from(["done", "=A1"]),
    "resolution": st.just("=SUM(A1:A2)"),
    "satisfaction": st.sampled_from([7, "great"]),
}


def _stats():
    from .machine import STATS  # the soak prints it
    return STATS


def _rows_ok(status: str) -> bool:
    return status in ("", "ok") or status.startswith("ok - ")


class CareAndTickets:
    """Mixed into the history machine: its rules and the checks its `cycle` calls."""

    def __init__(self) -> None:
        super().__init__()
        self.ticket_latest: dict[tuple[str, str], tuple[Edit, str]] = {}  # edit, text typed
        self.new_tickets: dict[str, tuple[str, int]] = {}  # title -> customer ref, epoch
        self.tickets_deleted: dict[str, tuple[int, bool]] = {}  # ref -> epoch, whether agreed
        self.ticket_ids: dict[str, int] = {}  # number -> the ticket's id, once in the database
        self.sheet_numbers: dict[str, str] = {}  # number seen on a row -> that row's title
        self.done: dict[str, dict[str, Any]] = {}  # plan ref -> what the model expects
        self.given_up: set[str] = set()  # plans retired while a completion waited: not followed
        self.ticket_titles = itertools.count(1)

    # -- views -----------------------------------------------------------------------------

    def tickets_view(self) -> SheetView:
        return SheetView(self.w.grid(TICKETS_TAB))

    def plans_view(self) -> SheetView:
        return SheetView(self.w.grid(PLANS_TAB))

    def tickets_on_sheet(self) -> list[str]:
        view = self.tickets_view()
        working = {t.ref for t in Ticket.select(Ticket.ref).where(~Ticket.archived)}
        return sorted(r for r in view.first if r in working and r not in view.copies)

    def working_tickets(self) -> list[str]:
        return [t.ref for t in Ticket.select(Ticket.ref).where(~Ticket.archived).order_by(Ticket.id)]

    def plans_to_mark(self) -> list[str]:
        view = self.plans_view()
        active = {p.ref for p in CarePlan.select(CarePlan.ref).join(Customer)
                  .where(~CarePlan.archived, CarePlan.status == "active", ~Customer.archived)}
        found = []
        for ref in sorted(active - self.given_up):
            number = view.first.get(ref)
            if number is None or ref in view.copies:
                continue
            expected = self.done.get(ref, {})
            if shown(view.cell(number, "Done on")).strip() and not expected.get("bad"):
                continue  # a completion waits there: typing over it is another story
            found.append(ref)
        return found

    def ticket_meaning(self, name: str, cell: Any) -> Any:
        rule = rules.ticket_rules(self.ctx)[name]
        if cell is None or (isinstance(cell, str) and cell.strip() == ""):
            return INVALID if rule.required else ""
        if isinstance(cell, str) and cell.lstrip().startswith("="):
            return INVALID
        try:
            value = rule.clean(cell)
        except rules.RuleError:
            return INVALID
        return INVALID if value is None and rule.required else text_of(value)

    # -- staff in the Tickets tab ----------------------------------------------------------

    @precondition(lambda self: self.on_sheet())
    @rule(data=st.data(), priority=st.sampled_from(["", "urgent", "low"]))
    def staff_adds_a_ticket_row(self, data, priority):
        customer = data.draw(st.sampled_from(self.on_sheet()), label="customer")
        view = self.tickets_view()
        title = f"Issue {next(self.ticket_titles)}"
        row = [""] * len(view.grid[0])
        row[view.column("Customer ID")] = customer
        row[view.column("Title")] = title
        row[view.column("Priority")] = priority
        self.w.emulator.set_values(self.w.sid, TICKETS_TAB, f"A{len(view.grid) + 1}", [row])
        self.new_tickets[title] = (customer, self.started)
        _stats()["staff new ticket rows"] += 1

    @precondition(lambda self: self.tickets_on_sheet())
    @rule(data=st.data(), valid=st.booleans())
    def staff_edits_a_ticket_row(self, data, valid):
        ref = data.draw(st.sampled_from(self.tickets_on_sheet()), label="ticket")
        name = data.draw(st.sampled_from(sorted(TICKET_HEADERS)), label="field")
        value = data.draw((TICKET_VALID if valid else TICKET_BAD)[name], label="value")
        view = self.tickets_view()
        number = view.first[ref]
        self.w.type(number, view.column(TICKET_HEADERS[name]), value, tab=TICKETS_TAB)
        typed = self.tickets_view().cell(number, TICKET_HEADERS[name])
        meant = self.ticket_meaning(name, typed)
        agreed = self.ticket_agreed(ref, name)
        if meant is not INVALID and meant == agreed:
            previous = self.ticket_latest.get((ref, name))
            if previous is not None and previous[0].side == "sheet":
                del self.ticket_latest[(ref, name)]  # typed back to the agreed value: no edit left
        else:
            self.ticket_latest[(ref, name)] = (Edit("sheet", meant, self.started), shown(typed))
        _stats()["staff ticket edits"] += 1

    @precondition(lambda self: self.tickets_on_sheet())
    @rule(data=st.data(), shift=st.booleans())
    def staff_deletes_a_ticket_row(self, data, shift):
        ref = data.draw(st.sampled_from(self.tickets_on_sheet()), label="ticket")
        view = self.tickets_view()
        number, grid = view.first[ref], view.grid
        filler = [] if shift else [[""] * len(grid[0])]
        self.w.write_grid(grid[:number - 1] + filler + grid[number:], len(grid), tab=TICKETS_TAB)
        agreed = SyncBase.select().where(SyncBase.table == "ticket", SyncBase.ref == ref).exists()
        self.tickets_deleted[ref] = (self.started, agreed)
        for key in [k for k, (e, _) in self.ticket_latest.items() if k[0] == ref and e.side == "sheet"]:
            del self.ticket_latest[key]
        _stats()["staff ticket deletes"] += 1

    def ticket_agreed(self, ref: str, name: str) -> str | None:
        import json
        base = SyncBase.get_or_none(SyncBase.table == "ticket", SyncBase.ref == ref)
        return None if base is None else json.loads(base.data).get(name)

    # -- the panel's tickets ---------------------------------------------------------------

    @precondition(lambda self: self.working())
    @rule(data=st.data(), category=st.sampled_from(["other", "logistics delay"]))
    def admin_opens_a_ticket(self, data, category):
        ref = data.draw(st.sampled_from(self.working()), label="customer")
        with self.w.as_admin():
            ticket = flow.open_ticket(Customer.get(Customer.ref == ref), title=f"Panel issue {next(self.ticket_titles)}",
                                      category=category)
        assert ticket.ref not in self.ticket_ids and ticket.ref not in self.sheet_numbers, (
            f"the panel's new ticket took {ticket.ref}, a number already given out")
        self.ticket_ids[ticket.ref] = ticket.id
        _stats()["admin tickets opened"] += 1

    @precondition(lambda self: self.working_tickets())
    @rule(data=st.data(), step=st.sampled_from(["assign", "respond", "resolve", "close", "reopen", "title",
                                                "department", "archive"]))
    def admin_works_a_ticket(self, data, step):
        ref = data.draw(st.sampled_from(self.working_tickets()), label="ticket")
        ticket = Ticket.get(Ticket.ref == ref)
        before = {n: text_of(getattr(ticket, n)) for n in TICKET_HEADERS}
        try:
            with self.w.as_admin():
                if step == "assign":
                    flow.assign(ticket, self.w.admin, department="technical")
                elif step == "respond":
                    flow.respond(ticket, self.w.admin, "called back")
                elif step == "resolve":
                    flow.resolve(ticket, "fixed on site")
                elif step == "close":
                    flow.close(ticket, satisfaction=4)
                elif step == "reopen":
                    flow.reopen(ticket, "came back")
                elif step == "archive":
                    ticket.archive()
                else:
                    setattr(ticket, step, f"Panel {step} {next(self.ticket_titles)}"
                            if step == "title" else "finance")
                    ticket.save()
        except rules.RuleError:
            return  # the panel's button refused the step: nothing changed
        ticket = Ticket.get(Ticket.ref == ref)
        for name in TICKET_HEADERS:
            now = text_of(getattr(ticket, name))
            if now != before[name]:
                self.ticket_latest[(ref, name)] = (Edit("panel", now, self.started), now)
        _stats()[f"admin ticket {step}"] += 1

    # -- staff mark plans done -------------------------------------------------------------

    @precondition(lambda self: self.plans_to_mark())
    @rule(data=st.data(), days_ago=st.integers(0, 20), form=st.sampled_from(["iso", "zh"]),
          outcome=st.sampled_from(["", "", "谈了续约", "left a message"]),
          bad=st.sampled_from([None, None, None, "future", "soon", "=TODAY()"]))
    def staff_marks_a_plan_done(self, data, days_ago, form, outcome, bad):
        ref = data.draw(st.sampled_from(self.plans_to_mark()), label="plan")
        view = self.plans_view()
        number = view.first[ref]
        day = clock.today() - dt.timedelta(days=days_ago)
        text = day.isoformat() if form == "iso" else f"{day.year}年{day.month}月{day.day}日"
        if bad == "future":
            text = (clock.today() + dt.timedelta(days=3)).isoformat()
        elif bad:
            text = bad
        self.w.type(number, view.column("Done on"), text, tab=PLANS_TAB)
        self.w.type(number, view.column("Outcome"), outcome, tab=PLANS_TAB)
        expected = self.done.setdefault(ref, {"count": self.plan_touches(ref)})
        if bad:
            expected["bad"] = (shown(self.plans_view().cell(number, "Done on")), self.started)
        else:
            expected.pop("bad", None)
            expected["count"] += 1
            expected["pending"] = (day, outcome, self.started)
        _stats()["staff Done on entries" + (" (refused)" if bad else "")] += 1

    def plan_touches(self, ref: str) -> int:
        return Interaction.select().join(CarePlan).where(CarePlan.ref == ref).count()

    # -- checks the machine's cycle calls --------------------------------------------------

    def after_every_cycle(self) -> None:
        """Killed or not: no completion logged twice, no ticket number given to two tickets."""
        for ref, expected in self.done.items():
            touches = self.plan_touches(ref)
            assert touches <= expected["count"], (
                f"{ref}: {touches} interactions for {expected['count']} completions typed (applied twice)")
        for ticket in Ticket.select(Ticket.id, Ticket.ref, Ticket.title):
            known = self.ticket_ids.setdefault(ticket.ref, ticket.id)
            assert known == ticket.id, f"ticket number {ticket.ref} given to two tickets"
            title = self.sheet_numbers.get(ticket.ref)
            if title is not None and ticket.id not in self._vouched:
                assert title == ticket.title, (
                    f"{ticket.ref} was on the sheet's row {title!r} but became the ticket {ticket.title!r}")
            self._vouched.add(ticket.id)
        plans = self.plans_view()
        for ref, expected in self.done.items():
            pending, number = expected.get("pending"), plans.first.get(ref)
            if pending is None or number is None or expected.get("cleared") == pending:
                continue
            if not shown(plans.cell(number, "Done on")).strip() and self.plan_touches(ref) == expected["count"]:
                # The write that clears the cells says what was done (a one-off note: a later
                # change to the row replaces it).
                assert f"done on {pending[0].isoformat()}" in plans.status(number), (
                    f"{ref}: Done on cleared, status {plans.status(number)!r}")
                expected["cleared"] = pending
        view = self.tickets_view()
        for ref, number in view.first.items():
            self.sheet_numbers.setdefault(ref, shown(view.cell(number, "Title")))
        counter = max((c.last for c in TicketCounter.select()), default=0)
        numbers = [int(r.rsplit("-", 1)[1]) for r in self.ticket_ids]
        assert all(n <= counter for n in numbers), f"ticket counter {counter} is behind {max(numbers)}"

    @property
    def _vouched(self) -> set[int]:
        return self.__dict__.setdefault("_vouched_ids", set())

    def after_a_clean_cycle(self, covered: int) -> None:
        self.tickets_match(covered)
        self.no_ticket_edit_lost(covered)
        self.completions_applied_once(covered)

    def tickets_match(self, covered: int) -> None:
        view = self.tickets_view()
        tickets = list(Ticket.select())
        for title, (customer, epoch) in list(self.new_tickets.items()):
            if epoch >= covered:
                continue
            made = [t for t in tickets if t.title == title]
            assert len(made) <= 1, f"the ticket row {title!r} became {len(made)} tickets"
            if not Customer.get(Customer.ref == customer).archived:
                assert len(made) == 1, f"the ticket row {title!r} became no ticket"
            if made:
                assert made[0].ref in view.first, f"the ticket row {title!r} lost its number {made[0].ref}"
                assert made[0].customer.ref == customer
            del self.new_tickets[title]
        by_ref = {t.ref: t for t in tickets}
        for ref, (epoch, agreed) in list(self.tickets_deleted.items()):
            if epoch < covered:
                back = not agreed and ref in view.first
                assert by_ref[ref].archived or back, f"ticket {ref}'s row was deleted but it is not archived"
                del self.tickets_deleted[ref]
        for ticket in tickets:
            if not ticket.archived and not ticket.customer.archived:
                assert ticket.ref in view.first, f"working ticket {ticket.ref} has no row"

    def no_ticket_edit_lost(self, covered: int) -> None:
        view = self.tickets_view()
        tickets = {t.ref: t for t in Ticket.select()}
        for (ref, name), (edit, typed) in self.ticket_latest.items():
            if edit.epoch >= covered or ref not in tickets:
                continue
            if edit.value is not INVALID and text_of(getattr(tickets[ref], name)) == edit.value:
                continue
            if edit.value is not INVALID and Conflict.select().where(
                    Conflict.table == "ticket", Conflict.ref == ref, Conflict.field == name,
                    (Conflict.sheet_value == edit.value) | (Conflict.database_value == edit.value)).exists():
                continue
            number = view.first.get(ref)
            refused = edit.side == "sheet" and number is not None and \
                shown(view.cell(number, TICKET_HEADERS[name])) == typed and not _rows_ok(view.status(number))
            assert refused, (f"lost ticket edit: {edit.side} set {ref}.{name} to {typed[:60]!r}; the database "
                             f"holds {text_of(getattr(tickets[ref], name))[:60]!r}, no conflict, row status "
                             f"{view.status(number) if number else 'no row'!r}")

    def completions_applied_once(self, covered: int) -> None:
        view = self.plans_view()
        for ref, expected in list(self.done.items()):
            plan = CarePlan.get(CarePlan.ref == ref)
            number = view.first.get(ref)
            bad = expected.get("bad")
            if bad and bad[1] < covered and plan.status == "active" and not plan.archived \
                    and not plan.customer.archived:
                assert number is not None and shown(view.cell(number, "Done on")) == bad[0], (
                    f"{ref}: the refused Done on {bad[0]!r} left its cell")
                assert not _rows_ok(view.status(number)), f"{ref}: refused Done on, status {view.status(number)!r}"
            pending = expected.get("pending")
            if pending is None or pending[2] >= covered:
                continue
            day, outcome, _ = pending
            touches = self.plan_touches(ref)
            if plan.archived or plan.customer.archived or plan.status != "active" and touches < expected["count"]:
                self.given_up.add(ref)  # retired before the cycle took it: refused, not followed further
                del self.done[ref]
                continue
            assert touches == expected["count"], f"{ref}: {touches} interactions, {expected['count']} completions typed"
            last = Interaction.select().join(CarePlan).where(CarePlan.ref == ref) \
                .order_by(Interaction.id.desc()).get()
            assert last.summary == (outcome or plan.title), f"{ref}: logged {last.summary!r}"
            assert plan.last_done == day, f"{ref}: last done {plan.last_done}, typed {day}"
            assert plan.next_due == day + dt.timedelta(days=plan.interval_days), (
                f"{ref}: next due {plan.next_due} is not {day} + {plan.interval_days} days")
            assert number is not None, f"{ref}: the plan's row left the sheet"
            cells = (shown(view.cell(number, "Done on")), shown(view.cell(number, "Outcome")))
            assert cells == ("", ""), f"{ref}: Done on / Outcome not cleared: {cells}"
            del expected["pending"]
            expected.pop("cleared", None)
            if plan.status != "active":
                self.given_up.add(ref)  # a one-off touch closed it
                del self.done[ref]
