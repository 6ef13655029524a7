"""Care plans and interactions in the panel, scoped to the customers a user may see."""
from __future__ import annotations

from flask import url_for
from flask_admin.model.template import LinkRowAction
from flask_login import current_user
from peewee import JOIN
from wtforms import ValidationError

from .. import clock, rules, schema, words
from ..csvio import columns as export_columns
from ..i18n import _l, word
from ..models import CarePlan, Customer, Interaction
from .base import SecureModelView, in_subquery
from .care_done import MarkDoneMixin
from .customers import owner_options
from .export import ExportMixin
from .filters import ChoiceFilter, DueFilter, RelatedFilter
from .forms import rule_field
from .labels import ENUM_COLUMNS, FIELD_LABELS, enum_pairs, plan_title
from .lookups import CarePlanLoader, CustomerLoader

# The form's fields checked by the rules (the dropdowns are the model's own), as the schema says.
PLAN_RULE_FIELDS = {f.name: {"date": f.form == "date", "long": f.form == "long", "description": f.hint}
                    for f in schema.PLANS.rule_fields}


class CustomerScopedView(SecureModelView):
    """Rows that hang off a customer: reps see only those of their own customers."""

    def scoped(self, query):
        return Customer.in_book_of(current_user, query)  # the query joins Customer

    def lean_query(self):
        return self.scoped(self.model.select(self.model._meta.primary_key).join(Customer))

    def __init__(self, *args, **kwargs):
        self.form_ajax_refs = {"customer": CustomerLoader("customer"),
                               **getattr(self, "extra_ajax_refs", {})}
        super().__init__(*args, **kwargs)


class CarePlanView(MarkDoneMixin, ExportMixin, CustomerScopedView):
    export_columns, export_name = export_columns.CARE_PLANS, "care-plans"
    column_list = schema.PLANS.listed
    enum_columns = {**ENUM_COLUMNS, **schema.PLANS.enums}
    # customer and owner sort by the joined name people read
    column_sortable_list = tuple((n, export_columns.PLAN_JOINED[n]) if n in export_columns.PLAN_JOINED
                                 else n for n in schema.PLANS.sortable)
    column_default_sort = ("next_due", False)
    column_extra_row_actions = [LinkRowAction(
        "fa fa-check", lambda action, row_id, row: url_for(".mark_done_view", ids=row_id), _l("Mark done"))]
    column_searchable_list = (CarePlan.title, CarePlan.ref)
    form_columns = schema.PLANS.form_columns
    column_formatters = {"customer": lambda v, c, m, n: m.customer.name,
                         "owner": lambda v, c, m, n: m.owner.email if m.owner_id else ""}

    def __init__(self, *args, **kwargs):
        self.related_search = {"customer": lambda like: in_subquery(
            CarePlan.customer, Customer.select(Customer.id).where(Customer.name ** like))}
        self.column_filters = [
            DueFilter(CarePlan.next_due),
            RelatedFilter(CarePlan.owner, _l("Owner"), owner_options),
            ChoiceFilter(CarePlan.status, _l("Status"), enum_pairs("plan_status", rules.PLAN_STATUSES)),
            ChoiceFilter(CarePlan.action, _l("Action"), enum_pairs("action", rules.PLAN_ACTIONS)),
        ]
        super().__init__(*args, **kwargs)

    def base_query(self):
        owner = export_columns.PLAN_OWNER
        return (CarePlan.select(CarePlan, Customer, owner).join(Customer).switch(CarePlan)
                .join(owner, JOIN.LEFT_OUTER, on=(CarePlan.owner == owner.id)).switch(CarePlan)
                .where(~CarePlan.archived))

    def lean_query(self):
        return super().lean_query().where(~CarePlan.archived)

    def scaffold_form(self):
        form_class = super().scaffold_form()
        for name, options in PLAN_RULE_FIELDS.items():
            setattr(form_class, name, rule_field("care plan", name, **options))
        return form_class

    def on_model_change(self, form, model, is_created):
        if model.owner_id is None:
            model.owner = model.customer.owner_id


class InteractionView(ExportMixin, CustomerScopedView):
    extra_ajax_refs = {"care_plan": CarePlanLoader("care_plan")}
    export_columns, export_name = export_columns.INTERACTIONS, "interactions"
    column_list = ("at", "customer", "channel", "user", "summary", "sentiment", "next_action")

    column_sortable_list = ("at", ("customer", Customer.name), "channel", "sentiment")
    column_default_sort = ("at", True)
    column_searchable_list = (Interaction.summary, Interaction.feedback)
    form_columns = ("customer", "care_plan", "at", "channel", "summary", "feedback", "sentiment",
                    "next_action", "responded_at")
    column_formatters = {"customer": lambda v, c, m, n: m.customer.name,
                         "user": lambda v, c, m, n: m.user.email if m.user_id else ""}

    def __init__(self, *args, **kwargs):
        self.column_filters = [
            ChoiceFilter(Interaction.channel, _l("Channel"), enum_pairs("channel", rules.CHANNELS)),
            ChoiceFilter(Interaction.sentiment, _l("Feedback"), enum_pairs("feedback", rules.FEEDBACK)),
            RelatedFilter(Interaction.user, _l("By"), owner_options),
        ]
        super().__init__(*args, **kwargs)

    def scaffold_form(self):
        form_class = super().scaffold_form()
        for name in rules.INTERACTION_TEXT_LIMITS:
            setattr(form_class, name, rule_field("interaction", name, long=name != "next_action"))
        return form_class

    def base_query(self):
        by = export_columns.INTERACTION_BY
        return (Interaction.select(Interaction, Customer, by).join(Customer).switch(Interaction)
                .join(by, JOIN.LEFT_OUTER, on=(Interaction.user == by.id)).switch(Interaction))

    form_args = {"at": {"default": lambda: clock.local().replace(tzinfo=None, microsecond=0)}}
    local_time_fields = ("at", "responded_at")  # typed and shown in the office's zone

    def on_form_prefill(self, form, id):
        for name in self.local_time_fields:
            value = getattr(form, name).data
            if value is not None:
                getattr(form, name).data = clock.local(value).replace(tzinfo=None)

    def on_model_change(self, form, model, is_created):
        for name in self.local_time_fields:
            typed = getattr(form, name).data
            if typed is not None:
                setattr(model, name, clock.to_stored(typed))
        if is_created:
            model.user = current_user.id


class PlaybookStepView(SecureModelView):
    """The default care plans per tier and stage; edits apply to plans made from now on."""
    roles = ("admin", "manager")
    can_view_details = False
    column_list = ("applies_to", "value", "title", "action", "channel", "interval_days",
                   "owned_by_sales_lead", "once", "active")
    column_default_sort = ("applies_to", False)
    form_columns = column_list
    # Tier or stage, its key and the seeded titles in the reader's words (the stored keys stay English).
    column_formatters = {"applies_to": lambda v, c, m, n: FIELD_LABELS.get(m.applies_to, m.applies_to),
                         "value": lambda v, c, m, n: word(m.applies_to, m.value),
                         "title": lambda v, c, m, n: plan_title(m.title)}
    form_choices = {"applies_to": [("tier", FIELD_LABELS["tier"]), ("stage", FIELD_LABELS["stage"])]}

    def on_model_change(self, form, model, is_created):
        allowed = rules.TIERS if model.applies_to == "tier" else rules.STAGES
        model.value = words.find(model.applies_to, model.value or "", allowed) or model.value  # 成交 is deal
        for problem in rules.playbook_step_problems(model.__data__).values():
            raise ValidationError(problem)

    def after_model_change(self, form, model, is_created):
        pass  # the playbook is not synced
