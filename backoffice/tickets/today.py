"""Today's tickets: the open ones whose deadline is near or gone, soonest first."""
from __future__ import annotations

import datetime as dt

from peewee import JOIN, Case

from ..models import Customer, Ticket, User
from . import sla

LIMIT = 50


def _mine(query, user):
    """A rep's: assigned to them, or their customers' that nobody holds yet. Managers and admins
    see every customer's, as their plans lists do."""
    return Ticket.on_desk_of(user, query)


def attention(user, now: dt.datetime, limit: int = LIMIT) -> tuple[int, list[tuple[Ticket, str]]]:
    """(how many, the first `limit` with their badge) of open tickets due soon or late."""
    assignee = User.alias()
    query = _mine(Ticket.select(Ticket, Customer, assignee).join(Customer).switch(Ticket)
                  .join(assignee, JOIN.LEFT_OUTER, on=(Ticket.assignee == assignee.id)).switch(Ticket)
                  .where(~Ticket.archived, sla.needs_attention(now)), user)
    # The earlier of the owed response and the resolution: the deadline the badge speaks of.
    due = Case(None, [(Ticket.first_response_at.is_null() & (Ticket.response_due < Ticket.resolution_due),
                       Ticket.response_due)], Ticket.resolution_due)
    rows = list(query.order_by(due, Ticket.id).limit(limit))
    count = _mine(Ticket.select(Ticket.id).join(Customer).switch(Ticket)
                  .where(~Ticket.archived, sla.needs_attention(now)), user).count()
    return count, [(t, sla.state(t, now)) for t in rows]
