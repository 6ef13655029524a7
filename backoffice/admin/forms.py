"""Form fields that validate through the rules module, so the panel agrees with the sheet and CSV."""
from __future__ import annotations

from flask import current_app
from flask_babel.speaklater import LazyString
from wtforms import StringField, TextAreaField, ValidationError
from wtforms.widgets import DateInput

from .. import rules
from ..i18n import _
from ..models import rules_context

RULE_SETS = {"customer": rules.customer_rules, "care plan": rules.plan_rules,
             "ticket": rules.ticket_rules, "interaction": rules.interaction_rules}


def current_rules(table: str) -> dict[str, rules.Rule]:
    region = current_app.config["BACKOFFICE"]["phone"]["default_region"]
    return RULE_SETS[table](rules_context(region))


class RuleValidator:
    """Runs one rule of `rules` and leaves the cleaned value in the field."""

    def __init__(self, table: str, name: str):
        self.table, self.name = table, name

    def __call__(self, form, field):
        rule = current_rules(self.table)[self.name]
        try:
            value = rule.clean(field.data)
        except rules.RuleError as exc:
            raise ValidationError(str(exc)) from None
        if value is None and rule.required:
            raise ValidationError(_("is required"))
        field.data = value


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
