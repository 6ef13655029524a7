"""Which tab of the spreadsheet is which table's: titles in the sheet's language, old titles still found."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from backoffice import words

from . import gateway
from .columns import TABLES, Table

# The titles' English defaults (the [sheet] settings'); a Chinese sheet's are backoffice.words.TABS_ZH.
DEFAULT_TABS = {"customer": "Customers", "care plan": "Care plans", "ticket": "Tickets"}


def titles(sheet: Mapping[str, Any], present: Iterable[str] | None = None) -> dict[str, str]:
    """{table: its tab's title}: the title set in the [sheet] settings or, left at its English
    default, the sheet's language's (客户 in a Chinese sheet). With `present` (the spreadsheet's
    titles), a tab still under another of its titles (an English sheet now read as Chinese, or
    the reverse) is found under that one, until `sheet init` renames it."""
    found = {}
    present = None if present is None else list(present)
    for table in TABLES:
        title = own_title(table, sheet)
        if present is not None and title not in present:
            known = names(table, sheet)
            title = next((t for t in present if t in known), title)
        found[table.key] = title
    return found


def own_title(table: Table, sheet: Mapping[str, Any]) -> str:
    """The title `sheet init` gives the table's tab."""
    title = sheet.get(table.tab_setting) or DEFAULT_TABS[table.key]
    if title == DEFAULT_TABS[table.key] and sheet.get("language", "zh_CN") == "zh_CN":
        return words.TABS_ZH[table.key][0]
    return title


def names(table: Table, sheet: Mapping[str, Any]) -> tuple[str, ...]:
    """Every title the table's tab is known by: the setting's, the English default, the Chinese."""
    return (own_title(table, sheet), sheet.get(table.tab_setting) or DEFAULT_TABS[table.key],
            DEFAULT_TABS[table.key], *words.TABS_ZH[table.key])


def read(spreadsheet, sheet: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, gateway.TabValues | None]]:
    """({table: title}, {title: its values or None}) in one batched read; a tab missing under its
    own title costs a metadata read and a second batched read, to look for it under its others."""
    wanted = titles(sheet)
    tabs = gateway.read_tabs(spreadsheet, list(wanted.values()))
    if all(tabs.get(t) is not None for t in wanted.values()):
        return wanted, tabs
    found = titles(sheet, gateway.titles(spreadsheet))
    if found == wanted:
        return wanted, tabs
    return found, gateway.read_tabs(spreadsheet, list(found.values()))
