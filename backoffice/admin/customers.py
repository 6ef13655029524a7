"""The customers list, form and page, with bulk actions and the record's history."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel.speaklater import LazyString
from flask_login import current_user
from peewee import JOIN
from wtforms import ValidationError

from .. import rules, schema
from ..csvio import columns as export_columns
from ..i18n import _, _l, word
from ..models import CarePlan, Change, Customer, Industry, Interaction, Tag, User
from ..redirects import safe_next
from .base import SecureModelView, request_sync
from .customer_page import CustomerPageMixin
from .export import ExportMixin
from .filters import ArchivedFilter, ChoiceFilter, EmptyFilter, RelatedFilter, TagFilter
from .forms import rule_field
from .labels import enum_pairs


def owner_options():
    return [(u.id, u.email) for u in User.select(User.id, User.email).where(User.active).order_by(User.email)]


def industry_options():
    return [(i.id, word("industry", i.name)) for i in Industry.select().order_by(Industry.name)]


def owner_search(like):
    """Customers whose owner's login matches: the few staff ids looked up first.

    A list of ids keeps the search one OR of plain conditions, so PostgreSQL can serve it
    with the trigram indexes and knows how many rows an owner brings (a subquery there would
    be a filter on every row, or an array of unknown size it assumes is large).
    """
    owners = [row[0] for row in User.select(User.id).where(User.email ** like).tuples()]
    return Customer.owner.in_(owners)


# The form's fields checked by the rules (the dropdowns are the model's own), as the schema says.
RULE_FIELDS = {f.name: {"date": f.form == "date", "long": f.form == "long", "description": f.hint}
               for f in schema.CUSTOMERS.rule_fields}
MANAGER_ONLY_FIELDS = ("owner", "tier_override", "tier_override_reason")


class CustomerView(CustomerPageMixin, ExportMixin, SecureModelView):
    export_columns, export_name = export_columns.CUSTOMERS, "customers"
    import_endpoint = "customer_import.index"
    column_list = schema.CUSTOMERS.listed
    # owner and industry sort by the joined name people read
    column_sortable_list = tuple((n, export_columns.CUSTOMER_JOINED[n]) if n in export_columns.CUSTOMER_JOINED
                                 else n for n in schema.CUSTOMERS.sortable)
    column_default_sort = ("updated_at", True)
    column_searchable_list = (Customer.name, Customer.contact_name, Customer.phone,
                              Customer.email, Customer.credit_code, Customer.ref)
    column_details_exclude_list = ("id",)
    form_columns = schema.CUSTOMERS.form_columns
    column_formatters = {"owner": lambda v, c, m, n: m.owner.email if m.owner_id else "",
                         "industry": lambda v, c, m, n: word("industry", m.industry.name) if m.industry_id else ""}
    details_template = "admin/customer_details.html"
    edit_template = "admin/customer_edit.html"
    action_order = ("assign_owner", *(f"stage_{stage}" for stage in rules.STAGES), "archive", "restore")

    def __init__(self, *args, **kwargs):
        self.related_search = {"owner": owner_search}
        self.column_filters = [
            ChoiceFilter(Customer.tier, _l("Tier"), enum_pairs("tier", rules.TIERS)),
            ChoiceFilter(Customer.stage, _l("Stage"), enum_pairs("stage", rules.STAGES)),
            RelatedFilter(Customer.industry, _l("Industry"), industry_options),
            ChoiceFilter(Customer.region, _l("Region"), self.region_options),
            RelatedFilter(Customer.owner, _l("Owner"), owner_options),
            EmptyFilter(Customer.owner, _l("Owner")),
            ChoiceFilter(Customer.churn_risk, _l("Churn risk"), enum_pairs("churn_risk", rules.CHURN_RISKS)),
            ChoiceFilter(Customer.closeness, _l("Closeness"), enum_pairs("closeness", rules.CLOSENESS)),
            TagFilter(Customer.tags, _l("Tags"), lambda: enum_pairs("tag", Tag.names())),
            ArchivedFilter(Customer.archived),
        ]
        super().__init__(*args, **kwargs)

    def region_options(self):
        query = (Customer.select(Customer.region).where(Customer.region.is_null(False))
                 .distinct().order_by(Customer.region))
        return [(c.region, c.region) for c in self.scoped(query)]

    # -- which rows -----------------------------------------------------------
    def base_query(self):
        return (Customer.select(Customer, User, Industry)
                .join(User, JOIN.LEFT_OUTER, on=(Customer.owner == User.id)).switch(Customer)
                .join(Industry, JOIN.LEFT_OUTER, on=(Customer.industry == Industry.id)).switch(Customer))

    def scoped(self, query):
        return Customer.in_book_of(current_user, query)

    def apply_filters(self, query, filters):
        wants_archived = any(isinstance(self._filters[i], ArchivedFilter) for i, _n, _v in filters or ())
        if not wants_archived:
            query = query.where(~Customer.archived)  # working lists hide the archive
        return super().apply_filters(query, filters)

    # -- the form -------------------------------------------------------------
    def scaffold_form(self):
        form_class = super().scaffold_form()
        for name, options in RULE_FIELDS.items():
            setattr(form_class, name, rule_field("customer", name, **options))
        return form_class

    def _limit_form(self, form):
        if not current_user.sees_all_customers:
            for name in MANAGER_ONLY_FIELDS:
                delattr(form, name)
        elif hasattr(form, "owner"):
            form.owner.query = User.select().where(User.active).order_by(User.email)
        return form

    def create_form(self, obj=None):
        return self._limit_form(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._limit_form(super().edit_form(obj))

    def on_model_change(self, form, model, is_created):
        if is_created and not current_user.sees_all_customers:
            model.owner = current_user.id
        for problem in rules.customer_problems(model.__data__).values():
            raise ValidationError(problem)
        if not model.tier_override:
            model.tier_override_reason = None
        twin = model.credit_code and Customer.get_or_none(
            (Customer.credit_code == model.credit_code) & (Customer.id != (model.id or 0)))
        # Who holds the code is named only to someone who may see that customer.
        for problem in rules.credit_code_problems(model.credit_code, twin and (twin.ref, twin.name),
                                                  shown=bool(twin) and twin.is_in_book_of(current_user)).values():
            raise ValidationError(problem)
        tiers = current_app.config["BACKOFFICE"]["tiers"]
        model.tier = model.effective_tier(tiers["strategic_from"], tiers["key_from"])

    def update_model(self, form, model):
        # The record as the form loaded it is the history's "before": the save need not read it again.
        model.loaded_values = model.tracked_values()
        return super().update_model(form, model)

    def after_model_change(self, form, model, is_created):
        from ..care.hooks import customers_changed
        customers_changed([model.id], current_app.config["BACKOFFICE"],
                          fields=None if is_created else getattr(model, "changed_fields", None))
        super().after_model_change(form, model, is_created)

    # -- the page -------------------------------------------------------------
    def history_for(self, model, limit: int = 200):
        return list(Change.of(model).limit(limit))

    def plans_for(self, model):
        return list(CarePlan.select().where(CarePlan.customer == model, ~CarePlan.archived)
                    .order_by(CarePlan.next_due))

    def interactions_for(self, model, limit: int = 50):
        return list(Interaction.select().where(Interaction.customer == model)
                    .order_by(Interaction.at.desc()).limit(limit))

    # -- bulk actions ---------------------------------------------------------
    def _each(self, ids, change) -> int:
        from ..care.hooks import customers_changed
        changed = []
        for customer in Customer.select().where(Customer.id.in_(self.visible_ids(ids))):
            if change(customer):
                changed.append(customer.id)
        if changed:
            customers_changed(changed, current_app.config["BACKOFFICE"])
            request_sync()
        return len(changed)

    @action("archive", _l("Archive"),
            _l("Archive the selected customers? They leave working lists and the sheet; they can be restored."))
    def action_archive(self, ids):
        flash(_("Archived %(n)d customer(s).", n=self._each(ids, Customer.archive)))

    @action("restore", _l("Restore"), _l("Restore the selected customers from the archive?"))
    def action_restore(self, ids):
        flash(_("Restored %(n)d customer(s).", n=self._each(ids, Customer.restore)))

    @action("assign_owner", _l("Assign owner…"))
    def action_assign_owner(self, ids):
        return redirect(url_for(".assign_owner", ids=",".join(self.visible_ids_str(ids)),
                                url=safe_next(request.form.get("url"), url_for(".index_view"))))

    def visible_ids_str(self, ids):
        return [str(i) for i in self.visible_ids(ids)]

    def is_action_allowed(self, name):
        if name == "assign_owner" and not current_user.sees_all_customers:
            return False
        return super().is_action_allowed(name)

    @expose("/assign-owner/", methods=("GET", "POST"))
    def assign_owner(self):
        if not current_user.sees_all_customers:
            return self.inaccessible_callback("assign_owner")
        ids = self.visible_ids(request.values.get("ids", "").split(","))
        back = safe_next(request.values.get("url"), url_for(".index_view"))
        if request.method == "POST":
            owner = User.get_or_none((User.id == request.form.get("owner", type=int)) & User.active)
            if owner is None:
                flash(_("Pick an active user as the new owner."), "error")
            else:
                def reassign(customer):
                    if customer.owner_id == owner.id:
                        return False
                    customer.owner = owner
                    customer.save()
                    return True
                flash(_("Assigned %(n)d customer(s) to %(owner)s.", n=self._each(ids, reassign), owner=owner.email))
                return redirect(back)
        customers = list(Customer.select().where(Customer.id.in_(ids)).order_by(Customer.name))
        return self.render("admin/assign_owner.html", customers=customers, owners=owner_options(),
                           ids=",".join(map(str, ids)), back=back)


def _stage_action(stage: str):
    shown = LazyString(word, "stage", stage)

    @action(f"stage_{stage}", _l("Move to stage: %(stage)s", stage=shown),
            _l("Move the selected customers to the stage “%(stage)s”?", stage=shown))
    def handler(self, ids):
        def move(customer):
            if customer.stage == stage:
                return False
            customer.stage = stage
            customer.save()
            return True
        flash(_("Moved %(n)d customer(s) to %(stage)s.", n=self._each(ids, move), stage=word("stage", stage)))
    return handler


for _stage in rules.STAGES:
    setattr(CustomerView, f"action_stage_{_stage}", _stage_action(_stage))
