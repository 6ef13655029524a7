"""What one person's daily digest says: their own book's plans, greetings, checks and tickets."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..care import today as work
from . import tickets

SHOWN = 20  # lines per section; the digest links to the Today page for the rest


@dataclass(frozen=True)
class OwnBook:
    """The person as the Today queries scope them: their own customers, whatever their role."""
    id: int
    sees_all_customers: bool = False


@dataclass
class Digest:
    day: dt.date
    tomorrow: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    overdue_count: int = 0
    greetings: list = field(default_factory=list)
    reverify: list = field(default_factory=list)
    reverify_count: int = 0
    complaints: list = field(default_factory=list)
    tickets: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.tomorrow or self.overdue or self.greetings or self.reverify
                    or self.complaints or self.tickets)

    @property
    def counts(self) -> dict[str, int]:
        return {"tomorrow": len(self.tomorrow), "overdue": self.overdue_count,
                "greetings": len(self.greetings), "reverify": self.reverify_count,
                "complaints": len(self.complaints), "tickets": len(self.tickets)}


def build(user, settings: dict, today: dt.date, now: dt.datetime) -> Digest:
    """The digest of `today` (the office's day) for `user`."""
    book = OwnBook(user.id)
    plans = work.plans_due(book, today, limit=SHOWN)
    overdue_count = work._plans(book).where(work.CarePlan.next_due < today).count() if plans["overdue"] else 0
    count, reverify = work.due_for_reverification(book, today, settings["care"]["reverify_days"], limit=SHOWN)
    return Digest(
        day=today, tomorrow=plans["tomorrow"], overdue=plans["overdue"], overdue_count=overdue_count,
        greetings=work.greetings(book, today, days=7, limit=SHOWN),
        reverify=reverify, reverify_count=count,
        complaints=work.unanswered_complaints(book, now, limit=SHOWN),
        tickets=tickets.for_person(user, now)[:SHOWN])
