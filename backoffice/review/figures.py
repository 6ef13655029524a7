"""The review of one month and slice: headline numbers with the month before, and every figure.

A figure is {title, x, y, kind, keys, labels, series: {key: values}, series_labels}; `keys`
and series keys are stable (tests and CSV columns), `labels` are what people read.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from peewee import fn

from .. import rules
from ..i18n import _, current_locale
from ..models import Industry, ReviewMonth, ReviewSlice, User
from ..words import label
from . import customers, snapshot, tasks, tickets
from .slices import Slice, months_back, previous_month

NOT_SET = "not set"


def word(domain: str, key: str | None) -> str:
    """A stored key in the reader's language (the glossary's words where it has them)."""
    if not key:
        return _("not set")
    return label(domain, key, current_locale())


def _kept_care(slice_: Slice, months: list[str], recorded=None) -> dict[str, dict[str, int] | None]:
    """{month: planned, done, overdue}; None for a month not recorded yet (of `recorded`, when given)."""
    s = ReviewSlice
    query = slice_.kept(s.select(s.month, fn.SUM(s.planned_past + s.planned_ahead), fn.SUM(s.done),
                                 fn.SUM(s.overdue)).where(s.month.in_(months)), s).group_by(s.month)
    found = {m: {"planned": int(p or 0), "done": int(d or 0), "overdue": int(o or 0)}
             for m, p, d, o in query.tuples()}
    return {m: found.get(m, {"planned": 0, "done": 0, "overdue": 0}) if recorded is None or m in recorded else None
            for m in months}


def _record(month: str, months: list[str]) -> int:
    """Has the months the review reads recorded: here when that is quick, else by the worker (the
    month shown and the one before first) while the review shows what is recorded. Returns how
    many months are still being recorded."""
    waiting = snapshot.pending(months)
    if not waiting:
        return 0
    if snapshot.quick_to_record(waiting):
        snapshot.refresh(waiting, only_if_needed=True)
        return 0
    first = [m for m in (month, previous_month(month)) if m in waiting]
    tasks.record_soon(first + [m for m in reversed(waiting) if m not in first])
    return len(waiting)


# A kept stock row: (tier, industry id, region, customers, purchase, then one count per stage).
TIER, INDUSTRY, REGION, CUSTOMERS, PURCHASE, FIRST_STAGE = range(6)


def _kept_stock(slice_: Slice, months: list[str]) -> dict[str, list[tuple]]:
    """{month: [stock row]} (see TIER ... FIRST_STAGE)."""
    s = ReviewSlice
    columns = (s.tier, s.industry_id, s.region)
    stages = [fn.SUM(getattr(s, stage)) for stage in rules.STAGES]
    query = slice_.kept(s.select(s.month, *columns, fn.SUM(s.customers), fn.SUM(s.purchase), *stages)
                        .where(s.month.in_(months)), s).group_by(s.month, *columns)
    found = defaultdict(list)
    for month, *row in query.tuples():
        found[month].append(tuple(row))
    return found


def _overdue_by_owner(slice_: Slice, month: str) -> dict[int | None, int]:
    s = ReviewSlice
    query = slice_.kept(s.select(s.owner_id, fn.SUM(s.overdue)).where(s.month == month), s)
    return {owner: int(n) for owner, n in query.group_by(s.owner_id).tuples() if n}


def _total(rows, index: int, value: int = CUSTOMERS) -> dict:
    found = defaultdict(int)
    for row in rows:
        found[row[index]] += row[value]
    return found


def _ordered(counts: dict, order) -> list:
    """The natural order of the keys (tiers, stages), then the rest by name, 'not set' last."""
    rank = {k: i for i, k in enumerate(order)}
    return sorted((k for k, n in counts.items() if n), key=lambda k: (k is None, rank.get(k, len(rank)), str(k)))


def _bar(title: str, x: str, keys: list, labels: list, series: dict, series_labels: dict, kind="bar") -> dict:
    return {"title": title, "x": x, "y": "", "kind": kind, "keys": [NOT_SET if k is None else k for k in keys],
            "labels": labels, "series": series, "series_labels": series_labels}


def share_figures(rows: list[tuple]) -> dict[str, dict]:
    """Customers per tier, stage, industry and region; industry × tier; purchase per tier."""
    industries = {i.id: i.name for i in Industry.select(Industry.id, Industry.name)}
    titles = {"tier": (_("Customers by tier"), _("Tier")), "stage": (_("Customers by stage"), _("Stage")),
              "industry": (_("Customers by industry"), _("Industry")),
              "region": (_("Customers by region"), _("Region"))}
    result = {}
    for name, index, order in (("tier", TIER, rules.TIERS), ("stage", None, rules.STAGES),
                               ("industry", INDUSTRY, ()), ("region", REGION, ())):
        if name == "stage":
            counts = {stage: sum(row[FIRST_STAGE + i] or 0 for row in rows) for i, stage in enumerate(rules.STAGES)}
        else:
            counts = _total(rows, index)
        if name == "industry":
            counts = {industries.get(k): n for k, n in counts.items()}
        keys = _ordered(counts, order)
        labels = [word(name, k) if name != "region" else (k or _("not set")) for k in keys]
        result[f"customers-by-{name}"] = _bar(*titles[name], keys, labels, {"customers": [counts[k] for k in keys]},
                                              {"customers": _("Customers")})
    keys = _ordered({industries.get(k): n for k, n in _total(rows, INDUSTRY).items()}, ())
    cells = defaultdict(int)
    for row in rows:
        cells[(industries.get(row[INDUSTRY]), row[TIER])] += row[CUSTOMERS]
    result["industry-by-tier"] = _bar(
        _("Customers by industry and tier"), _("Industry"), keys, [word("industry", k) for k in keys],
        {t: [cells[(k, t)] for k in keys] for t in rules.TIERS}, {t: word("tier", t) for t in rules.TIERS},
        kind="stacked")
    purchase = _total(rows, TIER, value=PURCHASE)
    result["purchase-by-tier"] = _bar(
        _("Annual purchase by tier (¥)"), _("Tier"), list(rules.TIERS), [word("tier", t) for t in rules.TIERS],
        {"purchase": [float(purchase.get(t) or 0) for t in rules.TIERS]}, {"purchase": _("Annual purchase (¥)")})
    return result


def _names(ids) -> dict:
    wanted = [i for i in ids if i is not None]
    return {u.id: u.name or u.email for u in User.select(User.id, User.name, User.email).where(User.id.in_(wanted))}


def _change(value, before):
    return None if value is None or before is None else value - before


def _ratio(part, whole):
    return None if not whole else part / whole


def review(user, month: str, slice_: Slice) -> dict:
    """Everything the dashboard, the CSVs, the printable page and the workbook show."""
    months = months_back(month, 12)
    waiting = _record(month, months)
    markers = {m.month: m for m in ReviewMonth.select().where(ReviewMonth.month.in_(months))}
    care = _kept_care(slice_, months, markers)
    stock = _kept_stock(slice_, [previous_month(month), month])
    people = customers.monthly(slice_, months)
    ticket_months = tickets.monthly(slice_, months)

    def numbers(m: str, rows) -> dict:
        purchase = _total(rows, TIER, value=PURCHASE)
        found = {"new_customers": people[m]["new"] if m in people else None,
                 "churn_rate": _ratio(people[m]["churned"], people[m]["at_start"]) if m in people else None,
                 "care_completion": _ratio(care[m]["done"], care[m]["planned"]) if care.get(m) else None,
                 "overdue_plans": care[m]["overdue"] if care.get(m) else None}
        found.update(ticket_months.get(m, {}))
        for tier in rules.TIERS:
            found[f"purchase_{tier}"] = Decimal(purchase.get(tier) or 0) if m in markers else None
        return found

    now, before = numbers(month, stock.get(month, [])), numbers(previous_month(month), stock.get(previous_month(month), []))
    headlines = [{"key": key, "label": label(), "format": FORMATS.get(key, "count"), "value": now[key],
                  "previous": before.get(key), "change": _change(now[key], before.get(key))}
                 for key, label in HEADLINES.items() if key in now]
    figures = share_figures(stock.get(month, []))
    figures["new-and-churned"] = _bar(
        _("New and churned customers per month"), _("Month"), months, months,
        {"new customers": [people[m]["new"] for m in months], "churned": [people[m]["churned"] for m in months]},
        {"new customers": _("New customers"), "churned": _("Churned")}, kind="line")
    figures["touches"] = _bar(
        _("Touches done vs planned per month"), _("Month"), months, months,
        {key: [care[m][key] if care[m] else None for m in months] for key in ("done", "planned")},
        {"done": _("Done"), "planned": _("Planned")}, kind="line")
    overdue = _overdue_by_owner(slice_, month)
    names = _names(overdue)
    keys = sorted(overdue, key=lambda o: (o is None, names.get(o, "")))
    figures["overdue-by-owner"] = _bar(
        _("Overdue care plans per owner"), _("Owner"), keys, [names.get(k) or _("no owner") for k in keys],
        {"overdue plans": [overdue[k] for k in keys]}, {"overdue plans": _("Overdue plans")})
    figures.update(tickets.figures(slice_, month, months, ticket_months))
    marker = markers.get(month)
    recording = {"waiting": waiting, "recorded": len(markers), "total": len(months)} if waiting else None
    return {"month": month, "months": months, "headlines": headlines, "figures": figures,
            "taken_at": marker.taken_at if marker else None, "final": bool(marker and marker.final),
            "recording": recording}


HEADLINES = {
    "new_customers": lambda: _("New customers"),
    "churn_rate": lambda: _("Churn rate"),
    "care_completion": lambda: _("Care completion (done / planned)"),
    "overdue_plans": lambda: _("Overdue plans"),
    **tickets.HEADLINES,
    "purchase_strategic": lambda: _("Annual purchase, strategic (¥)"),
    "purchase_key": lambda: _("Annual purchase, key (¥)"),
    "purchase_ordinary": lambda: _("Annual purchase, ordinary (¥)"),
}
FORMATS = {"churn_rate": "percent", "care_completion": "percent", "purchase_strategic": "money",
           "purchase_key": "money", "purchase_ordinary": "money", **tickets.FORMATS}
