"""Service tickets in the review: opened, closed, answered and solved in time, satisfaction,
and tickets by region × category. Tickets keep their own times, so these stay put by nature."""
from __future__ import annotations

from collections import defaultdict

from peewee import SQL, Case, Value, ValuesList, fn

from .. import clock
from ..i18n import _
from ..models import Customer
from .slices import Slice, first_day, next_month

HEADLINES = {
    "tickets_opened": lambda: _("Tickets opened"),
    "tickets_closed": lambda: _("Tickets closed"),
    "responded_in_time": lambda: _("Responded in time"),
    "resolved_in_time": lambda: _("Resolved in time"),
    "satisfaction": lambda: _("Average satisfaction (1-5)"),
}
FORMATS = {"responded_in_time": "percent", "resolved_in_time": "percent", "satisfaction": "number"}


def _model():
    try:
        from ..models import Ticket
    except ImportError:  # a database from before tickets: the review shows none
        return None
    return Ticket


def _in_time(done, due):
    return Case(None, [((done.is_null(False)) & (due.is_null(False)) & (done <= due), 1)], 0)


def _months(months: list[str]):
    """The months as a table (month, low, high) of their stored instants, for a range join."""
    rows = [(m, clock.day_start(first_day(m)), clock.day_start(first_day(next_month(m)))) for m in months]
    return ValuesList(rows).cte("review_months", columns=("month", "low", "high"))


def _part(ticket, table, kind: str, column, *values):
    """Tickets whose `column` falls in each month: (kind, month, tickets, *values, NULL ...)."""
    values = (*values, *(SQL("NULL") for _ in range(3 - len(values))))
    return (ticket.select(Value(kind), table.c.month, fn.COUNT(SQL("*")), *values)
            .join(table, on=((column >= table.c.low) & (column < table.c.high)))
            .where(~ticket.archived).group_by(table.c.month))


def monthly(slice_: Slice, months: list[str]) -> dict[str, dict]:
    """{month: headline numbers} for tickets; empty when the product has no tickets.

    As the tickets' own figures count them: opened and closed by their months, answered in
    time by the month of the first response, resolved in time (问题解决及时率) and satisfaction
    by the month of the resolution. An owner's or a team's tickets include those assigned to them.

    One statement of four counts, each reading month by month the range of an index on one of
    the ticket's times that holds what is counted and the ticket's customer and assignee: no
    row is read and no date converted per ticket."""
    ticket = _model()
    if ticket is None:
        return {}
    table = _months(months)
    # The widest first: PostgreSQL types a UNION's columns from its first part.
    parts = [_part(ticket, table, "resolved", ticket.resolved_at,
                   fn.SUM(_in_time(ticket.resolved_at, ticket.resolution_due)),
                   fn.COUNT(ticket.satisfaction), fn.SUM(ticket.satisfaction)),
             _part(ticket, table, "responded", ticket.first_response_at,
                   fn.SUM(_in_time(ticket.first_response_at, ticket.response_due))),
             _part(ticket, table, "opened", ticket.opened_at), _part(ticket, table, "closed", ticket.closed_at)]
    narrowed = [slice_.tickets(part, ticket) for part in parts]
    query = narrowed[0][0]
    for part, _ctes in narrowed[1:]:
        query = query + part  # UNION ALL
    counts = {(kind, month): rest for kind, month, *rest in query.with_cte(table, *narrowed[0][1]).tuples()}
    found = {}
    for m in months:
        opened, closed = counts.get(("opened", m), (0,))[0], counts.get(("closed", m), (0,))[0]
        responded, in_time, *_ = counts.get(("responded", m), (0, 0))
        solved, solved_in_time, scored, score = counts.get(("resolved", m), (0, 0, 0, 0))
        found[m] = {"tickets_opened": opened, "tickets_closed": closed,
                    "responded_in_time": int(in_time or 0) / responded if responded else None,
                    "resolved_in_time": int(solved_in_time or 0) / solved if solved else None,
                    "satisfaction": round(float(score) / int(scored), 2) if scored else None}
    return found


def figures(slice_: Slice, month: str, months: list[str], numbers: dict) -> dict[str, dict]:
    ticket = _model()
    if ticket is None or not numbers:
        return {}
    from .figures import NOT_SET, _bar, word
    series = {"opened": [numbers[m]["tickets_opened"] for m in months],
              "closed": [numbers[m]["tickets_closed"] for m in months]}
    result = {"tickets": _bar(_("Tickets opened and closed per month"), _("Month"), months, months, series,
                              {"opened": _("Opened"), "closed": _("Closed")}, kind="line")}
    query = (ticket.select(Customer.region, ticket.category, fn.COUNT(ticket.id)).join(Customer)
             .where(ticket.opened_at >= clock.day_start(first_day(month)),
                    ticket.opened_at < clock.day_start(first_day(next_month(month))), ~ticket.archived))
    cells, regions, categories = defaultdict(int), set(), set()
    query, ctes = slice_.tickets(query, ticket)
    for region, category, n in query.group_by(Customer.region, ticket.category).with_cte(*ctes).tuples():
        cells[(region, category)] += n
        regions.add(region)
        categories.add(category)
    order = _category_order()
    cats = sorted(categories, key=lambda c: (order.get(c, len(order)), c))
    keys = sorted(regions, key=lambda r: (r is None, r or ""))
    result["tickets-by-region-and-category"] = _bar(
        _("Tickets by region and category"), _("Region"), keys, [k or _("not set") for k in keys],
        {c: [cells[(k, c)] for k in keys] for c in cats}, {c: word("ticket_category", c) for c in cats},
        kind="stacked")
    result["tickets-by-region-and-category"]["keys"] = [k if k is not None else NOT_SET for k in keys]
    return result


def _category_order() -> dict[str, int]:
    try:
        from ..models import TicketOption
    except ImportError:
        return {}
    names = TicketOption.names("category")
    return {name: i for i, name in enumerate(names)}
