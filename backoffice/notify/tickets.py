"""Service tickets as the notifications read them: late ones (alerts) and those due soon (digests).

Kept apart so the rest of the package does not depend on the ticket model's details; without
the model (an older schema) there are simply no ticket lines.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DUE_SOON = dt.timedelta(hours=24)


@dataclass
class TicketLine:
    ticket: object
    due: dt.datetime  # the deadline in question (response or resolution), stored UTC
    what: str  # response | resolution
    late: bool


def _model():
    try:
        from ..models import Ticket
    except ImportError:
        return None
    return Ticket


def _lines(query, now: dt.datetime, until: dt.datetime) -> list[TicketLine]:
    found = []
    for ticket in query:
        if ticket.first_response_at is None and ticket.response_due and ticket.response_due <= until:
            found.append(TicketLine(ticket, ticket.response_due, "response", ticket.response_due <= now))
        elif ticket.resolved_at is None and ticket.resolution_due and ticket.resolution_due <= until:
            found.append(TicketLine(ticket, ticket.resolution_due, "resolution", ticket.resolution_due <= now))
    return sorted(found, key=lambda line: (line.due, line.ticket.id))


def late(now: dt.datetime, since: dt.datetime) -> list[TicketLine]:
    """Open tickets whose response or resolution deadline passed between `since` and now."""
    Ticket = _model()
    if Ticket is None:
        return []
    query = Ticket.open().where(
        (Ticket.first_response_at.is_null() & (Ticket.response_due > since) & (Ticket.response_due <= now)) |
         (Ticket.resolved_at.is_null() & (Ticket.resolution_due > since) & (Ticket.resolution_due <= now)))
    return [line for line in _lines(query, now, now) if line.late]


def for_person(user, now: dt.datetime) -> list[TicketLine]:
    """The person's open tickets (assigned to them) that are late or due within a day."""
    Ticket = _model()
    if Ticket is None:
        return []
    query = Ticket.open().where(Ticket.assignee == user.id)
    return _lines(query, now, now + DUE_SOON)
