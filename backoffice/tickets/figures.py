"""Ticket figures for the monthly review, in the dashboard's shape: one GROUP BY query each.

{figure: {title, x, y, labels, series: {name: values}}}, scoped like every figure: a rep's
are their customers' tickets and those assigned to them.
"""
from __future__ import annotations

import datetime as dt

from peewee import SQL, Case, fn

from .. import clock
from ..i18n import _
from ..models import Customer, Ticket
from ..reports import month_of, months_back


def _tickets(user):
    return Ticket.in_book_of(user, Ticket.select().join(Customer).switch(Ticket).where(~Ticket.archived))


def _start(months: list[str]) -> dt.datetime:
    return clock.day_start(dt.date(int(months[0][:4]), int(months[0][5:]), 1))


def _by_month(query, column, months: list[str], *values) -> dict[str, tuple]:
    month = month_of(column)
    rows = query.where(column >= _start(months)).select(month, *values).group_by(month).tuples()
    return {row[0]: row[1:] for row in rows}


def opened_and_closed(user, months: list[str]) -> dict[str, list[int]]:
    opened = _by_month(_tickets(user), Ticket.opened_at, months, fn.COUNT(SQL("*")))
    closed = _by_month(_tickets(user).where(Ticket.closed_at.is_null(False)), Ticket.closed_at, months,
                       fn.COUNT(SQL("*")))
    return {_("opened"): [opened.get(m, (0,))[0] for m in months],
            _("closed"): [closed.get(m, (0,))[0] for m in months]}


def _share(rows: dict[str, tuple], months: list[str]) -> list[float | None]:
    """Percent in time per month (in time, all); None for a month without any."""
    shares = []
    for m in months:
        in_time, total = rows.get(m, (0, 0))
        shares.append(round(100 * int(in_time or 0) / total, 1) if total else None)
    return shares


def in_time(user, months: list[str]) -> dict[str, list[float | None]]:
    """Responded in time (by the month of the first response) and resolved in time, 问题解决及时率
    (by the month of the resolution), in percent."""
    responded = _by_month(_tickets(user).where(Ticket.first_response_at.is_null(False)),
                          Ticket.first_response_at, months,
                          fn.SUM(Case(None, [(Ticket.first_response_at <= Ticket.response_due, 1)], 0)),
                          fn.COUNT(SQL("*")))
    resolved = _by_month(_tickets(user).where(Ticket.resolved_at.is_null(False)), Ticket.resolved_at, months,
                         fn.SUM(Case(None, [(Ticket.resolved_at <= Ticket.resolution_due, 1)], 0)),
                         fn.COUNT(SQL("*")))
    return {_("responded in time %"): _share(responded, months),
            _("resolved in time %"): _share(resolved, months)}


def satisfaction(user, months: list[str]) -> dict[str, list[float | None]]:
    """Average satisfaction of the tickets resolved in each month that the customer scored."""
    rows = _by_month(_tickets(user).where(Ticket.satisfaction.is_null(False), Ticket.resolved_at.is_null(False)),
                     Ticket.resolved_at, months, fn.AVG(Ticket.satisfaction))
    return {_("average satisfaction"): [round(float(rows[m][0]), 2) if m in rows else None for m in months]}


def by_region_and_category(user, months: list[str]) -> tuple[list[str], dict[str, list[int]]]:
    """Tickets opened over the months, per customer region (rows) and category (series)."""
    region = fn.COALESCE(Customer.region, "")
    rows = (_tickets(user).where(Ticket.opened_at >= _start(months))
            .select(region, Ticket.category, fn.COUNT(SQL("*"))).group_by(region, Ticket.category).tuples())
    counts = {(r or _("not set"), c): n for r, c, n in rows}
    regions = sorted({r for r, _c in counts})
    categories = sorted({c for _r, c in counts})
    return regions, {c: [counts.get((r, c), 0) for r in regions] for c in categories}


def by_category(user, months: list[str]) -> dict[str, dict[str, float | int | None]]:
    """Per category: tickets opened, resolved in time %, average satisfaction."""
    done = Ticket.resolved_at.is_null(False)
    rows = (_tickets(user).where(Ticket.opened_at >= _start(months))
            .select(Ticket.category, fn.COUNT(SQL("*")),
                    fn.SUM(Case(None, [(done & (Ticket.resolved_at <= Ticket.resolution_due), 1)], 0)),
                    fn.SUM(Case(None, [(done, 1)], 0)), fn.AVG(Ticket.satisfaction))
            .group_by(Ticket.category).order_by(Ticket.category).tuples())
    return {c: {"opened": n, "in_time": round(100 * int(ok or 0) / int(all_), 1) if all_ else None,
                "satisfaction": round(float(avg), 2) if avg is not None else None}
            for c, n, ok, all_, avg in rows}


def ticket_figures(user, today: dt.date) -> dict[str, dict]:
    """Every ticket chart of the dashboard, for the twelve months up to `today`."""
    months = months_back(today)
    month = _("Month")
    result = {
        "tickets-opened-closed": {"title": _("Tickets opened and closed per month"), "x": month,
                                  "y": _("Tickets"), "labels": months, "series": opened_and_closed(user, months)},
        "tickets-in-time": {"title": _("Tickets answered and resolved in time"), "x": month, "y": "%",
                            "labels": months, "series": in_time(user, months)},
        "tickets-satisfaction": {"title": _("Average customer satisfaction (1-5)"), "x": month,
                                 "y": _("Satisfaction"), "labels": months, "series": satisfaction(user, months)},
    }
    categories = by_category(user, months)
    result["tickets-by-category"] = {
        "title": _("Tickets by category (12 months)"), "x": _("Category"), "y": _("Tickets"),
        "labels": list(categories),
        "series": {_("opened"): [v["opened"] for v in categories.values()],
                   _("resolved in time %"): [v["in_time"] for v in categories.values()],
                   _("average satisfaction"): [v["satisfaction"] for v in categories.values()]}}
    regions, per_category = by_region_and_category(user, months)
    result["tickets-by-region"] = {"title": _("Tickets by region and category (12 months)"), "x": _("Region"),
                                   "y": _("Tickets"), "labels": regions, "series": per_category}
    return result

