"""The columns the tickets list downloads, and which of them an upload may fill."""
from __future__ import annotations

from ..csvio.columns import Column
from ..models import Customer, Ticket, User

# The joined assignee: the tickets list joins through this same alias.
ASSIGNEE = User.alias("ticket_assignee")

TICKETS = [
    Column("number", Ticket.ref), Column("customer", Customer.name), Column("customer_ref", Customer.ref),
    Column("title", Ticket.title), Column("description", Ticket.description),
    Column("category", Ticket.category, "typed"), Column("priority", Ticket.priority, "typed"),
    Column("department", Ticket.department), Column("assignee", ASSIGNEE.email),
    Column("channel", Ticket.channel, "typed"), Column("status", Ticket.status, "typed"),
    Column("opened_at", Ticket.opened_at, "datetime"), Column("response_due", Ticket.response_due, "datetime"),
    Column("first_response_at", Ticket.first_response_at, "datetime"),
    Column("resolution_due", Ticket.resolution_due, "datetime"),
    Column("resolved_at", Ticket.resolved_at, "datetime"), Column("closed_at", Ticket.closed_at, "datetime"),
    Column("resolution", Ticket.resolution), Column("satisfaction", Ticket.satisfaction, "typed"),
]

# What an upload may say: the rest is worked out (number, deadlines, times) or read past.
IMPORTABLE = ("customer_ref", "customer", "title", "description", "category", "priority", "department",
              "assignee", "channel", "opened_at")
