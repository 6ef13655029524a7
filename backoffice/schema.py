"""Each field a person sees, declared once: its words, its rule and where it shows.

The panel's lists and forms, the sheet's columns, CSV downloads and uploads and the rules'
field sets are all read from these declarations: adding a field is one `Field` here (and a
migration for its column).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask_babel.speaklater import LazyString

from . import rules
from .i18n import _l, speaking, word

KINDS = ("text", "email", "code", "number", "money", "date", "phone", "choice", "bool", "datetime")
SHEET_KINDS = {"email": "text", "code": "text"}  # written in the sheet as plain text
EXPORT_KINDS = {"choice": "typed", "number": "typed"}  # written in a CSV file as they are stored
FORM_WIDGETS = ("input", "date", "long")  # a rule field of the form (else "model": the model's own)
# (or "select": a dropdown whose options are read when the form is shown, checked by its rule)


@dataclass(frozen=True)
class Field:
    name: str  # the stored column, also the CSV header and the history's field
    label: LazyString  # the panel's heading; its English is the sheet's header
    said: LazyString | None = None  # how a message or a form names it ("name: is required")
    kind: str = "text"
    aliases: tuple[str, ...] = ()  # other English headers a sheet may use
    heading: str = ""  # the sheet's English header, when not the label's English
    zh: tuple[str, ...] = ()  # Chinese headers, the first written (none: backoffice.words' own)
    domain: str = ""  # the backoffice.words domain its stored keys are worded in
    options: tuple[str, ...] = ()  # the stored keys of a choice
    many: bool = False  # a comma-separated list of such keys (tags)
    max_length: int = 200  # of a text
    rule: Callable[[rules.Context], Callable[[Any], Any]] | None = None  # else the kind's own
    checked: bool = True  # cleaned by its rule on every path (else derived, or checked by the model)
    required: bool = False
    derived: bool = False  # shown, but changed only by the product (read-only in the sheet)
    sheet: bool = True  # a column of the sheet's tab
    importable: bool = True  # read from an uploaded CSV file
    exported: bool = True  # a column of the CSV download
    form: str = ""  # in the panel's form: one of FORM_WIDGETS, "model" or "select"
    form_at: int = 0  # its place in the panel's form, when not the declaration's order
    hint: Any = ""  # the form's description under the field
    listed: int = 0  # its place in the panel's list (0: not listed)
    sortable: bool = True  # the list may be sorted by it

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")

    @property
    def header(self) -> str:
        """The sheet's English header: the panel's label in English (unless it has its own)."""
        if self.heading:
            return self.heading
        with speaking("en"):
            return str(self.label)

    @property
    def sheet_kind(self) -> str:
        return SHEET_KINDS.get(self.kind, self.kind)

    @property
    def export_kind(self) -> str:
        return EXPORT_KINDS.get(self.kind, self.kind)

    @property
    def masked(self) -> bool:
        """A contact detail: shown as its last 4 characters to those who may not export contacts."""
        return self.kind in ("phone", "email")

    def cleaner(self, ctx: rules.Context) -> Callable[[Any], Any]:
        if self.rule is not None:
            return self.rule(ctx)
        return {
            "text": lambda v: rules.text(v, max_length=self.max_length),
            "choice": lambda v: rules.choice(v, self.options, self.domain),
            "code": rules.credit_code, "email": rules.email, "number": rules.count, "money": rules.money,
            "date": rules.date, "phone": lambda v: rules.phone(v, ctx.region),
        }[self.kind]


@dataclass(frozen=True)
class Record:
    """The fields of one kind of record, in the order every list of them follows."""
    key: str  # the history's table name
    fields: tuple[Field, ...]

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def __getitem__(self, name: str) -> Field:
        return self._by_name[name]

    def names(self, **wanted) -> tuple[str, ...]:
        """The fields whose attributes are as `wanted` (sheet=True, importable=True …), in order."""
        return tuple(f.name for f in self.fields if all(getattr(f, k) == v for k, v in wanted.items()))

    def rules(self, ctx: rules.Context) -> dict[str, rules.Rule]:
        """Each checked field's rule, its label in the language being spoken."""
        return {f.name: rules.Rule(str(f.said or f.label), f.cleaner(ctx), f.required)
                for f in self.fields if f.checked}

    @property
    def sheet_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.sheet)

    @property
    def importable(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.importable and f.checked)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def exported(self) -> tuple[str, ...]:
        return self.names(exported=True)

    @property
    def form_columns(self) -> tuple[str, ...]:
        shown = [f for f in self.fields if f.form]
        if any(f.form_at for f in shown):
            shown.sort(key=lambda f: f.form_at)
        return tuple(f.name for f in shown)

    def form_with(self, widget: str) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.form == widget)

    @property
    def rule_fields(self) -> tuple[Field, ...]:
        """The form's fields bound to a rule (the others are the model's own: dropdowns)."""
        return tuple(f for f in self.fields if f.form in FORM_WIDGETS)

    @property
    def listed(self) -> tuple[str, ...]:
        return tuple(f.name for f in sorted((f for f in self.fields if f.listed), key=lambda f: f.listed))

    @property
    def sortable(self) -> tuple[str, ...]:
        return tuple(name for name in self.listed if self[name].sortable)

    @property
    def labels(self) -> dict[str, LazyString]:
        return {f.name: f.label for f in self.fields}

    @property
    def enums(self) -> dict[str, str]:
        """Fields holding keys of a fixed dictionary, with its words' domain."""
        return {f.name: f.domain for f in self.fields if f.domain and (f.kind == "choice" or f.many)}

    @property
    def headers_zh(self) -> dict[str, tuple[str, ...]]:
        return {f.name: f.zh for f in self.fields if f.zh}

    def of_kind(self, kind: str) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.kind == kind)


def _choice(name: str, label, said, options: tuple[str, ...], domain: str, **kw) -> Field:
    return Field(name, label, said, kind="choice", options=options, domain=domain, **kw)


def _date(name: str, label, said, **kw) -> Field:
    return Field(name, label, said, kind="date", form="date", **kw)


_SHOWN_ONLY = {"checked": False, "sheet": False, "importable": False}  # the product's own bookkeeping
_MANAGERS = {"checked": False, "sheet": False, "importable": False, "form": "model"}  # set in the panel


def _tag_hint() -> str:
    return ", ".join(word("tag", tag) for tag in rules.DEFAULT_TAGS[:3])


CUSTOMERS = Record("customer", (
    Field("ref", _l("ID"), **_SHOWN_ONLY, listed=1),
    Field("name", _l("Name"), _l("name"), aliases=("customer", "customer name", "company"),
          zh=("客户名称", "公司名称"), required=True, form="input", listed=2),
    _choice("kind", _l("Kind"), _l("kind"), rules.KINDS, "kind", aliases=("type",), zh=("客户类型", "类型"),
            form="model"),
    Field("credit_code", _l("Credit code"), _l("credit code"), kind="code",
          aliases=("unified social credit code", "uscc"), zh=("统一社会信用代码", "信用代码", "社会信用代码"),
          form="input"),
    Field("industry", _l("Industry"), _l("industry"), domain="industry", zh=("所属行业", "行业"),
          rule=lambda ctx: lambda v: rules.choice(v, ctx.industries, "industry"), form="model", listed=6),
    Field("region", _l("Region"), _l("region"), zh=("所属区域", "区域", "地区"), max_length=100, form="input",
          listed=7),
    _choice("source", _l("Source"), _l("source"), rules.SOURCES, "source", zh=("客户来源", "来源"), form="model"),
    Field("contact_name", _l("Contact"), _l("contact"), aliases=("contact name", "key contact"),
          zh=("联系人", "联系人姓名"), max_length=100, form="input"),
    Field("contact_title", _l("Contact title"), _l("contact title"), aliases=("title", "role"),
          zh=("联系人职位", "职位"), max_length=100, form="input"),
    Field("phone", _l("Phone"), _l("phone"), kind="phone", aliases=("telephone", "mobile", "phone number"),
          zh=("联系电话", "电话", "手机", "手机号"), form="input", listed=10, sortable=False,
          hint=_l("Typed as 138 0013 8000 or +86 138-0013-8000; checked and kept in one form")),
    Field("email", _l("Email"), _l("email"), kind="email", aliases=("e-mail", "email address", "mail"),
          zh=("电子邮箱", "邮箱"), form="input", listed=11, sortable=False),
    Field("address", _l("Address"), _l("address"), zh=("地址", "联系地址"), max_length=500, form="input"),
    Field("employees", _l("Employees"), _l("employees"), kind="number", aliases=("staff",),
          zh=("员工人数", "企业规模"), form="input"),
    Field("annual_revenue", _l("Annual revenue"), _l("annual revenue"), kind="money", aliases=("revenue",),
          zh=("年营收(元)", "年营收"), form="input"),
    Field("annual_purchase", _l("Annual purchase"), _l("annual purchase"), kind="money", aliases=("purchases",),
          zh=("近12个月采购额(元)", "近12个月采购额", "年采购额", "采购额"), form="input", listed=12),
    _choice("stage", _l("Stage"), _l("stage"), rules.STAGES, "stage", zh=("合作阶段", "阶段", "客户阶段"),
            required=True, form="model", listed=5),
    _choice("tier", _l("Tier"), None, rules.TIERS, "tier", zh=("客户价值层级", "价值层级", "层级"),
            derived=True, checked=False, importable=False, listed=4),
    _choice("tier_override", _l("Tier set by a manager"), None, rules.TIERS, "tier", zh=("层级调整",),
            **_MANAGERS),
    Field("tier_override_reason", _l("Reason for the tier"), zh=("层级调整原因",), **_MANAGERS),
    _choice("closeness", _l("Closeness"), None, rules.CLOSENESS, "closeness", zh=("关系紧密度", "紧密度"),
            derived=True, checked=False, importable=False, listed=8),
    _choice("churn_risk", _l("Churn risk"), _l("churn risk"), rules.CHURN_RISKS, "churn_risk",
            aliases=("risk",), zh=("风险等级", "流失风险"), form="model", listed=9),
    Field("tags", _l("Tags"), _l("tags"), domain="tag", many=True, zh=("核心标签", "标签"),
          rule=lambda ctx: lambda v: rules.names_list(v, ctx.tags, "tag"), form="input",
          hint=_l("Comma-separated, e.g. %(tags)s", tags=LazyString(_tag_hint))),
    Field("owner", _l("Owner"), _l("owner"), aliases=("owner login", "owner email", "sales rep"),
          zh=("负责人", "销售代表"), rule=lambda ctx: lambda v: rules.owner_login(v, ctx.owners),
          form="model", listed=3),
    _date("first_contact", _l("First contact"), _l("first contact"), zh=("首次接触时间", "首次接触")),
    _date("cooperation_since", _l("Cooperation since"), _l("cooperation since"), zh=("合作起始时间", "合作起始")),
    Field("needs", _l("Needs"), _l("needs"), zh=("客户需求", "需求"), max_length=5000, form="long"),
    _date("birthday", _l("Birthday"), _l("birthday"), zh=("生日",)),
    _date("anniversary", _l("Anniversary"), _l("anniversary"), zh=("周年纪念日", "周年庆")),
    _date("verified_at", _l("Verified on"), _l("verified on"), aliases=("verified", "verified at"),
          zh=("最近核实日期", "核实日期")),
    Field("archived", _l("Archived"), kind="bool", **_SHOWN_ONLY),
    Field("updated_at", _l("Updated"), kind="datetime", **_SHOWN_ONLY, listed=13),
))

# A care plan's fields. Its customer shows three ways: the panel's dropdown and the download's
# name (customer), the ID typed in the sheet (customer_ref) and the name the sheet shows beside it.
PLANS = Record("care plan", (
    Field("ref", _l("ID"), **_SHOWN_ONLY, listed=1),
    Field("customer", _l("Customer"), **_SHOWN_ONLY, form="model", listed=2),
    Field("customer_ref", _l("Customer ID"), aliases=("customer ref",), checked=False, importable=False),
    Field("customer_name", _l("Customer"), aliases=("customer name",), derived=True, checked=False,
          importable=False, exported=False),
    Field("title", _l("Title"), _l("title"), aliases=("plan",), required=True, form="input", listed=3),
    _choice("action", _l("Action"), _l("action"), rules.PLAN_ACTIONS, "action", required=True, form="model",
            listed=4),
    _choice("channel", _l("Channel"), _l("channel"), rules.CHANNELS, "channel", form="model", listed=5,
            sortable=False),
    Field("interval_days", _l("Every (days)"), _l("every (days)"), kind="number",
          aliases=("every", "interval", "interval days", "every days"), required=True,
          rule=lambda ctx: rules.positive_count, form="input", listed=6, sortable=False),
    _date("next_due", _l("Next due"), _l("next due"), aliases=("due",), required=True, listed=7),
    _date("last_done", _l("Last done"), _l("last done"), listed=8),
    Field("owner", _l("Owner"), _l("owner"), aliases=("owner login", "owner email"),
          rule=lambda ctx: lambda v: rules.owner_login(v, ctx.owners), form="model", listed=9),
    _choice("status", _l("Status"), _l("status"), rules.PLAN_STATUSES, "plan_status", required=True,
            form="model", listed=10),
    Field("notes", _l("Notes"), _l("notes"), max_length=5000, form="long"),
))


def _ticket_choice(name: str, label, said, options: tuple[str, ...], domain: str, known, **kw) -> Field:
    """A ticket's dropdown: typed as its English key or its Chinese label, from the dictionaries
    `known(ctx.tickets)` an admin edits (its options are the sheet's first dropdown)."""
    return _choice(name, label, said, options, domain, form="select",
                   rule=lambda ctx: lambda v: rules.worded_choice(v, known(ctx.tickets), ctx.tickets.zh), **kw)


_TICKET_TIMES = {**_SHOWN_ONLY, "kind": "datetime"}  # worked out by the ticket's flow

# A ticket's fields. Its customer shows as a care plan's does; its times and SLA badge are the flow's.
TICKETS = Record("ticket", (
    Field("ref", _l("Number"), **_SHOWN_ONLY, listed=1),
    Field("customer", _l("Customer"), checked=False, sheet=False, form="model", form_at=1, listed=2),
    Field("customer_ref", _l("Customer ID"), aliases=("customer ref",), checked=False),
    Field("customer_name", _l("Customer"), aliases=("customer name",), derived=True, checked=False,
          importable=False, exported=False),
    Field("title", _l("Title"), _l("title"), aliases=("problem", "subject"), required=True, form="input",
          form_at=2, listed=3),
    Field("description", _l("Description"), _l("description"), aliases=("details",), max_length=5000,
          form="long", form_at=3),
    _ticket_choice("category", _l("Category"), _l("category"), rules.DEFAULT_TICKET_CATEGORIES,
                   "ticket_category", lambda known: known.categories, required=True, form_at=4, listed=4),
    _ticket_choice("priority", _l("Priority"), _l("priority"), rules.DEFAULT_TICKET_PRIORITIES,
                   "ticket_priority", lambda known: known.priorities, required=True, form_at=5, listed=5),
    _ticket_choice("department", _l("Department"), _l("department"), rules.DEFAULT_DEPARTMENTS, "department",
                   lambda known: known.departments, form_at=6, listed=9, sortable=False),
    Field("assignee", _l("Assignee"), _l("assignee"), aliases=("assigned to", "handler", "assignee login"),
          rule=lambda ctx: lambda v: rules.owner_login(v, ctx.owners), form="model", form_at=8, listed=8),
    _ticket_choice("channel", _l("Came in by"), _l("channel"), rules.CHANNELS, "channel",
                   lambda known: rules.CHANNELS, heading="Channel", aliases=("came in by",), form_at=7),
    _ticket_choice("status", _l("Status"), _l("status"), rules.TICKET_STATUSES, "ticket_status",
                   lambda known: rules.TICKET_STATUSES, required=True, importable=False, form_at=9, listed=6),
    Field("sla", _l("SLA"), **_SHOWN_ONLY, exported=False, listed=7, sortable=False),
    Field("opened_at", _l("Opened"), **{**_TICKET_TIMES, "importable": True}, listed=10),
    Field("response_due", _l("Respond by"), **_TICKET_TIMES, listed=11),
    Field("first_response_at", _l("Responded at"), **_TICKET_TIMES),
    Field("resolution_due", _l("Resolve by"), **_TICKET_TIMES, listed=12),
    Field("resolved_at", _l("Resolved"), **_TICKET_TIMES),
    Field("closed_at", _l("Closed"), **_TICKET_TIMES),
    Field("resolution", _l("Resolution"), _l("resolution"), aliases=("solution",), max_length=5000,
          importable=False, form="long", form_at=10),
    Field("satisfaction", _l("Satisfaction"), _l("satisfaction"), kind="number", aliases=("score",),
          rule=lambda ctx: rules.satisfaction, importable=False, form="input", form_at=11,
          hint=_l("1 (unhappy) to 5 (very satisfied), asked once resolved")),
))

RECORDS = (CUSTOMERS, PLANS, TICKETS)
