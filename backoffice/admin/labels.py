"""The panel's lists, filters and forms in the reader's language.

Column headings and form labels come from one table of field words; enum values (stage,
tier, channel …) are shown as the glossary's words while the stored keys stay English;
money, phones and dates are shown the way people write them. Filter URLs keep English
names, so a bookmarked filter works whichever language opens it.
"""
from __future__ import annotations

from flask_babel.speaklater import LazyString
from wtforms.fields.core import UnboundField

from .. import display, schema
from ..i18n import _l, gettext, speaking, word

# field name -> its words, for every column and form field of the panel's lists
FIELD_LABELS = {
    **schema.PLANS.labels,  # a care plan's fields (its ref and owner read as a customer's)
    **schema.CUSTOMERS.labels,  # a customer's fields: declared with their rules and headers
    "archived_at": _l("Archived on"), "created_at": _l("Created"),
    "care_plan": _l("Care plan"), "at": _l("When"), "user": _l("By"),
    "summary": _l("Summary"), "feedback": _l("Customer feedback"), "sentiment": _l("Feedback was"),
    "next_action": _l("Next action"), "responded_at": _l("Responded at"),
    "applies_to": _l("Applies to a"), "value": _l("Tier or stage"),
    "owned_by_sales_lead": _l("Owned by the sales lead"), "once": _l("Only once"), "active": _l("Active"),
    "role": _l("Role"), "team": _l("Team"), "can_export_contacts": _l("May export contacts"),
    "is_sales_lead": _l("Sales lead"), "must_change_password": _l("Must change password"),
    "locale": _l("Language"), "actor_label": _l("Who"), "actor_kind": _l("Source"), "table": _l("Kind"),
    "record_ref": _l("Record"), "field": _l("Field"), "old": _l("Old value"), "new": _l("New value"),
    "started_at": _l("Started"), "finished_at": _l("Finished"), "trigger": _l("Trigger"),
    "rows_read": _l("Rows read"), "created": _l("Created"), "updated": _l("Updated"),
    "rejected": _l("Refused"), "conflicts": _l("Conflicts"), "api_calls": _l("API calls"),
    "error": _l("Error"), "base_value": _l("Agreed before"), "sheet_value": _l("Sheet"),
    "database_value": _l("Panel"), "kept": _l("Kept"), "resolved": _l("Resolved"),
    "resolution": _l("Resolution"), "resolved_by": _l("Resolved by"),
    "google_account": _l("Google account"),
}

# column -> the glossary domain its stored keys belong to (see backoffice.words)
ENUM_COLUMNS = {**schema.CUSTOMERS.enums, "action": "action", "channel": "channel", "sentiment": "feedback",
                "role": "role"}

# words of the panel's own bookkeeping (change history, sync runs, conflicts)
KEPT_WORDS = {
    "create": _l("created"), "update": _l("changed"), "archive": _l("archived"), "restore": _l("restored"),
    "user": _l("panel"), "sheet": _l("sheet"), "import": _l("import"), "system": _l("system"),
    "customer": _l("customer"), "care plan": _l("care plan"), "ticket": _l("ticket"),
    "manual": _l("by hand"), "schedule": _l("on schedule"), "save": _l("after a save"),
    "cli": _l("from the command line"),
    "ok": _l("done"), "running": _l("running"), "failed": _l("failed"), "stopped": _l("stopped"),
    "skipped": _l("skipped"),
    "confirmed": _l("confirmed"), "database": _l("panel"), "queued": _l("queued"),
    "checking": _l("checking"), "ready": _l("ready to import"), "importing": _l("importing"),
}


# The titles the seeded playbook gives plans: shown in the reader's language (a title a manager
# typed is shown as typed).
PLAYBOOK_TITLES = (_l("Monthly deep review"), _l("Quarterly industry report"), _l("Fortnightly call"),
                   _l("Monthly product news"), _l("Weekly follow-up"), _l("Monthly industry news"),
                   _l("Win-back call"))


def plan_title(title: str | None) -> str:
    return gettext(title) if title else ""


def enum_pairs(domain: str, options) -> list[tuple[str, LazyString]]:
    """(key, its words) for a dropdown or filter: read in the language of the page showing it."""
    return [(key, LazyString(word, domain, key)) for key in options]


def kept_word(key) -> str:
    return str(KEPT_WORDS.get(key, key)) if isinstance(key, str) else key


def kept_pairs(keys) -> list[tuple[str, LazyString]]:
    """(key, its words) of the panel's bookkeeping, for a filter's options."""
    return [(key, KEPT_WORDS[key]) for key in keys]


def field_word(table: str | None, name: str | None) -> str:
    """A field of a record (the history's table name: customer, care plan, ticket) as people read it."""
    if not name:
        return ""
    for record in schema.RECORDS:
        if record.key == table and name in record.labels:
            return str(record.labels[name])
    return str(FIELD_LABELS.get(name, name))


def synced_field_pairs() -> list[tuple[str, str]]:
    """Each field the sheet syncs, once, with its words (for a filter of conflicts)."""
    pairs: dict[str, str] = {}
    for record in schema.RECORDS:
        for field in record.sheet_fields:
            pairs.setdefault(field.name, str(field.label))
    return list(pairs.items())


def shown(domain: str, value) -> str:
    """A stored key, or a comma-separated list of tags, as the reader says it."""
    if not value:
        return ""
    if domain == "tag":
        return ", ".join(word("tag", tag.strip()) for tag in str(value).split(","))
    return word(domain, value)


class LabelledViewMixin:
    """Mixed into every model view of the panel."""
    enum_columns: dict[str, str] = ENUM_COLUMNS
    kept_columns: tuple[str, ...] = ()  # columns holding KEPT_WORDS keys

    def get_column_name(self, field: str):
        labels = self.column_labels or {}
        if field in labels:
            label = labels[field]
            return gettext(label) if isinstance(label, str) else label
        return FIELD_LABELS.get(field) or super().get_column_name(field)

    def get_filter_arg(self, index, flt) -> str:
        with speaking("en"):  # the URL's name of a filter never changes with the language
            return super().get_filter_arg(index, flt)

    def _get_list_value(self, context, model, name, column_formatters, column_type_formatters):
        if name not in (column_formatters or {}):
            value = getattr(model, name, None)
            if name == "title" and self.model.__name__ == "CarePlan":
                return plan_title(value)
            if name in self.enum_columns:
                return shown(self.enum_columns[name], value)
            if name in self.kept_columns:
                return kept_word(value)
            if name in display.MONEY_FIELDS:
                return display.money(value)
            if name == "phone":
                return display.phone(value)
        return super()._get_list_value(context, model, name, column_formatters, column_type_formatters)

    def scaffold_form(self):
        form_class = super().scaffold_form()
        for name in dir(form_class):
            field = getattr(form_class, name, None)
            if not isinstance(field, UnboundField):
                continue
            if not field.args and (isinstance(field.kwargs.get("label"), str) or field.kwargs.get("label") is None):
                label = self.get_column_name(name)
                if label is not None:
                    field.kwargs["label"] = label
            domain = self.enum_columns.get(name)
            if domain and field.kwargs.get("choices"):
                field.kwargs["choices"] = [(value, LazyString(word, domain, value) if value else text)
                                           for value, text in field.kwargs["choices"]]
        return form_class
