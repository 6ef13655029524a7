"""How ticket words read in the language being spoken: statuses from the glossary, options from
the labels admins give them."""
from __future__ import annotations

from markupsafe import Markup, escape

from .. import rules
from ..i18n import current_locale
from ..models import TicketOption

_ZH_OF = {key: zh for zh, key in reversed(list(rules.TICKET_ZH.items()))}  # first Chinese word wins
SLA_ZH = {"on time": "按时", "due soon": "即将到期", "late": "已超时"}
SLA_BADGE = {"on time": "success", "due soon": "warning", "late": "danger"}
STATUS_BADGE = {"new": "info", "assigned": "primary", "in progress": "primary", "resolved": "success",
                "closed": "secondary"}


def word(key: str | None, zh_options: dict[str, str] | None = None) -> str:
    """A stored key as the person reads it."""
    if not key:
        return ""
    if current_locale() != "zh_CN":
        return key
    return (zh_options or {}).get(key) or _ZH_OF.get(key) or SLA_ZH.get(key) or key


def option_words() -> dict[str, str]:
    """{option name: its Chinese label} for every ticket option (read once per page)."""
    return {o.name: o.label_zh for o in TicketOption.select(TicketOption.name, TicketOption.label_zh)
            if o.label_zh}


def sla_badge(state: str) -> Markup:
    return Markup('<span class="badge badge-{} sla-badge" data-sla="{}">{}</span>').format(
        SLA_BADGE[state], state, escape(word(state)))


def status_badge(status: str) -> Markup:
    return Markup('<span class="badge badge-{} ticket-status" data-status="{}">{}</span>').format(
        STATUS_BADGE.get(status, "secondary"), status, escape(word(status)))
