"""SLA badges: whether a ticket is on time, due soon or late, in Python and as SQL conditions."""
from __future__ import annotations

import datetime as dt

from .. import rules
from ..models import Ticket

DUE_SOON = dt.timedelta(hours=4)  # a deadline this close is shown amber, and listed on Today
STATES = ("on time", "due soon", "late")


def deadline(ticket: Ticket) -> dt.datetime | None:
    """The next deadline of an open ticket: its first response until it is answered, and its
    resolution (the earlier of the two if the response is still owed)."""
    if not ticket.is_open:
        return None
    pending = [ticket.resolution_due]
    if ticket.first_response_at is None:
        pending.append(ticket.response_due)
    pending = [d for d in pending if d is not None]
    return min(pending) if pending else None


def state(ticket: Ticket, now: dt.datetime) -> str:
    """on time, due soon or late; a resolved ticket is late if it was resolved after its deadline."""
    if not ticket.is_open:
        done = ticket.resolved_at
        return "late" if done and ticket.resolution_due and done > ticket.resolution_due else "on time"
    due = deadline(ticket)
    if due is None:
        return "on time"
    if now > due:
        return "late"
    return "due soon" if due - now <= DUE_SOON else "on time"


def _open():
    return Ticket.status.in_(rules.OPEN_TICKET_STATUSES)


def _pending_before(moment: dt.datetime):
    """An open ticket whose pending deadline falls before `moment`."""
    return _open() & ((Ticket.first_response_at.is_null() & (Ticket.response_due < moment))
                      | (Ticket.resolution_due < moment))


def condition(name: str, now: dt.datetime):
    """The SQL condition of one state, agreeing with `state` row for row."""
    resolved_late = (Ticket.status.in_(rules.DONE_TICKET_STATUSES) & Ticket.resolved_at.is_null(False)
                     & (Ticket.resolution_due < Ticket.resolved_at))
    late = _pending_before(now) | resolved_late
    soon = _pending_before(now + DUE_SOON + dt.timedelta(microseconds=1))
    if name == "late":
        return late
    if name == "due soon":
        return soon & ~_pending_before(now)
    return ~soon & ~resolved_late


def needs_attention(now: dt.datetime):
    """Open tickets due soon or late: what Today lists."""
    return _pending_before(now + DUE_SOON + dt.timedelta(microseconds=1))
