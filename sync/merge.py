"""The pure core of the sync: base, sheet and database versions of one tab in, a plan out."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backoffice.i18n import _, _l
from backoffice.rules import RuleError

from . import copies
from .columns import ID, OK, STATUS, Table, cell_shows, raw_text
from .quiet import QuietRows

STATUS_LIMIT = 500  # a status is read by a person; the full story is in the sync runs
# How a status names one record, in the language the cycle speaks (the sheet's).
NOUNS = {"customer": _l("customer"), "care plan": _l("care plan"), "ticket": _l("ticket")}


def _noun(table: Table) -> str:
    return str(NOUNS.get(table.noun, table.noun))


def _not_saved(error: object) -> str:
    return _("%(error)s - not saved", error=error)


@dataclass
class SheetRow:
    number: int  # the sheet's own row number: 2 is the first row under the header
    values: dict[str, Any]  # field -> the cell as read (formulas as their text)
    formulas: frozenset[str] = frozenset()  # fields whose cell holds a typed formula (sync/formulas.py)


@dataclass
class RowNote:
    """What the cycle made of a row's command cells (a plan's Done on): said in the row's status."""
    errors: dict[str, str] = field(default_factory=dict)  # field -> why refused; the cell keeps its text
    notices: list[str] = field(default_factory=list)  # what was done ("done on …, next due …")
    clear: tuple[str, ...] = ()  # cells blanked now that their action is done


@dataclass
class TabInput:
    table: Table
    rows: list[SheetRow]  # rows with anything in a synced column
    free_rows: list[int]  # rows blank in every column: new panel records go here first
    next_row: int  # the first row after the last used one
    database: dict[str, dict[str, str]]  # ref -> canonical texts of the working records
    archived: set[str]  # refs of archived records
    base: dict[str, dict[str, str]]  # ref -> what both sides agreed on last time
    open_conflicts: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # ref -> {(field, kept)}
    row_notes: dict[int, RowNote] = field(default_factory=dict)  # row number -> its command cells' outcome


@dataclass
class MergeRules:
    clean: Callable[[str, Any], str]  # field, raw cell -> canonical text; raises RuleError
    derive: Callable[[dict[str, str], set[str]], dict[str, str]]  # values, changed -> derived
    mint: Callable[[], str]  # a new record id
    policy: str = "database"  # which side a conflict keeps
    customers: dict[str, str] | None = None  # ref -> name, for a tab that refers to customers
    # Rules of the whole record (a ticket's status moves): (database or None, merged) -> {field: why}
    # for the fields to refuse; the database keeps its value, the cell the typed text.
    check: Callable[[dict[str, str] | None, dict[str, str]], dict[str, str]] | None = None


@dataclass
class Conflict:
    ref: str
    field: str
    base: str | None
    sheet: str
    database: str
    kept: str


@dataclass
class Plan:
    table: Table
    creates: dict[str, dict[str, str]] = field(default_factory=dict)
    updates: dict[str, dict[str, str]] = field(default_factory=dict)  # ref -> changed fields
    archives: list[str] = field(default_factory=list)
    cells: dict[tuple[int, str], str] = field(default_factory=dict)  # (row, field) -> text
    # Rows whose refused-cell marks must change: row -> {field: the note}; {} clears them (sync/marks.py).
    marks: dict[int, dict[str, str]] = field(default_factory=dict)
    base: dict[str, dict[str, str] | None] = field(default_factory=dict)  # None: forget
    conflicts: list[Conflict] = field(default_factory=list)
    rejected: int = 0
    rows_read: int = 0
    sheet_updated: set[str] = field(default_factory=set)  # refs whose sheet row got new values

    @property
    def updated(self) -> int:
        return len((set(self.updates) | self.sheet_updated) - set(self.creates))


def merge(tab: TabInput, rules: MergeRules) -> Plan:
    """Decide every create, update, archive and cell write for one tab (no I/O)."""
    plan = Plan(tab.table, rows_read=len(tab.rows))
    seen: dict[str, int] = copies.record_rows(tab.table, tab.rows)  # never row order alone: sync/copies.py
    quiet = QuietRows(tab.table, rules.derive, STATUS_LIMIT)
    for row in tab.rows:
        _merge_row(tab, rules, plan, row, seen, quiet)
    free = iter(tab.free_rows)
    next_row = tab.next_row
    for ref, values in tab.database.items():
        if ref in seen:
            continue
        if ref in tab.base:
            plan.archives.append(ref)  # its row left the sheet
            plan.base[ref] = None
            continue
        number = next(free, None)
        if number is None:
            number, next_row = next_row, next_row + 1
        for column in tab.table.all_columns:  # a new record from the panel joins the sheet
            text = ref if column.field == ID else "" if column.field == STATUS else values.get(column.field, "")
            if text != "":
                plan.cells[(number, column.field)] = text
        plan.sheet_updated.add(ref)
        plan.base[ref] = _synced(tab.table, values)
    for ref in tab.base:
        if ref not in tab.database and ref not in seen:
            plan.base[ref] = None  # archived or gone on both sides
    return plan


def _synced(table: Table, values: dict[str, str]) -> dict[str, str]:
    return {name: values.get(name, "") for name in table.fields}


def _merge_row(tab: TabInput, rules: MergeRules, plan: Plan, row: SheetRow,
               seen: dict[str, int], quiet: QuietRows) -> None:
    table = tab.table
    ref = raw_text(row.values.get(ID)).strip()
    errors: list[str] = []
    # Archived in the panel: every row with its ID leaves the sheet, pasted copies too (a copy
    # told "also on row N" while row N is blanked would be told otherwise by the next cycle).
    archived = ref in tab.archived or (ref not in tab.database and ref in tab.base)
    if not ref:
        ref = rules.mint()  # written into the row before the record exists: see docs/sync.md
        plan.cells[(row.number, ID)] = ref
    elif not table.ref_is_valid(ref):
        errors.append(table.column(ID).heading() + ": " + _(
            '"%(ref)s" is not an id the sync gave out - this row was not saved; '
            "clear the ID to add it as a new %(noun)s", ref=ref[:40], noun=_noun(table)))
    elif seen.setdefault(ref, row.number) != row.number and not archived:
        errors.append(table.column(ID).heading() + ": " + _(
            "%(ref)s is also on row %(row)s - this row was not saved; "
            "clear the ID to add it as a new %(noun)s", ref=ref, row=seen[ref], noun=_noun(table)))
    if errors:
        plan.rejected += 1
        _status(plan, row, errors, [], changed=False, reasons={ID: errors[0]})
        return
    seen[ref] = row.number
    if archived:
        if ref in tab.base:  # archived in the panel: the record leaves the sheet
            _keep_unsynced_edits(tab, rules, plan, row, ref)
            for column in table.all_columns:
                if raw_text(row.values.get(column.field)) != "":
                    plan.cells[(row.number, column.field)] = ""
            if is_problem(raw_text(row.values.get(STATUS))):
                plan.marks[row.number] = {}  # a blanked row keeps no mark
            plan.base[ref] = None
            return
        plan.rejected += 1
        archived = _("this %(noun)s is archived - restore it in the panel to edit it here", noun=_noun(table))
        _status(plan, row, [archived], [], changed=False, reasons={ID: archived})
        return
    if ref in tab.database:
        if row.formulas or ref in tab.open_conflicts or row.number in tab.row_notes \
                or _notes_a_conflict(table, row) or not quiet(
                row.values, ref, tab.database[ref], tab.base.get(ref), plan.sheet_updated):
            _update(tab, rules, plan, row, ref)
    else:
        _create(tab, rules, plan, row, ref)


def _keep_unsynced_edits(tab: TabInput, rules: MergeRules, plan: Plan, row: SheetRow, ref: str) -> None:
    """Sheet edits to a record archived in the panel meanwhile go to the conflict log, not away."""
    base = tab.base[ref]
    for column in tab.table.columns:
        if column.read_only or raw_text(row.values.get(column.field)) == base.get(column.field, ""):
            continue
        try:
            sheet = _clean(tab, rules, row, column.field)
        except RuleError:
            sheet = raw_text(row.values.get(column.field))
        if sheet != base.get(column.field, ""):
            plan.conflicts.append(Conflict(ref, column.field, base.get(column.field), sheet,
                                           base.get(column.field, ""), "database"))


def _clean(tab: TabInput, rules: MergeRules, row: SheetRow, name: str) -> str:
    raw = row.values.get(name)
    if name != "customer_ref":
        text = rules.clean(name, raw)
        return tab.table.empty_means.get(name, "") if text == "" else text  # blank purchases: 0
    customers = rules.customers or {}
    ref = raw_text(raw).strip()
    header = tab.table.column("customer_ref").heading() + ": "
    if ref:
        if ref not in customers:
            raise RuleError(header + _('"%(ref)s" is not a customer in the panel', ref=ref[:40]))
        return ref
    label = raw_text(row.values.get("customer_name")).strip()
    matches = [r for r, name in customers.items() if name == label] if label else []
    if len(matches) == 1:
        return matches[0]  # a blank ID beside a unique exact name: matched, and the id filled in
    if len(matches) > 1:
        raise RuleError(header + _('%(count)s customers are named "%(name)s"; type the ID',
                                   count=len(matches), name=label[:40]))
    raise RuleError(header + _("is required - type the customer's ID, or their exact name in %(column)s",
                               column=tab.table.column("customer_name").heading()))


def _create(tab: TabInput, rules: MergeRules, plan: Plan, row: SheetRow, ref: str) -> None:
    table = tab.table
    values: dict[str, str] = {}
    errors: list[str] = []
    reasons: dict[str, str] = {}
    refused: set[str] = set()
    for column in table.columns:
        if column.read_only:
            continue
        try:
            text = _clean(tab, rules, row, column.field)
        except RuleError as exc:
            default = table.create_defaults.get(column.field) or table.empty_means.get(column.field)
            if raw_text(row.values.get(column.field)).strip() == "" and default:
                text = default
            else:
                errors.append(_not_saved(exc))
                reasons[column.field] = errors[-1]
                refused.add(column.field)
                # A field with a default (a stage) starts with it; the cell keeps what was typed.
                text = table.create_defaults.get(column.field, "")
        values[column.field] = text or table.empty_means.get(column.field, "")
    if rules.check is not None:
        for name, why in rules.check(None, values).items():
            if name not in refused:
                errors.append(_not_saved(why))
                reasons[name] = errors[-1]
                refused.add(name)
            values[name] = table.create_defaults.get(name, "")
    required = [c for c in refused if c in _required(table, rules) and c not in table.create_defaults]
    if required:
        plan.rejected += 1
        errors.append(_("this %(noun)s was not created until the above is fixed", noun=_noun(table)))
        _status(plan, row, errors, [], changed=False, reasons=reasons)
        return
    values.update(rules.derive(values, set(values)))
    notices = _write_row(table, plan, row, values, refused, base=None)
    plan.creates[ref] = values
    plan.base[ref] = _synced(table, values)
    plan.rejected += bool(errors)
    _status(plan, row, errors, notices, changed=True, reasons=reasons)


def _required(table: Table, rules: MergeRules) -> set[str]:
    """Fields without which a record cannot exist (a blank one refuses the row)."""
    found = set()
    for column in table.columns:
        if column.read_only or column.field in table.empty_means:
            continue
        try:
            rules.clean(column.field, "")
        except RuleError:
            found.add(column.field)
        except KeyError:
            found.add(column.field)  # customer_ref: checked by the merge itself
    return found


def _update(tab: TabInput, rules: MergeRules, plan: Plan, row: SheetRow, ref: str) -> None:
    table = tab.table
    database = tab.database[ref]
    adopted = copies.is_flagged(row.values, ref)  # a copy that outlived the record's row
    base = None if adopted else tab.base.get(ref)  # so each differing value is a conflict...
    agreed: dict[str, str] = {}
    errors: list[str] = []
    reasons: dict[str, str] = {}
    notices: list[str] = []
    refused: set[str] = set()
    conflicted = set(tab.open_conflicts.get(ref, ()))  # the note stays until an admin resolves it
    for column in table.columns:
        if column.read_only:
            continue
        name, raw = column.field, row.values.get(column.field)
        db_text = database.get(name, "")
        base_text = base.get(name) if base is not None else None
        formula = name in row.formulas  # its text may equal the panel's, but it is a formula
        if base_text is not None and raw_text(raw) == base_text and not formula:
            sheet = base_text  # untouched (even text that looks like a formula, typed in the panel)
        elif cell_shows(column, raw, db_text) and not formula:
            sheet = db_text
        else:
            try:
                sheet = _clean(tab, rules, row, name)
            except RuleError as exc:
                if raw_text(raw).strip() == "" and name in table.empty_means:
                    sheet = table.empty_means[name]
                elif adopted:  # a stale copy's old text, not typed now: logged and shown right
                    sheet = raw_text(raw)
                else:
                    errors.append(_not_saved(exc))
                    reasons[name] = errors[-1]
                    refused.add(name)
                    agreed[name] = db_text  # the database keeps its value; the cell keeps the text
                    continue
        sheet_changed = base_text is None or sheet != base_text
        db_changed = base_text is None or db_text != base_text
        if sheet == db_text:
            agreed[name] = db_text
        elif sheet_changed and db_changed:
            kept = "database" if adopted else rules.policy  # ...and the copy's value is only logged
            agreed[name] = db_text if kept == "database" else sheet
            plan.conflicts.append(Conflict(ref, name, base_text, sheet, db_text, kept))
            conflicted.add((name, kept))
        else:
            agreed[name] = sheet if sheet_changed else db_text
    if rules.check is not None:
        for name, why in rules.check(database, {**database, **agreed}).items():
            if name not in refused:
                errors.append(_not_saved(why))
                reasons[name] = errors[-1]
                refused.add(name)
            agreed[name] = database.get(name, "")
    notices += [_conflict_note(table, c.field, kept) for c in table.columns
                for kept in ("database", "sheet") if (c.field, kept) in conflicted]
    changes = {n: v for n, v in agreed.items() if v != database.get(n, "")}
    merged = {**database, **agreed}
    derived = rules.derive(merged, set(changes))
    changes.update({n: v for n, v in derived.items() if v != database.get(n, "")})
    merged.update(derived)
    notices += _write_row(table, plan, row, merged, refused, base)
    if changes:
        plan.updates[ref] = changes
    new_base = _synced(table, merged)
    if new_base != base:
        plan.base[ref] = new_base
    note = tab.row_notes.get(row.number)
    if note is not None:
        _noted(plan, row, note, errors, notices, reasons)
    plan.rejected += bool(errors)
    changed = bool(changes) or ref in plan.sheet_updated or bool(note and note.notices)
    _status(plan, row, errors, notices, changed, reasons)


def _noted(plan: Plan, row: SheetRow, note: RowNote, errors: list[str], notices: list[str],
           reasons: dict[str, str]) -> None:
    """A row's command cells in its status, and blanked once their action is done."""
    for name, why in note.errors.items():
        errors.append(why)
        reasons[name] = why
    notices.extend(note.notices)
    for name in note.clear:
        if raw_text(row.values.get(name)) != "":
            plan.cells[(row.number, name)] = ""


def _conflict_note(table: Table, name: str, kept: str) -> str:
    header = table.column(name).heading().lower()
    if kept == "database":
        return _("%(column)s: changed here and in the panel; the panel's value was kept "
                 "(the other is in the conflict log)", column=header)
    return _("%(column)s: changed here and in the panel; the sheet's value was kept "
             "(the other is in the conflict log)", column=header)


def _notes_a_conflict(table: Table, row: SheetRow) -> bool:
    """Whether the row's status carries a conflict note (it must go once the conflict is resolved)."""
    status = raw_text(row.values.get(STATUS))
    return status.startswith(f"{OK} - ") and _has_conflict_note(table, status)


def _has_conflict_note(table: Table, text: str) -> bool:
    return any(_conflict_note(table, c.field, kept) in text for c in table.columns if not c.read_only
               for kept in ("database", "sheet"))


def _write_row(table: Table, plan: Plan, row: SheetRow, values: dict[str, str], refused: set[str],
               base: dict[str, str] | None) -> list[str]:
    """Cell writes that make the row show `values`; notices for reverted read-only edits."""
    notices = []
    ref = raw_text(row.values.get(ID)).strip() or plan.cells.get((row.number, ID), "")
    for column in table.columns:
        name, raw = column.field, row.values.get(column.field)
        text = values.get(name, "")
        if name in refused or cell_shows(column, raw, text):
            continue
        plan.cells[(row.number, name)] = text
        plan.sheet_updated.add(ref)
        if column.read_only and name != "customer_name":
            before = base.get(name) if base is not None else ""
            if raw_text(raw).strip() not in ("", before):
                notices.append(_("%(column)s: is worked out by the system - your edit was reverted",
                                 column=column.heading().lower()))
    return notices


def is_problem(status: str) -> bool:
    """Whether a status says something was not saved (a clean row says nothing; a notice starts "ok - ")."""
    return bool(status.strip()) and not status.startswith(OK)


def _status(plan: Plan, row: SheetRow, errors: list[str], notices: list[str], changed: bool,
            reasons: dict[str, str] | None = None) -> None:
    """The row's status, and its cell marks when the status changes (reasons: field -> why refused).

    Marks change only with the status: a status that stays means its marks are already there,
    so a quiet cycle plans no formatting. A status that stops being a problem clears them.
    """
    current = raw_text(row.values.get(STATUS))
    if errors:
        text = "; ".join(errors + notices)
    elif notices:
        text = f"{OK} - " + "; ".join(notices)
    elif current.startswith(f"{OK} - ") and not changed and not _notes_a_conflict(plan.table, row):
        text = current  # a one-off notice stays until the row changes again
    else:
        text = ""  # a clean row says nothing, so the rows that need a look stand out
    if text and not changed and current.startswith(text + "; ") \
            and not _has_conflict_note(plan.table, current[len(text):]):
        text = current  # said again: an earlier cycle's one-off notices stay until the row changes
    if len(text) > STATUS_LIMIT:
        text = text[:STATUS_LIMIT - 3] + "..."
    if text != current:
        plan.cells[(row.number, STATUS)] = text
        if errors:
            plan.marks[row.number] = {**(reasons or {}), STATUS: ""}
        elif is_problem(current):
            plan.marks[row.number] = {}
