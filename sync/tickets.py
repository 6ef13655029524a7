"""The Tickets tab's record rules: which typed cell to refuse when a ticket would not be whole.

A cell is checked on its own by the rules (sync/columns.make_cleaner); a ticket is also checked
as a whole (rules.ticket_record_problems): its status moves as the panel's buttons move it, a
resolved ticket says how, a score waits for the resolution. The merge asks `refusals` which of
the sheet's cells to refuse so that what it saves is a ticket the panel could have saved.
"""
from __future__ import annotations

from backoffice import rules
from backoffice.i18n import _

from .columns import TICKETS


def refusals(database: dict[str, str] | None, merged: dict[str, str]) -> dict[str, str]:
    """{field: why} for the cells to refuse; `database` is None for a new row.

    A status the flow does not allow, or one the rest of the row does not support (resolved
    without a resolution), is what is refused: the ticket keeps its status. Then any other cell
    the sheet changed that still breaks a rule (a score on an open ticket) is refused. What the
    panel itself saved is never blamed on the sheet.
    """
    before = database or {name: TICKETS.create_defaults.get(name, "") for name in merged}
    values = dict(merged)
    refused: dict[str, str] = {}
    problems = rules.ticket_record_problems(database.get("status") if database else None, values)
    if problems and values.get("status") != before.get("status"):
        moved = [_("status") + ": " + problems.pop("status")] if "status" in problems else []
        refused["status"] = "; ".join([*moved, *problems.values()])
        values["status"] = before.get("status", "")
        problems = rules.ticket_record_problems(None, values)
    for name, why in problems.items():
        if name != "status" and values.get(name, "") != before.get(name, ""):
            refused[name] = why
    return refused


def derive(customers: dict[str, str]):
    """The ticket's worked-out cells: its customer's name beside the id, and a new ticket given
    someone to handle it is assigned (as in the panel)."""
    def derived(values: dict[str, str], changed: set[str]) -> dict[str, str]:
        return {"customer_name": customers.get(values.get("customer_ref", ""), values.get("customer_name", "")),
                "status": rules.ticket_status_for(values.get("status", ""), bool(values.get("assignee")))}
    return derived
