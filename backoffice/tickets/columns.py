"""The columns the tickets list downloads, and which of them an upload may fill."""
from __future__ import annotations

from .. import schema
from ..csvio.columns import Column
from ..models import Customer, Ticket, User

# The joined assignee: the tickets list joins through this same alias.
ASSIGNEE = User.alias("ticket_assignee")

# Fields a ticket's list reads through a join: its customer's name and ID, its assignee's login.
JOINED = {"customer": Customer.name, "customer_ref": Customer.ref, "assignee": ASSIGNEE.email}
HEADERS = {"ref": "number"}  # the download calls a ticket's ref its number
# Department names are typed by admins: written as text, made safe like any other typed text.
# A ticket download shows the stored keys (no domain), as an upload reads them back.
KINDS = {"department": "text"}


def _column(name: str) -> Column:
    declared = schema.TICKETS[name]
    return Column(HEADERS.get(name, name), JOINED.get(name) or getattr(Ticket, name),
                  KINDS.get(name, declared.export_kind))


TICKETS = [_column(name) for name in schema.TICKETS.exported]

# What an upload may say: the rest is worked out (number, deadlines, times) or read past.
IMPORTABLE = schema.TICKETS.names(importable=True)
