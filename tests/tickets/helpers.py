"""Test data for tickets: plain factory functions, and a clock the tests move by hand."""
from __future__ import annotations

import datetime as dt

from backoffice.models import Ticket

# 2026-03-10 09:00 in Shanghai: a weekday morning, far from any month's edge.
NOON = dt.datetime(2026, 3, 10, 1, 0)


class Clock:
    """`app.config["CLOCK"]`, moved forward by the test."""

    def __init__(self, at: dt.datetime = NOON) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta) -> None:
        self.at += dt.timedelta(**delta)


def make_ticket(customer, **overrides) -> Ticket:
    values = {"customer": customer, "title": "The pump leaks", "category": "product quality",
              "priority": "normal"}
    values.update(overrides)
    ticket = Ticket(**values)
    ticket.save()
    return ticket
