"""Form fields that validate through the rules module, so the panel agrees with the sheet and CSV."""
from __future__ import annotations

from flask import current_app, g
from flask_babel.speaklater import LazyString
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.widgets import DateInput

from .. import rules
from ..i18n import _
from ..models import rules_context

RULE_SETS = {"customer": rules.customer_rules, "care plan": rules.plan_rules,
             "ticket": rules.ticket_rules, "interaction": rules.interaction_rules}


def current_rules(table: str) -> dict[str, rules.Rule]:
    """The table's rules on this request's one context (its dictionaries are read once, when needed)."""
    if "rules_context" not in g:
        g.rules_context = rules_context(current_app.config["BACKOFFICE"]["phone"]["default_region"])
    return RULE_SETS[table](g.rules_context)


def check_form(form, table: str) -> tuple[dict, dict]:
    """One `rules.check` for every rule field of the form: (clean values, {field: message})."""
    names = [field.name for field in form
             if any(isinstance(v, RuleValidator) and v.table == table for v in field.validators)]
    table_rules = current_rules(table)
    return rules.check({n: table_rules[n] for n in names}, {n: form[n].data for n in names},
                       partial=True, labelled=False)


class RuleValidator:
    """The field's part of the record's one check (run by the form's first rule field): raises
    the field's message, or leaves the cleaned value in the field."""

    def __init__(self, table: str, name: str):
        self.table, self.name = table, name

    def __call__(self, form, field):
        checked = form.__dict__.setdefault("_checked_by_rules", {})
        if self.table not in checked:
            checked[self.table] = check_form(form, self.table)
        cleaned, errors = checked[self.table]
        if self.name in errors:
            raise ValidationError(errors[self.name])
        field.data = cleaned.get(self.name)


class RuleField(StringField):
    """A text input whose value is whatever the rule makes of it (E.164 phone, Decimal, date)."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else None


def _label(english: str) -> str:
    text = _(english)
    return text[:1].upper() + text[1:]


def rule_field(table: str, name: str, *, date: bool = False, long: bool = False,
               description: str = ""):
    """A form field bound to one rule: a date input for dates, a text area for long text."""
    # The rule's English label, read out in the person's language when the form is shown.
    label = LazyString(_label, RULE_SETS[table](rules.Context())[name].label)
    kwargs = {"validators": [RuleValidator(table, name)], "label": label,
              "description": description}
    if date:
        return RuleField(widget=DateInput(), **kwargs)
    if long:
        field = type("RuleTextArea", (RuleField,), {"widget": TextAreaField.widget})
        return field(**kwargs)
    return RuleField(**kwargs)
