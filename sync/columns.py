"""What each synced tab holds: its columns, their headers and aliases, and how a cell becomes a value."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from typing import Any

from backoffice import clock, rules, schema, words
from backoffice.i18n import _, current_locale
from backoffice.models import TicketCounter
from backoffice.models.base import REF_ALPHABET, new_ref
from backoffice.values import as_text  # a clean value as the sync compares and stores it

ID, STATUS = "ref", "sync_status"  # the two columns only the sync writes
OK = "ok"  # starts a saved row's notice ("ok - …"; a clean row's status is empty); a Chinese sheet shows OK_ZH
OK_ZH = "正常"
LIST_SPLIT = re.compile(r"\s*[,;，；、]\s*")


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # text | number | money | date | phone | choice: how the value is written and shown
    options: tuple[str, ...] = ()  # the dropdown of a choice column
    read_only: bool = False  # derived: shown in the sheet, changed only by the system
    zh: tuple[str, ...] = ()  # the Chinese header, then Chinese aliases: set by the Table from backoffice.words
    domain: str = ""  # the backoffice.words domain whose words the cells show and accept
    many: bool = False  # a comma-separated list of such words (tags)
    optional: bool = False  # a tab without it still syncs (a column added after sheets existed)

    def heading(self, language: str | None = None) -> str:
        """The header in `language` (default: the language being spoken)."""
        if (language or current_locale()) == "zh_CN" and self.zh:
            return self.zh[0]
        return self.header

    @property
    def names(self) -> tuple[str, ...]:
        """Every header this column is recognised by, in both languages."""
        return (self.header, *self.aliases, *self.zh)


@dataclass(frozen=True)
class Table:
    """One synced tab: which model rows it shows and how its cells are read and written.

    Its columns' Chinese headers are not declared here: they are backoffice.words' (the same
    words the CSV files use), looked up by field and by this table's record."""
    key: str  # the history table name, also the SyncBase / Conflict table
    tab_setting: str  # the [sheet] setting that names the tab
    prefix: str  # of the record ids (models.new_ref)
    noun: str  # how the status line names one record
    columns: tuple[Column, ...]  # between ID and Sync status
    rules: Callable[[rules.Context], dict[str, rules.Rule]]
    empty_means: Mapping[str, str] = field(default_factory=dict)  # blank cell of a not-null field
    create_defaults: Mapping[str, str] = field(default_factory=dict)
    # The columns that say which record a row is: frozen beside ID, with Sync status right after
    # them in a new tab (sync/layout.py); none named: the first column.
    names: tuple[str, ...] = ()
    # Cells staff type to ask for an action, not stored fields: the merge leaves them to the
    # cycle (sync/completions.py), which clears them once the action is done.
    commands: tuple[Column, ...] = ()
    ref_pattern: str = ""  # the ids this tab's records have, when not the sync's own (tickets' numbers)
    minter: Callable[[], str] | None = None  # a new record's id, when not new_ref(prefix)

    def __post_init__(self) -> None:
        worded = partial(_worded, record=self.key)
        object.__setattr__(self, "columns", tuple(map(worded, self.columns)))
        object.__setattr__(self, "commands", tuple(map(worded, self.commands)))
        every = (worded(Column(ID, "ID", ("id", "ref", "record id"))), *self.columns, *self.commands,
                 worded(Column(STATUS, "Sync status", ("status of sync", "sync"))))
        object.__setattr__(self, "_every", every)  # looked up per cell: built once
        object.__setattr__(self, "_by_field", {c.field: c for c in every})

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    def column(self, name: str) -> Column:
        return self._by_field[name]

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self._every

    def ref_is_valid(self, ref: str) -> bool:
        return bool(re.fullmatch(self.ref_pattern or rf"{self.prefix}-[{REF_ALPHABET}]{{8}}", ref))

    def new_ref(self) -> str:
        return self.minter() if self.minter is not None else new_ref(self.prefix)


def _worded(column: Column, record: str) -> Column:
    """The column with its Chinese headers, from the one place they are declared."""
    zh = words.headers_zh(column.field, record)
    return column if not zh or column.zh == zh else replace(column, zh=zh)


def _from_field(declared: schema.Field) -> Column:
    """The sheet's column of a field backoffice.schema declares."""
    return Column(declared.name, declared.header, declared.aliases, kind=declared.sheet_kind,
                  options=declared.options if declared.kind == "choice" else (),
                  read_only=declared.derived, domain=declared.domain, many=declared.many)


CUSTOMERS = Table(
    key="customer", tab_setting="customers_tab", prefix="CU", noun="customer",
    columns=tuple(map(_from_field, schema.CUSTOMERS.sheet_fields)),
    rules=schema.CUSTOMERS.rules,
    empty_means={"kind": "company", "churn_risk": "low", "annual_purchase": "0.00"},
    create_defaults={"stage": "potential"},
    names=("name",),
)

PLANS = Table(
    key="care plan", tab_setting="plans_tab", prefix="CP", noun="care plan",
    columns=tuple(map(_from_field, schema.PLANS.sheet_fields)),
    commands=(
        Column("done_on", "Done on", ("done", "completed on"), kind="date", optional=True),
        Column("outcome", "Outcome", ("result",), optional=True),
    ),
    rules=schema.PLANS.rules,
    create_defaults={"action": "call", "status": "active", "interval_days": "30"},
    names=("customer_ref", "customer_name", "title"),
)


def _ticket_number() -> str:
    """A ticket row typed into the sheet gets the next number, as a ticket opened in the panel does
    (taken at once, so a cycle that dies before its commit leaves a gap, never a reused number)."""
    return TicketCounter.next_number(clock.local(clock.now()).year)


TICKETS = Table(
    key="ticket", tab_setting="tickets_tab", prefix="TK", noun="ticket",
    columns=tuple(map(_from_field, schema.TICKETS.sheet_fields)),
    rules=schema.TICKETS.rules,
    create_defaults={"category": "other", "priority": "normal", "status": "new"},
    names=("customer_ref", "customer_name", "title"),
    ref_pattern=r"TK-\d{4}-\d{6}",
    minter=_ticket_number,
)

TABLES = (CUSTOMERS, PLANS, TICKETS)


def normalise_header(text: Any) -> str:
    """Headers match whatever the case, spacing and width: "Annual  purchase" is "annualpurchase",
    "年营收（元）" is "年营收(元)"."""
    return re.sub(r"[\s_]+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


def header_map(table: Table, header_row: list[Any]) -> tuple[dict[str, int], list[str]]:
    """{field: column index} for the tab's header row, and the problems that forbid syncing it."""
    wanted: dict[str, str] = {}
    for column in table.all_columns:
        for name in column.names:  # both languages: an English sheet keeps syncing
            wanted.setdefault(normalise_header(name), column.field)
    found: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(header_row):
        name = wanted.get(normalise_header(cell))
        if name is None:
            continue  # a column of the staff's own: left alone
        if name in found:
            problems.append(_('two columns are both "%(header)s" (columns %(first)s and %(second)s)',
                              header=table.column(name).heading(), first=column_letters(found[name]),
                              second=column_letters(index)))
            continue
        found[name] = index
    missing = [f'"{c.heading()}"' for c in table.all_columns if c.field not in found and not c.optional]
    if len(missing) == 1:
        problems.append(_("the column %(column)s is missing (renamed or deleted?)", column=missing[0]))
    elif missing:
        problems.append(_("the columns %(columns)s are missing (renamed or deleted?)",
                          columns=", ".join(missing)))
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
                raise rules.RuleError(_('"%(value)s" is a formula; type the value itself', value=_shown(raw)))
            value = rule.clean(raw)
            if value is None and rule.required:
                raise rules.RuleError(_("is required"))
        except rules.RuleError as exc:
            raise rules.RuleError(f"{rule.label}: {exc}") from None
        return as_text(value)

    return clean


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


# -- the sheet's language ------------------------------------------------------------
# The merge works on stored keys ("deal", "ok"); a Chinese sheet shows and takes 成交客户, 正常.
# Cells are translated on the way in and out, so the merge itself speaks no language.

def sheet_text(column: Column, text: str, language: str) -> str:
    """A canonical text as the cell shows it in `language`."""
    if language != "zh_CN" or not text:
        return text
    if column.field == STATUS:
        return OK_ZH + text[len(OK):] if text == OK or text.startswith(f"{OK} - ") else text
    if not column.domain:
        return text
    if column.many:
        return ", ".join(words.label(column.domain, part, language) for part in LIST_SPLIT.split(text))
    return words.label(column.domain, text, language)


def canonical_cell(column: Column, raw: Any, language: str) -> Any:
    """A cell as the merge reads it: exactly the word the sync writes in `language` becomes its key.

    Anything else (an alias, the other language, a typo) is left as typed: the merge cleans it
    through the rules, which accept both languages, and writes the sheet's own word back. The
    English key itself, left from before the sheet was switched to Chinese, would read as the
    value the merge already agreed on; a trailing space makes it read as typed, so it too is
    cleaned and rewritten in Chinese.
    """
    if language != "zh_CN" or not isinstance(raw, str) or not raw:
        return raw
    if column.field == STATUS:
        if raw == OK:
            return raw + " "
        return OK + raw[len(OK_ZH):] if raw == OK_ZH or raw.startswith(f"{OK_ZH} - ") else raw
    if not column.domain:
        return raw
    keys = column.options or tuple(words.ZH.get(column.domain, ()))
    by_label = {words.label(column.domain, key, language): key for key in keys}
    parts = raw.split(", ") if column.many else [raw]
    found = [by_label.get(part) for part in parts]
    if None not in found:
        return ", ".join(found)  # type: ignore[arg-type]
    return raw + " " if all(part in keys for part in parts) else raw
