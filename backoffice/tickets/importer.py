"""Tickets from a CSV file: every row checked by the ticket rules first, then all saved or none.

The file has the download's headers; the number, deadlines and times are worked out, so those
columns are read past. A row names its customer by `customer_ref` (or an exact, unique name).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from .. import actors, clock, rules
from ..csvio.reading import BadFile, decode
from ..db import db
from ..models import Customer, User, rules_context
from .columns import IMPORTABLE, TICKETS
from .flow import open_ticket

KNOWN = {c.header for c in TICKETS}


@dataclass
class Checked:
    good: list[tuple[int, dict]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def _opened_at(text: str | None) -> dt.datetime | None:
    """An office-time 'YYYY-MM-DD HH:MM[:SS]' or a date, as stored; None when blank."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise rules.RuleError(f'opened at: "{text[:40]}" is not a time; write it as YYYY-MM-DD HH:MM') from None
    return clock.to_stored(moment)


def _customer(row: dict, visible) -> Customer:
    ref, name = (row.get("customer_ref") or "").strip(), (row.get("customer") or "").strip()
    if ref:
        found = visible.where(Customer.ref == ref).first()
        if found is None:
            raise rules.RuleError(f'customer_ref: "{ref[:40]}" is not one of your customers')
        return found
    matches = list(visible.where(Customer.name == name).limit(2)) if name else []
    if len(matches) != 1:
        raise rules.RuleError("customer_ref: is required - give the customer's ID (or their exact name)")
    return matches[0]


def check(text: str, user, region: str = "CN") -> Checked:
    """Validate every row with the same rules as the form and the sheet. Raises BadFile."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in headers if h and h not in KNOWN]
    if unknown:
        raise BadFile(f"Unknown column(s): {', '.join(unknown)}. Use the headers of the download.")
    if "title" not in headers:
        raise BadFile("Missing column: title. Use the headers of the download.")
    ticket_rules = rules.ticket_rules(rules_context(region))
    visible = Customer.in_book_of(user).where(~Customer.archived)
    result = Checked()
    for row in reader:
        row = {(k or "").strip(): v for k, v in row.items() if (k or "").strip() in IMPORTABLE}
        if not any((v or "").strip() for v in row.values()):
            continue
        line = reader.line_num
        data = {k: v for k, v in row.items() if k in ticket_rules}
        for key, default in (("category", "other"), ("priority", "normal")):
            if not (data.get(key) or "").strip():
                data[key] = default
        data["status"] = "new"
        values, errors = rules.check(ticket_rules, data)
        problems = list(errors.values())
        try:
            values["customer"] = _customer(row, visible)
        except rules.RuleError as exc:
            problems.append(str(exc))
        try:
            values["opened_at"] = _opened_at(row.get("opened_at"))
        except rules.RuleError as exc:
            problems.append(str(exc))
        if problems:
            result.problems.append((line, "; ".join(problems)))
        else:
            result.good.append((line, values))
    if not result.good and not result.problems:
        raise BadFile("The file has a header but no ticket rows.")
    return result


def import_rows(checked: Checked, user) -> list[str]:
    """Open a ticket per good row in one transaction, as an import by `user`; their numbers."""
    logins = {u.email: u for u in User.select().where(User.active)}
    numbers = []
    with actors.acting_as(actors.import_actor(user)), db.atomic():
        for _line, v in checked.good:
            ticket = open_ticket(v["customer"], title=v["title"], description=v.get("description"),
                                 category=v["category"], priority=v["priority"],
                                 department=v.get("department"), channel=v.get("channel"),
                                 assignee=logins.get(v.get("assignee")), opened_at=v.get("opened_at"))
            numbers.append(ticket.ref)
    return numbers


def read(data: bytes) -> str:
    return decode(data)
