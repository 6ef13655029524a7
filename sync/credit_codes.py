"""A credit code belongs to one customer: a sheet row typing a code another customer holds is
refused as the panel's form refuses it (rules.credit_code_problems); the cell keeps the text."""
from __future__ import annotations

from collections.abc import Callable

from backoffice import rules
from backoffice.i18n import _
from backoffice.models import Customer

Check = Callable[[dict[str, str] | None, dict[str, str]], dict[str, str]]


def holders() -> dict[str, str]:
    """{credit code: ref of the customer holding it}, archived customers included, in one query:
    a rep's sheet is held to every customer's codes, not only to those it shows."""
    return dict(Customer.select(Customer.credit_code, Customer.ref)
                .where(Customer.credit_code.is_null(False)).tuples())


def refusals(load: Callable[[], dict[str, str]] = holders) -> Check:
    """The customers tab's record check for one merge (sync.merge.MergeRules.check).

    Only a code the sheet changes is checked (what the panel saved is never blamed on the sheet);
    the holders are read once, at the first such row, and a code one row of this merge took is
    taken for the rows after it."""
    held: dict[str, str] | None = None
    claimed: set[str] = set()

    def check(database: dict[str, str] | None, merged: dict[str, str]) -> dict[str, str]:
        nonlocal held
        code = merged.get("credit_code", "")
        if not code or (database is not None and code == database.get("credit_code", "")):
            return {}
        if held is None:
            held = load()
        holder = held.get(code)
        if holder is None and code in claimed:
            holder = ""  # another row of this sheet, new or not yet saved
        problems = rules.credit_code_problems(code, None if holder is None else (holder, ""))
        if not problems:
            claimed.add(code)
        return {name: f"{_('credit code')}: {why}" for name, why in problems.items()}

    return check
