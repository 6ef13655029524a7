"""Service tickets in the review: opened, closed, answered and solved in time, satisfaction,
and tickets by region × category. Tickets keep their own times, so these stay put by nature."""
from __future__ import annotations

from collections import defaultdict

from peewee import Case, fn

from .. import clock
from ..i18n import _
from ..models import Customer
from .customers import month_of
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


def monthly(slice_: Slice, months: list[str]) -> dict[str, dict]:
    """{month: headline numbers} for tickets; empty when the product has no tickets.

    As the tickets' own figures count them: opened and closed by their months, answered in
    time by the month of the first response, resolved in time (问题解决及时率) and satisfaction
    by the month of the resolution. One pass over the tickets touched since the first month,
    grouped by their four months (few groups: a ticket's times lie close together)."""
    ticket = _model()
    if ticket is None:
        return {}
    start = clock.day_start(first_day(months[0]))
    columns = (month_of(ticket.opened_at), month_of(ticket.first_response_at), month_of(ticket.resolved_at),
               month_of(ticket.closed_at), _in_time(ticket.first_response_at, ticket.response_due),
               _in_time(ticket.resolved_at, ticket.resolution_due), ticket.satisfaction)
    query = ticket.select(*columns, fn.COUNT(ticket.id)).where(
        ~ticket.archived, (ticket.opened_at >= start) | (ticket.first_response_at >= start)
        | (ticket.resolved_at >= start) | (ticket.closed_at >= start))
    if slice_ != Slice():  # the customer is read only to narrow by it
        query = slice_.customers(query.join(Customer))
    found = {m: defaultdict(int) for m in months}
    for opened, responded, resolved, closed, answered, solved, score, n in query.group_by(*columns).tuples():
        for month, key in ((opened, "opened"), (responded, "responded"), (resolved, "resolved"),
                           (closed, "closed")):
            if month in found:
                found[month][key] += n
        if responded in found:
            found[responded]["answered"] += answered * n
        if resolved in found:
            found[resolved]["solved"] += solved * n
            if score is not None:
                found[resolved]["scored"] += n
                found[resolved]["score"] += score * n
    return {m: {"tickets_opened": f["opened"], "tickets_closed": f["closed"],
                "responded_in_time": f["answered"] / f["responded"] if f["responded"] else None,
                "resolved_in_time": f["solved"] / f["resolved"] if f["resolved"] else None,
                "satisfaction": round(f["score"] / f["scored"], 2) if f["scored"] else None}
            for m, f in found.items()}


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
    for region, category, n in slice_.customers(query).group_by(Customer.region, ticket.category).tuples():
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
