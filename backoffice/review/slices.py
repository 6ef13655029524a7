"""Which month and which customers a review is about: the month picker and the filters."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from peewee import SQL, NodeList

from .. import clock
from ..models import Customer, User

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:]), 1)


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year - (number == 1):04d}-{(number - 2) % 12 + 1:02d}"


def last_day(month: str) -> dt.date:
    return first_day(next_month(month)) - dt.timedelta(days=1)


def months_back(month: str | dt.date, count: int = 12) -> list[str]:
    """'YYYY-MM' for the `count` months ending with `month` (a month or any day in it)."""
    found = [month if isinstance(month, str) else month_key(month)]
    while len(found) < count:
        found.append(previous_month(found[-1]))
    return found[::-1]


def chosen_month(text: str | None) -> str:
    """The month asked for, or this month; a future or malformed month reads as this month."""
    current = month_key(clock.today())
    if text and MONTH.match(text) and text <= current and text >= "2000-01":
        return text
    return current


def _number(text) -> int | None:
    return int(text) if text and str(text).isdigit() else None


def _as_is(column):
    """`column` as SQLite will not look it up by an index (a unary plus): the review reads tickets
    month by month from the index of one of their times and checks the slice on the way, where a
    lookup of every customer of the slice per month would cost far more."""
    return NodeList((SQL("+"), column), glue="")


def _among(column, people):
    """`column` is one of `people`: a user's id or a query of ids."""
    return column == people if isinstance(people, int) else column.in_(people)


@dataclasses.dataclass(frozen=True)
class Slice:
    """The filters: each None means every one. A rep's slice is always their own book."""
    owner: int | None = None
    team: str | None = None
    region: str | None = None
    tier: str | None = None
    industry: int | None = None

    @classmethod
    def from_args(cls, args, user) -> Slice:
        text = lambda name: (args.get(name) or "").strip() or None  # noqa: E731
        if not user.sees_all_customers:
            return cls(owner=user.id, region=text("region"), tier=text("tier"),
                       industry=_number(args.get("industry")))
        return cls(owner=_number(args.get("owner")), team=text("team"), region=text("region"),
                   tier=text("tier"), industry=_number(args.get("industry")))

    def args(self) -> dict[str, str]:
        """The filters as URL arguments (empty ones left out)."""
        return {k: str(v) for k, v in dataclasses.asdict(self).items() if v is not None}

    def customers(self, query):
        """`query` (reading Customer) narrowed to the slice, by the customers' current values."""
        if self.owner is not None:
            query = query.where(Customer.owner == self.owner)
        if self.team is not None:
            query = query.where(Customer.owner.in_(User.select(User.id).where(User.team == self.team)))
        if self.region is not None:
            query = query.where(Customer.region == self.region)
        if self.tier is not None:
            query = query.where(Customer.tier == self.tier)
        if self.industry is not None:
            query = query.where(Customer.industry == self.industry)
        return query

    def tickets(self, query, ticket) -> tuple:
        """`query` (reading `ticket`, the Ticket model) narrowed to the slice by conditions on the
        ticket alone, and the table of the slice's customers it reads (attach it with `with_cte`):
        read once per statement, however many counts of a UNION narrow by it. An owner's or a
        team's tickets are their customers' and those assigned to them, as a rep's book
        (`Ticket.in_book_of`) has them; region, tier and industry are the customer's."""
        if self == Slice():
            return query, []
        people = self.owner
        if self.team is not None:
            team = User.select(User.id).where(User.team == self.team)
            people = team if people is None else team.where(User.id == people)
        rest = dataclasses.replace(self, owner=None, team=None)
        # The owner only when it narrows the table: its ids alone come from an index.
        owner = (Customer.owner,) if people is not None and rest != Slice() else ()
        customers = rest.customers(Customer.select(Customer.id, *owner))
        if rest == Slice():
            customers = customers.where(_among(Customer.owner, people))
        within = customers.cte("slice_customers")
        customer, assignee = _as_is(ticket.customer), _as_is(ticket.assignee)
        if people is None:
            return query.where(customer.in_(within.select(within.c.id))), [within]
        if rest == Slice():
            return query.where(customer.in_(within.select(within.c.id)) | _among(assignee, people)), [within]
        owned = within.select(within.c.id).where(_among(within.c.owner_id, people))
        assigned = _among(assignee, people) & customer.in_(within.select(within.c.id))
        return query.where(customer.in_(owned) | assigned), [within]

    def kept(self, query, model):
        """`query` (reading the kept monthly rows of `model`) narrowed to the slice as it was."""
        for name, column in (("owner", model.owner_id), ("team", model.team), ("region", model.region),
                             ("tier", model.tier), ("industry", model.industry_id)):
            value = getattr(self, name)
            if value is not None:
                query = query.where(column == value)
        return query
