"""What each synced tab holds: its columns, their headers and aliases, and how a cell becomes a value."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backoffice import rules, words
from backoffice.i18n import _, current_locale
from backoffice.models.base import REF_ALPHABET

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
    zh: tuple[str, ...] = ()  # the Chinese header, then Chinese aliases (glossary-zh.md)
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
    """One synced tab: which model rows it shows and how its cells are read and written."""
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

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.all_columns if c.field == name)

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (Column(ID, "ID", ("id", "ref", "record id"), zh=("编号", "计划编号", "ID号")),
                *self.columns, *self.commands,
                Column(STATUS, "Sync status", ("status of sync", "sync"), zh=("同步状态", "状态说明")))

    def ref_is_valid(self, ref: str) -> bool:
        return bool(re.fullmatch(rf"{self.prefix}-[{REF_ALPHABET}]{{8}}", ref))


def _choice(name: str, header: str, options: tuple[str, ...], domain: str, **kw: Any) -> Column:
    return Column(name, header, kind="choice", options=options, domain=domain, **kw)


CUSTOMERS = Table(
    key="customer", tab_setting="customers_tab", prefix="CU", noun="customer",
    columns=(
        Column("name", "Name", ("customer", "customer name", "company"), zh=("客户名称", "客户", "公司名称")),
        _choice("kind", "Kind", rules.KINDS, "kind", aliases=("type",), zh=("客户类型", "类型")),
        Column("credit_code", "Credit code", ("unified social credit code", "uscc"),
               zh=("统一社会信用代码", "信用代码", "社会信用代码")),
        Column("industry", "Industry", zh=("所属行业", "行业"), domain="industry"),
        Column("region", "Region", zh=("所属区域", "区域", "地区")),
        _choice("source", "Source", rules.SOURCES, "source", zh=("客户来源", "来源")),
        Column("contact_name", "Contact", ("contact name", "key contact"), zh=("联系人", "联系人姓名")),
        Column("contact_title", "Contact title", ("title", "role"), zh=("联系人职位", "职位")),
        Column("phone", "Phone", ("telephone", "mobile", "phone number"), kind="phone",
               zh=("联系电话", "电话", "手机", "手机号")),
        Column("email", "Email", ("e-mail", "email address", "mail"), zh=("电子邮箱", "邮箱")),
        Column("address", "Address", zh=("地址", "联系地址")),
        Column("employees", "Employees", ("staff",), kind="number", zh=("员工人数", "企业规模")),
        Column("annual_revenue", "Annual revenue", ("revenue",), kind="money", zh=("年营收(元)", "年营收")),
        Column("annual_purchase", "Annual purchase", ("purchases",), kind="money",
               zh=("近12个月采购额(元)", "近12个月采购额", "年采购额", "采购额")),
        _choice("stage", "Stage", rules.STAGES, "stage", zh=("合作阶段", "阶段", "客户阶段")),
        _choice("tier", "Tier", rules.TIERS, "tier", read_only=True, zh=("客户价值层级", "价值层级", "层级")),
        _choice("closeness", "Closeness", rules.CLOSENESS, "closeness", read_only=True,
                zh=("关系紧密度", "紧密度")),
        _choice("churn_risk", "Churn risk", rules.CHURN_RISKS, "churn_risk", aliases=("risk",),
                zh=("风险等级", "流失风险")),
        Column("tags", "Tags", zh=("核心标签", "标签"), domain="tag", many=True),
        Column("owner", "Owner", ("owner login", "owner email", "sales rep"), zh=("负责人", "销售代表")),
        Column("first_contact", "First contact", kind="date", zh=("首次接触时间", "首次接触")),
        Column("cooperation_since", "Cooperation since", kind="date", zh=("合作起始时间", "合作起始")),
        Column("needs", "Needs", zh=("客户需求", "需求")),
        Column("birthday", "Birthday", kind="date", zh=("生日",)),
        Column("anniversary", "Anniversary", kind="date", zh=("周年纪念日", "周年庆")),
        Column("verified_at", "Verified on", ("verified", "verified at"), kind="date",
               zh=("最近核实日期", "核实日期")),
    ),
    rules=rules.customer_rules,
    empty_means={"kind": "company", "churn_risk": "low", "annual_purchase": "0.00"},
    create_defaults={"stage": "potential"},
    names=("name",),
)

PLANS = Table(
    key="care plan", tab_setting="plans_tab", prefix="CP", noun="care plan",
    columns=(
        Column("customer_ref", "Customer ID", ("customer ref",), zh=("客户编号",)),
        Column("customer_name", "Customer", ("customer name",), read_only=True, zh=("客户", "客户名称")),
        Column("title", "Title", ("plan",), zh=("计划名称", "计划")),
        _choice("action", "Action", rules.PLAN_ACTIONS, "action", zh=("维护方式", "方式")),
        _choice("channel", "Channel", rules.CHANNELS, "channel", zh=("沟通渠道", "渠道")),
        Column("interval_days", "Every (days)", ("every", "interval", "interval days", "every days"),
               kind="number", zh=("周期(天)", "周期")),
        Column("next_due", "Next due", ("due",), kind="date", zh=("下次到期", "到期日")),
        Column("last_done", "Last done", kind="date", zh=("上次完成",)),
        Column("owner", "Owner", ("owner login", "owner email"), zh=("负责人",)),
        _choice("status", "Status", rules.PLAN_STATUSES, "plan_status", zh=("状态",)),
        Column("notes", "Notes", zh=("备注",)),
    ),
    commands=(
        Column("done_on", "Done on", ("done", "completed on"), kind="date", optional=True,
               zh=("完成日期",)),
        Column("outcome", "Outcome", ("result",), optional=True, zh=("完成情况",)),
    ),
    rules=rules.plan_rules,
    create_defaults={"action": "call", "status": "active", "interval_days": "30"},
    names=("customer_ref", "customer_name", "title"),
)

TABLES = (CUSTOMERS, PLANS)


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
