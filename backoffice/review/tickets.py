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
    return fn.SUM(Case(None, [((done.is_null(False)) & (due.is_null(False)) & (done <= due), 1)], 0))


def _per_month(slice_: Slice, ticket, column, start, *extra) -> dict[str, tuple]:
    month = month_of(column)
    query = (ticket.select(month, fn.COUNT(ticket.id), *extra).join(Customer)
             .where(column >= start, ~ticket.archived))
    return {m: rest for m, *rest in slice_.customers(query).group_by(month).tuples()}


def monthly(slice_: Slice, months: list[str]) -> dict[str, dict]:
    """{month: headline numbers} for tickets; empty when the product has no tickets."""
    ticket = _model()
    if ticket is None:
        return {}
    start = clock.day_start(first_day(months[0]))
    # As the tickets' own figures count them: answered in time by the month of the first
    # response, resolved in time (问题解决及时率) and satisfaction by the month of the resolution.
    opened = _per_month(slice_, ticket, ticket.opened_at, start)
    responded = _per_month(slice_, ticket, ticket.first_response_at, start,
                           _in_time(ticket.first_response_at, ticket.response_due))
    resolved = _per_month(slice_, ticket, ticket.resolved_at, start,
                          _in_time(ticket.resolved_at, ticket.resolution_due),
                          fn.AVG(ticket.satisfaction))
    closed = _per_month(slice_, ticket, ticket.closed_at, start)
    result = {}
    for m in months:
        n_responded, answered = responded.get(m, (0, 0))
        n_resolved, solved, satisfaction = resolved.get(m, (0, 0, None))
        result[m] = {"tickets_opened": opened.get(m, (0,))[0], "tickets_closed": closed.get(m, (0,))[0],
                     "responded_in_time": answered / n_responded if n_responded else None,
                     "resolved_in_time": solved / n_resolved if n_resolved else None,
                     "satisfaction": round(float(satisfaction), 2) if satisfaction is not None else None}
    return result


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
