"""What people do with a ticket: open it, assign, respond, resolve, close, reopen, rate it.

Every step saves the ticket, so each lands in the change history under whoever is acting.
`settle` is the one place that keeps a ticket's times in step with its status, whether the
status was moved by a button, typed in the edit form, the sheet or a CSV file.
"""
from __future__ import annotations

import datetime as dt

from .. import clock, rules
from ..db import db
from ..i18n import _
from ..models import Interaction, Ticket, User

RuleError = rules.RuleError


def settle(ticket: Ticket, old_status: str | None, now: dt.datetime | None = None,
           old_terms: tuple | None = None) -> None:
    """Check the move from `old_status` and stamp the times it implies; raises RuleError.

    A new ticket given someone to handle it is assigned. Answering it (in progress) is its
    first response; resolving stamps the resolution and closing the close; reopening clears
    both. Deadlines follow a changed category or priority (`old_terms`), counted from opening.
    """
    ticket.status = rules.ticket_status_for(ticket.status, bool(ticket.assignee_id))
    if old_status is not None:
        rules.ticket_move(old_status, ticket.status)
    stamp(ticket, now, old_terms)
    problems = rules.ticket_record_problems(None, {"status": ticket.status, "resolution": ticket.resolution,
                                                   "satisfaction": ticket.satisfaction,
                                                   "assignee": ticket.assignee_id})
    if problems:
        raise RuleError("; ".join(problems.values()))


def stamp(ticket: Ticket, now: dt.datetime | None = None, old_terms: tuple | None = None) -> None:
    """The times the ticket's status implies, and deadlines that follow a changed category or
    priority: settle's part that the sheet sync also uses, once its rows passed the rules."""
    now = now or clock.now()
    if ticket.status in ("in progress", "resolved") and ticket.first_response_at is None:
        ticket.first_response_at = now
    if ticket.status in rules.DONE_TICKET_STATUSES and ticket.resolved_at is None:
        ticket.resolved_at = now
    if ticket.status == "closed" and ticket.closed_at is None:
        ticket.closed_at = now
    if ticket.status in rules.OPEN_TICKET_STATUSES:
        ticket.resolved_at = ticket.closed_at = None
    if old_terms is not None and old_terms != (ticket.category, ticket.priority):
        ticket.set_deadlines()


def _save(ticket: Ticket, old_status: str | None, before: dict | None = None) -> Ticket:
    """Settle and save; a refused step leaves the ticket as it was before the step (`before`)."""
    try:
        settle(ticket, old_status)
    except RuleError:
        if before is not None:
            ticket.__data__.clear()
            ticket.__data__.update(before)
        raise
    ticket.save()
    return ticket


def open_ticket(customer, *, title: str, description: str | None = None, category: str = "other",
                priority: str = "normal", department: str | None = None, channel: str | None = None,
                assignee: User | None = None, interaction: Interaction | None = None,
                opened_at: dt.datetime | None = None) -> Ticket:
    """A new ticket; an older one (from a file) keeps the deadlines of the moment it came in."""
    ticket = Ticket(customer=customer, title=title, description=description, category=category,
                    priority=priority, department=department, channel=channel,
                    assignee=assignee, interaction=interaction, opened_at=opened_at or clock.now())
    return _save(ticket, None)


def open_from_interaction(interaction: Interaction) -> Ticket:
    """A ticket for a negative interaction, in one click; a second click finds the first ticket."""
    existing = Ticket.get_or_none(Ticket.interaction == interaction.id)
    if existing is not None:
        return existing
    said = (interaction.feedback or interaction.summary or "").strip()
    title = _("Negative feedback: %(what)s", what=said[:80] or _("(no words recorded)"))
    description = "\n\n".join(t for t in (interaction.summary, interaction.feedback) if t)
    owner = interaction.customer.owner
    return open_ticket(interaction.customer, title=title[:200], description=description or None,
                       category="after-sales support", channel=interaction.channel,
                       assignee=owner if owner and owner.active else None, interaction=interaction)


def assign(ticket: Ticket, assignee: User, department: str | None = None) -> bool:
    """Give an open ticket to someone (and a department); False if nothing changed."""
    if not ticket.is_open:
        raise RuleError(_("ticket %(ref)s is %(status)s; reopen it to assign it", ref=ticket.ref,
                          status=ticket.status))
    if ticket.assignee_id == assignee.id and (department is None or department == ticket.department):
        return False
    old, before = ticket.status, dict(ticket.__data__)
    ticket.assignee = assignee
    if department is not None:
        ticket.department = department
    _save(ticket, old, before)
    return True


def respond(ticket: Ticket, user: User, note: str, channel: str | None = None) -> Interaction:
    """Answer the customer: the first answer is the ticket's first response; the words are logged
    as an interaction with the customer."""
    if not ticket.is_open:
        raise RuleError(_("ticket %(ref)s is %(status)s; reopen it to respond", ref=ticket.ref,
                          status=ticket.status))
    note = rules.text(note, max_length=5000)
    if not note:
        raise RuleError(_("say what you told the customer"))
    with db.atomic():
        old, before, ticket.status = ticket.status, dict(ticket.__data__), "in progress"
        _save(ticket, old, before)
        return Interaction.create(customer=ticket.customer_id, channel=channel or ticket.channel or "phone",
                                  user=user.id, summary=f"{ticket.ref}: {note}", at=clock.now())


def resolve(ticket: Ticket, resolution: str) -> Ticket:
    old, before, ticket.status = ticket.status, dict(ticket.__data__), "resolved"
    ticket.resolution = rules.text(resolution, max_length=5000)
    return _save(ticket, old, before)


def close(ticket: Ticket, satisfaction=None) -> Ticket:
    """Close a resolved ticket, with the customer's satisfaction if they gave one."""
    old, before = ticket.status, dict(ticket.__data__)
    score = rules.satisfaction(satisfaction) if satisfaction not in (None, "") else ticket.satisfaction
    ticket.status, ticket.satisfaction = "closed", score
    return _save(ticket, old, before)


def rate(ticket: Ticket, satisfaction) -> Ticket:
    before = dict(ticket.__data__)
    ticket.satisfaction = rules.satisfaction(satisfaction)
    return _save(ticket, ticket.status, before)


def reopen(ticket: Ticket, reason: str | None = None, user: User | None = None) -> Ticket:
    """Back to work; the original deadlines stand, so a late fix still counts as late."""
    with db.atomic():
        old, before, ticket.status = ticket.status, dict(ticket.__data__), "in progress"
        ticket.satisfaction = None  # asked again once it is resolved again
        _save(ticket, old, before)
        reason = rules.text(reason, max_length=5000) if reason else None
        if reason:
            Interaction.create(customer=ticket.customer_id, channel=ticket.channel or "phone",
                               user=getattr(user, "id", None), at=clock.now(),
                               summary=f"{ticket.ref} {_('reopened')}: {reason}")
    return ticket
