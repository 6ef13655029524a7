"""The customer fields the histories edit, the values people type into them, and what those mean.

Meaning comes from backoffice.rules alone (the same rules as the admin forms), so the tests judge
the sync by the product's rules rather than by the sync's own cleaning code.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from backoffice import rules

INVALID = object()  # what a cell means when the rules refuse it

HEADERS = {"name": "Name", "region": "Region", "email": "Email", "phone": "Phone",
           "stage": "Stage", "employees": "Employees", "annual_purchase": "Annual purchase",
           "needs": "Needs"}
EMPTY_MEANS = {"annual_purchase": "0.00"}  # a blank cell of a not-null field
FIELDS_CHECKED = tuple(HEADERS)
NUMERIC = {"employees", "annual_purchase"}
READ_ONLY = {"tier": "Tier"}

unicode_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                       min_size=1, max_size=12)

VALID = {
    "name": st.sampled_from(["Acme", "Globex 有限公司", "Ünïcödé ☃ Ltd", "  padded  ", "O'Brien & Sons",
                             "-dash Co", "+plus Co", "@handle"]) | unicode_text,
    "region": st.sampled_from(["East China", "0042", "华东", "North", ""]) | unicode_text,
    "email": st.sampled_from(["ann@example.com", "Bob@Example.COM", ""]),
    "phone": st.sampled_from(["13800138000", "+86 138 0013 8000", "+8613912345678", ""]),
    "stage": st.sampled_from(["deal", "Intent", "LOST", "potential"]),
    "employees": st.sampled_from([0, 12, "1,234", ""]),
    "annual_purchase": st.sampled_from([0, 1500000, 99.9, "1,234.50", 600000, ""]),
    "needs": st.sampled_from(["call in spring", "z" * 4000, "多行\n文本", ""]),
}
BAD = {
    "name": st.sampled_from(["", "x" * 10_000, "=1+1", "=SUM(A1:A2)", "   "]),
    "region": st.sampled_from(["y" * 101, "=A1"]),
    "email": st.sampled_from(["bob@", "not an email"]),
    "phone": st.sampled_from(["12345", "phone"]),
    "stage": st.sampled_from(["won", ""]),
    "employees": st.sampled_from([-3, "many", 2.5]),
    "annual_purchase": st.sampled_from([-1, 1.234, "lots"]),
    "needs": st.sampled_from(["z" * 10_000]),
}


def context() -> rules.Context:
    from backoffice.models import rules_context
    return rules_context()


def meaning(name: str, cell: Any, ctx: rules.Context) -> Any:
    """The canonical text a cell stands for, or INVALID."""
    rule = rules.customer_rules(ctx)[name]
    if cell is None or (isinstance(cell, str) and cell.strip() == ""):
        return EMPTY_MEANS.get(name, INVALID if rule.required else "")
    if isinstance(cell, str) and cell.lstrip().startswith("="):
        return INVALID  # a formula is never a value
    if name not in NUMERIC and isinstance(cell, int | float) and not isinstance(cell, bool):
        cell = str(int(cell)) if float(cell).is_integer() else str(cell)
    try:
        value = rule.clean(cell)
    except rules.RuleError:
        return INVALID
    if value is None:
        return INVALID if rule.required else EMPTY_MEANS.get(name, "")
    return text_of(value)


def text_of(value: Any) -> str:
    """A stored value as one comparable text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{Decimal(repr(value)):.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def stored(customer, name: str) -> str:
    return text_of(getattr(customer, name))


def python_value(name: str, text: str) -> Any:
    """The value the panel's form would save for a canonical text."""
    if text == "":
        return Decimal("0") if name == "annual_purchase" else None
    if name == "annual_purchase":
        return Decimal(text)
    if name == "employees":
        return int(text)
    return text


@dataclass
class Edit:
    """An accepted change to one field, from the sheet or the panel."""
    side: str  # sheet | panel
    value: str  # canonical text
    epoch: int  # cycles started before it was made: cycle number `epoch + 1` is the first owing it
