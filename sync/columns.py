"""What each synced tab holds: its columns, their headers and aliases, and how a cell becomes a value."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backoffice import rules
from backoffice.models.base import REF_ALPHABET

ID, STATUS = "ref", "sync_status"  # the two columns only the sync writes
OK = "ok"


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # text | number | money | date | choice: how the value is written to a cell
    options: tuple[str, ...] = ()  # the dropdown of a choice column
    read_only: bool = False  # derived: shown in the sheet, changed only by the system


@dataclass(frozen=True)
class Table:
    """One synced tab: which model rows it shows and how its cells are read and written."""
    key: str  # the history table name, also the SyncBase / Conflict table
    tab_setting: str  # the [sheet] setting that names the tab
    prefix: str  # of the record ids (models.new_ref)
    noun: str  # how the status line names one record
    columns: tuple[Column, ...]  # between ID and Sync status
    rules: Callable[[rules.Context], dict[str, rules.Rule]]
    empty_means: Mapping[str, str] = field(default_factory=dict)  # blank cell of a not-null field
    create_defaults: Mapping[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.all_columns if c.field == name)

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (Column(ID, "ID", ("id", "ref", "record id")), *self.columns,
                Column(STATUS, "Sync status", ("status of sync", "sync")))

    def ref_is_valid(self, ref: str) -> bool:
        return bool(re.fullmatch(rf"{self.prefix}-[{REF_ALPHABET}]{{8}}", ref))


def _choice(name: str, header: str, options: tuple[str, ...], **kw: Any) -> Column:
    return Column(name, header, kind="choice", options=options, **kw)


CUSTOMERS = Table(
    key="customer", tab_setting="customers_tab", prefix="CU", noun="customer",
    columns=(
        Column("name", "Name", ("customer", "customer name", "company")),
        _choice("kind", "Kind", rules.KINDS, aliases=("type",)),
        Column("credit_code", "Credit code", ("unified social credit code", "uscc")),
        Column("industry", "Industry"),
        Column("region", "Region"),
        _choice("source", "Source", rules.SOURCES),
        Column("contact_name", "Contact", ("contact name", "key contact")),
        Column("contact_title", "Contact title", ("title", "role")),
        Column("phone", "Phone", ("telephone", "mobile", "phone number")),
        Column("email", "Email", ("e-mail", "email address", "mail")),
        Column("address", "Address"),
        Column("employees", "Employees", ("staff",), kind="number"),
        Column("annual_revenue", "Annual revenue", ("revenue",), kind="money"),
        Column("annual_purchase", "Annual purchase", ("purchases",), kind="money"),
        _choice("stage", "Stage", rules.STAGES),
        _choice("tier", "Tier", rules.TIERS, read_only=True),
        _choice("closeness", "Closeness", rules.CLOSENESS, read_only=True),
        _choice("churn_risk", "Churn risk", rules.CHURN_RISKS, aliases=("risk",)),
        Column("tags", "Tags"),
        Column("owner", "Owner", ("owner login", "owner email", "sales rep")),
        Column("first_contact", "First contact", kind="date"),
        Column("cooperation_since", "Cooperation since", kind="date"),
        Column("needs", "Needs"),
        Column("birthday", "Birthday", kind="date"),
        Column("anniversary", "Anniversary", kind="date"),
        Column("verified_at", "Verified on", ("verified", "verified at"), kind="date"),
    ),
    rules=rules.customer_rules,
    empty_means={"kind": "company", "churn_risk": "low", "annual_purchase": "0.00"},
    create_defaults={"stage": "potential"},
)

PLANS = Table(
    key="care plan", tab_setting="plans_tab", prefix="CP", noun="care plan",
    columns=(
        Column("customer_ref", "Customer ID", ("customer ref",)),
        Column("customer_name", "Customer", ("customer name",), read_only=True),
        Column("title", "Title", ("plan",)),
        _choice("action", "Action", rules.PLAN_ACTIONS),
        _choice("channel", "Channel", rules.CHANNELS),
        Column("interval_days", "Every (days)", ("every", "interval", "interval days", "every days"),
               kind="number"),
        Column("next_due", "Next due", ("due",), kind="date"),
        Column("last_done", "Last done", kind="date"),
        Column("owner", "Owner", ("owner login", "owner email")),
        _choice("status", "Status", rules.PLAN_STATUSES),
        Column("notes", "Notes"),
    ),
    rules=rules.plan_rules,
    create_defaults={"action": "call", "status": "active", "interval_days": "30"},
)

TABLES = (CUSTOMERS, PLANS)


def normalise_header(text: Any) -> str:
    """Headers match whatever the case and spacing: "Annual  purchase" is "annualpurchase"."""
    return re.sub(r"[\s_]+", "", str(text or "")).lower()


def header_map(table: Table, header_row: list[Any]) -> tuple[dict[str, int], list[str]]:
    """{field: column index} for the tab's header row, and the problems that forbid syncing it."""
    wanted: dict[str, str] = {}
    for column in table.all_columns:
        for name in (column.header, *column.aliases):
            wanted.setdefault(normalise_header(name), column.field)
    found: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(header_row):
        name = wanted.get(normalise_header(cell))
        if name is None:
            continue  # a column of the staff's own: left alone
        if name in found:
            problems.append(f'two columns are both "{table.column(name).header}"'
                            f" (columns {column_letters(found[name])} and {column_letters(index)})")
            continue
        found[name] = index
    missing = [f'"{c.header}"' for c in table.all_columns if c.field not in found]
    if len(missing) == 1:
        problems.append(f"the column {missing[0]} is missing (renamed or deleted?)")
    elif missing:
        problems.append(f"the columns {', '.join(missing)} are missing (renamed or deleted?)")
    return found, problems


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: a column's letters in A1 notation."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- values -----------------------------------------------------------------------

def as_text(value: Any) -> str:
    """A clean value as the sync compares and stores it: one canonical text, "" for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def raw_text(value: Any) -> str:
    """A cell exactly as read, as text (numbers without a spurious ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_cell(column: Column, text: str) -> Any:
    """What is written (RAW) for a canonical text: numbers as numbers, everything else as text."""
    if text == "" or column.kind not in ("number", "money"):
        return text
    if column.kind == "number":
        return int(text)
    amount = Decimal(text)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def cell_shows(column: Column, raw: Any, text: str) -> bool:
    """Whether the cell already holds `text` (so writing it would change nothing)."""
    if column.kind in ("number", "money") and isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            return text != "" and Decimal(repr(raw) if isinstance(raw, float) else raw) == Decimal(text)
        except ArithmeticError:
            return False
    return raw_text(raw) == text


def make_cleaner(table: Table, ctx: rules.Context) -> Callable[[str, Any], str]:
    """clean(field, raw cell) -> canonical text, through the same rules as the panel's forms.

    Raises rules.RuleError whose message starts with the field's label.
    """
    rule_map = table.rules(ctx)

    def clean(name: str, raw: Any) -> str:
        rule = rule_map[name]
        column = table.column(name)
        if column.kind in ("text", "choice") and isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = raw_text(raw)  # a number typed into a text column is its digits
        try:
            if isinstance(raw, str) and raw.lstrip().startswith("="):
                raise rules.RuleError(f'"{_shown(raw)}" is a formula; type the value itself')
            value = rule.clean(raw)
            if value is None and rule.required:
                raise rules.RuleError("is required")
        except rules.RuleError as exc:
            raise rules.RuleError(f"{rule.label}: {exc}") from None
        return as_text(value)

    return clean


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."
