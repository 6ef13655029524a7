"""Users (admins only), the editable dictionaries and the read-only global change history."""
from __future__ import annotations

from flask_login import current_user
from wtforms import PasswordField, ValidationError

from .. import rules, sessions
from ..csvio import columns as export_columns
from ..i18n import _l
from ..models import Change, User
from .base import SecureModelView
from .export import ExportMixin
from .filters import ChoiceFilter
from .labels import KEPT_WORDS, enum_pairs


class UserView(SecureModelView):
    roles = ("admin",)
    column_list = ("email", "name", "role", "team", "active", "can_export_contacts", "is_sales_lead",
                   "must_change_password", "created_at")
    column_labels = {"name": _l("Full name")}
    column_searchable_list = (User.email, User.name)
    form_columns = ("email", "name", "role", "team", "active", "can_export_contacts", "is_sales_lead",
                    "must_change_password", "locale", "google_account")
    # Empty: the office's app.locale. Each person can also switch their own from the navbar.
    form_choices = {"locale": [("", "—"), ("zh_CN", "中文"), ("en", "English")],
                    "role": enum_pairs("role", ("admin", "manager", "rep"))}
    form_extra_fields = {"new_password": PasswordField(
        _l("New password"),
        description=_l("At least 10 characters, not a common password; the user must change it at "
                       "first sign-in. Leave empty to keep the current one. A new password, another "
                       "role or deactivation signs the user out everywhere."))}

    def __init__(self, *args, **kwargs):
        self.column_filters = [ChoiceFilter(User.role, _l("Role"), enum_pairs("role", ("admin", "manager", "rep"))),
                               User.active]
        super().__init__(*args, **kwargs)

    def on_model_change(self, form, model, is_created):
        model.email = (model.email or "").strip().lower()
        password = form.new_password.data
        own = model.id is not None and model.id == current_user.id
        values = {"password": password, "role": model.role, "active": model.active}
        for problem in rules.account_problems(values, created=is_created, own=own).values():
            raise ValidationError(problem)
        if password:
            try:
                model.set_password(password)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            # Someone else's password is known to the admin who typed it: theirs to replace.
            model.must_change_password = model.id != current_user.id

    def after_model_change(self, form, model, is_created):
        # Users are not synced. An admin who set their own password stays signed in here.
        if not is_created and model.id == current_user.id and form.new_password.data:
            sessions.start_again(model)


class DictionaryView(SecureModelView):
    roles = ("admin", "manager")
    column_searchable_list = ("name",)

    def after_model_change(self, form, model, is_created):
        pass


class IndustryView(DictionaryView):
    enum_columns = {"name": "industry"}
    column_list = ("name", "active")
    form_columns = ("name", "active")


class TagView(DictionaryView):
    enum_columns = {"name": "tag"}
    column_list = ("name",)
    form_columns = ("name",)


class ChangeView(ExportMixin, SecureModelView):
    export_columns, export_name = export_columns.CHANGES, "change-history"
    roles = ("admin", "manager")
    can_create = can_edit = False
    can_view_details = False
    column_list = ("at", "actor_label", "actor_kind", "table", "record_ref", "action", "field", "old", "new")
    enum_columns = {}
    kept_columns = ("actor_kind", "table", "action")
    column_default_sort = ("at", True)
    column_sortable_list = ("at", "actor_label", "table", "record_ref", "action", "field")
    column_searchable_list = (Change.record_ref, Change.actor_label, Change.field)

    def __init__(self, *args, **kwargs):
        pairs = lambda options: [(o, KEPT_WORDS[o]) for o in options]  # noqa: E731
        self.column_filters = [
            ChoiceFilter(Change.actor_kind, _l("Source"), pairs(("user", "sheet", "import", "system"))),
            ChoiceFilter(Change.table, _l("Kind"), pairs(("customer", "care plan", "ticket"))),
            ChoiceFilter(Change.action, _l("Action"), pairs(("create", "update", "archive", "restore"))),
        ]
        super().__init__(*args, **kwargs)
