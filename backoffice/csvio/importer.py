"""The customer import: check every row with the domain rules, find duplicates, insert in bulk."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import actors, rules
from ..care import playbook
from ..models import Customer, Industry, User, rules_context
from ..writer import Batch, chunks
from .reading import IMPORTABLE, BadFile, rows

CHUNK = 1000  # rows per INSERT: one progress step each
SHOWN_PROBLEMS = 50


@dataclass
class Checked:
    """What a file would import: the good rows, and every bad or duplicate row with why."""
    total: int = 0
    good: list[tuple[int, dict]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    duplicates: int = 0

    @property
    def bad(self) -> int:
        return len(self.problems) - self.duplicates


def _keys(values: dict) -> list[tuple[str, str, str]]:
    """The ways a row can match another customer: (what, key, words for the message)."""
    keys = []
    if values.get("credit_code"):
        keys.append(("credit code", values["credit_code"], values["credit_code"]))
    if values.get("email"):
        keys.append(("email", values["email"].lower(), values["email"]))
    if values.get("phone"):
        keys.append(("name and phone", f"{values['name'].lower()}|{values['phone']}",
                     f"{values['name']} / {values['phone']}"))
    return keys


def _in_database(good: list[tuple[int, dict]]) -> dict[tuple[str, str], str]:
    """Existing customers sharing a key with the file, found in chunked IN (...) lookups."""
    codes = sorted({v["credit_code"] for _, v in good if v.get("credit_code")})
    emails = sorted({v["email"].lower() for _, v in good if v.get("email")})
    phones = sorted({v["phone"] for _, v in good if v.get("phone")})
    found = {}
    columns = (Customer.ref, Customer.name, Customer.credit_code, Customer.email, Customer.phone)
    for what, values, column in (("credit code", codes, Customer.credit_code),
                                 ("email", emails, Customer.email), ("phone", phones, Customer.phone)):
        for part in chunks(values):
            for c in Customer.select(*columns).where(column.in_(part)):
                label = f"{c.ref} ({c.name})"
                if what == "credit code":
                    found[("credit code", c.credit_code)] = label
                elif what == "email":
                    found[("email", (c.email or "").lower())] = label
                else:
                    found[("name and phone", f"{c.name.lower()}|{c.phone}")] = label
    return found


def check(text: str, region: str = "CN", progress: Callable[[int], None] = lambda n: None) -> Checked:
    """Validate every row with the same rules as the panel and the sheet. Raises BadFile."""
    customer_rules = rules.customer_rules(rules_context(region))
    result = Checked()
    candidates = []
    for line, row in rows(text):
        result.total += 1
        values, errors = rules.check(customer_rules, row)
        if errors:
            result.problems.append((line, "; ".join(errors.values())))
        else:
            candidates.append((line, values))
        if result.total % 1000 == 0:
            progress(1000)
    progress(result.total % 1000)
    if result.total == 0:
        raise BadFile("The file has a header but no customer rows.")
    existing = _in_database(candidates)
    seen: dict[tuple[str, str], int] = {}
    for line, values in candidates:
        reason = None
        for what, key, words in _keys(values):
            if (what, key) in existing:
                reason = f"duplicate: {what} {words} is already customer {existing[(what, key)]}"
            elif (what, key) in seen:
                reason = f"duplicate: same {what} as line {seen[(what, key)]}"
            if reason:
                break
        if reason:
            result.problems.append((line, reason + "; skipped"))
            result.duplicates += 1
            continue
        for what, key, _words in _keys(values):
            seen[(what, key)] = line
        result.good.append((line, values))
    result.problems.sort()
    return result


def _default(name: str):
    default = Customer._meta.fields[name].default
    return default() if callable(default) else default


def _model_row(values: dict, industries: dict, owners: dict, tiers: dict) -> dict:
    # Every row gets every column, so one multi-row INSERT fits them all.
    row = {name: values[name] if values.get(name) is not None else _default(name)
           for name in IMPORTABLE}
    row["industry"] = industries.get(values.get("industry"))
    row["owner"] = owners.get(values.get("owner"))
    row["tier"] = rules.tier_for(values.get("annual_purchase"), tiers["strategic_from"], tiers["key_from"])
    return row


def import_steps(checked: Checked) -> int:
    """How many progress steps `import_rows` reports: each good row once saved, once planned."""
    return 2 * len(checked.good)


def import_rows(checked: Checked, settings: dict, actor: actors.Actor,
                progress: Callable[[int], None] = lambda n: None) -> list[int]:
    """Insert the good rows and their playbook plans in one transaction (all or nothing).

    Returns the new customers' ids. Nothing is read back but the ids of the rows just
    written; `progress` is called between chunks (see `import_steps` for the total)."""
    industries = {i.name: i.id for i in Industry.select(Industry.id, Industry.name)}
    owners = {u.email: u.id for u in User.select(User.id, User.email)}
    ids, new = [], []
    with Batch(actor) as batch:
        for good in chunks(checked.good, CHUNK):
            part = [_model_row(v, industries, owners, settings["tiers"]) for _, v in good]
            made = batch.create(Customer, part, "CU")
            ids.extend(pk for pk, _ref in made)
            new.extend((pk, r["tier"], r["stage"], r["owner"]) for (pk, _ref), r in zip(made, part, strict=True))
            progress(len(part))
        # The new customers get their tier and stage plans in the same transaction.
        batch.flush()
        playbook.for_new_customers(new, actor, progress=progress)
    return ids
