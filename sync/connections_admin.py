"""The panel's Sheet connections page (admins): register, change and stop the sheets synced per person."""
from __future__ import annotations

from flask import current_app, flash
from wtforms import BooleanField, StringField, ValidationError
from wtforms.validators import Length, Optional

from backoffice.admin.base import SecureModelView
from backoffice.i18n import _, _l
from backoffice.models import User

from .registered import RegistryError, add_sheet, share
from .sheets import SheetError


class SheetConnectionsView(SecureModelView):
    """Each registered sheet with its scope and person; `sheet.spreadsheet_id` stays the settings' one.

    A new sheet with no spreadsheet id is created through Drive, laid out and shared with its
    person's Google account; changing its person or stopping it moves that permission.
    """
    roles = ("admin",)
    can_delete = False  # stopped, not deleted: its runs stay listed
    column_list = ("title", "spreadsheet_id", "scope", "scope_value", "person", "columns", "mask_contacts",
                   "shared_with", "active")
    form_columns = ("title", "spreadsheet_id", "scope", "scope_value", "person", "columns", "mask_contacts",
                    "active")
    form_choices = {"scope": [("everyone", _l("everyone (a managers' sheet)")), ("owner", _l("one owner's book")),
                              ("team", _l("a team")), ("region", _l("a region"))]}
    form_extra_fields = {"create_through_drive": BooleanField(
        _l("Create it through Drive"), description=_l("Leave the spreadsheet id empty: a new spreadsheet is "
                                                      "made, laid out and shared with the person's Google account."))}
    column_labels = {"spreadsheet_id": _l("Spreadsheet"), "scope": _l("Scope"), "scope_value": _l("Team or region"),
                     "person": _l("Person"), "columns": _l("Columns shown"), "mask_contacts": _l("Contacts masked"),
                     "shared_with": _l("Shared with")}
    column_descriptions = {"columns": _l("Field names, comma-separated (e.g. name,stage,phone,needs); empty: all")}
    column_formatters = {"person": lambda v, c, m, n: m.person.email if m.person_id else ""}

    def scaffold_form(self):
        form = super().scaffold_form()
        # Empty is allowed: with "Create it through Drive" the spreadsheet is made for it.
        form.spreadsheet_id = StringField(_l("Spreadsheet"), [Optional(), Length(max=200)],
                                          description=_l("The id in the sheet's address (…/spreadsheets/d/ID/…)"))
        return form

    def create_model(self, form):
        settings = current_app.config["BACKOFFICE"]
        person = form.person.data
        try:
            made = add_sheet(settings, spreadsheet_id=(form.spreadsheet_id.data or "").strip(),
                             create=(form.title.data or _("Customers")) if form.create_through_drive.data
                             and not (form.spreadsheet_id.data or "").strip() else "",
                             scope=form.scope.data, person=person.email if isinstance(person, User) else "",
                             value=form.scope_value.data or "", columns=form.columns.data or "",
                             mask_contacts=bool(form.mask_contacts.data), title=form.title.data or "")
        except (RegistryError, SheetError) as exc:
            flash(str(getattr(exc, "message", exc)), "error")
            return False
        return made

    def on_model_change(self, form, model, is_created):
        if model.scope == "owner" and not model.person_id:
            raise ValidationError(_("An owner's sheet needs its person, whose book it holds."))

    def after_model_change(self, form, model, is_created):
        try:
            share(current_app.config["BACKOFFICE"], model)  # a new person, or stopped: the permission follows
        except SheetError as exc:
            flash(_("The sheet's sharing could not be changed: %(error)s", error=exc.message), "error")
