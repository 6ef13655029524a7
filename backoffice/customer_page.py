"""A customer's page in readable words: the header's facts and one timeline of interactions,
tickets and changes (one entry per save, names instead of ids)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .display import MONEY_FIELDS
from .i18n import _, current_locale
from .models import CarePlan, Change, Industry, Interaction, Ticket, User

HIDDEN = {"archived_at", "tier_override_reason"}  # said by the entry itself, or beside the tier


@dataclass
class Entry:
    at: dt.datetime
    kind: str  # interaction | ticket | change
    who: str
    title: str
    lines: list[str] = field(default_factory=list)
    link: str | None = None
    interaction_id: int | None = None  # a complaint, which can open a ticket


def money(value) -> str:
    """¥1,200,000.00"""
    try:
        return f"¥{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value or "")


def due_badge(plan: CarePlan, today: dt.date) -> tuple[str, str]:
    """(badge colour, words) for a plan's next due day."""
    if plan.status != "active":
        return "secondary", _(plan.status)
    days = (plan.next_due - today).days
    if days < 0:
        return "danger", _("overdue by %(n)s day(s)", n=-days)
    if days == 0:
        return "warning", _("due today")
    if days <= 7:
        return "info", _("due in %(n)s day(s)", n=days)
    return "light", _("due %(day)s", day=plan.next_due.isoformat())


def last_contact(customer) -> dt.datetime | None:
    row = (Interaction.select(Interaction.at).where(Interaction.customer == customer.id)
           .order_by(Interaction.at.desc()).first())
    return row.at if row else None


def _names(changes: list[Change]) -> dict[tuple[str, str], str]:
    """Readable names for the ids a history row holds (owners, industries)."""
    wanted = {"owner": set(), "industry": set()}
    for c in changes:
        if c.field in wanted:
            wanted[c.field].update(v for v in (c.old, c.new) if v and v.isdigit())
    names = {}
    if wanted["owner"]:
        names.update({("owner", str(u.id)): u.name or u.email
                      for u in User.select().where(User.id.in_([int(i) for i in wanted["owner"]]))})
    if wanted["industry"]:
        names.update({("industry", str(i.id)): i.name
                      for i in Industry.select().where(Industry.id.in_([int(i) for i in wanted["industry"]]))})
    return names


def _value(name: str, value: str | None, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if (name, value) in names:
        return names[(name, value)]
    if name in MONEY_FIELDS:
        return money(value)
    from .admin.labels import ENUM_COLUMNS, shown
    if name in ENUM_COLUMNS:
        return shown(ENUM_COLUMNS[name], value)
    return value


def _label(name: str) -> str:
    from .admin.labels import FIELD_LABELS
    english = name.replace("_", " ")
    said = _(english)
    # a field the rules do not name (tier, closeness …) reads as the panel's column heading
    untranslated = said == english and current_locale() != "en"
    return str(FIELD_LABELS[name]) if untranslated and name in FIELD_LABELS else said


def _who(actor_label: str) -> str:
    from .admin.labels import kept_word
    return kept_word(actor_label)


def _saves(changes: list[Change], names: dict) -> list[Entry]:
    """History rows grouped per save (same moment, same actor): one entry each."""
    groups: dict[tuple, list[Change]] = {}
    for c in changes:
        groups.setdefault((c.at, _who(c.actor_label), c.action if c.action == "create" else "edit"), []).append(c)
    entries = []
    for (at, who, action), rows in groups.items():
        rows = [r for r in rows if r.field not in HIDDEN]
        if action == "create":
            entries.append(Entry(at, "change", who, _("Record created"),
                                 [f"{_label(r.field)}: {_value(r.field, r.new, names)}" for r in rows
                                  if r.field in ("name", "stage", "owner", "tier")]))
            continue
        lines = []
        for r in rows:
            if r.action in ("archive", "restore"):
                lines.append(_("archived") if r.action == "archive" else _("restored from the archive"))
            else:
                lines.append(f"{_label(r.field)}: {_value(r.field, r.old, names)} → {_value(r.field, r.new, names)}")
        if lines:
            entries.append(Entry(at, "change", who, _("Changed"), lines))
    return entries


def timeline(customer, limit: int = 100) -> list[Entry]:
    """Interactions, tickets and saves of one customer, newest first."""
    entries = []
    people = {u.id: u.name or u.email for u in User.select(User.id, User.name, User.email)}
    for i in (Interaction.select().where(Interaction.customer == customer.id)
              .order_by(Interaction.at.desc()).limit(limit)):
        lines = [t for t in (i.feedback and f"{_('Customer feedback')}: {i.feedback}",
                             i.next_action and f"{_('Next action')}: {i.next_action}") if t]
        entry = Entry(i.at, "interaction", people.get(i.user_id, ""), f"{_(i.channel)} · {i.summary}", lines)
        if i.sentiment == "negative":
            entry.kind = "complaint"
            entry.interaction_id = i.id
        entries.append(entry)
    # Whoever may open the customer's page sees its tickets: it is their customer, or they see all.
    for t in Ticket.select().where(Ticket.customer == customer.id).order_by(Ticket.opened_at.desc()).limit(limit):
        entries.append(Entry(t.opened_at, "ticket", "", f"{t.ref} {t.title}",
                             [f"{_('status')}: {_(t.status)}"]
                             + ([f"{_('Resolution')}: {t.resolution}"] if t.resolution else []),
                             link=str(t.id)))
    changes = list(Change.of(customer).limit(limit * 5))
    entries += _saves(changes, _names(changes))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]

