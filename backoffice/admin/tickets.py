"""Service tickets in the panel: the list with SLA badges, the ticket's page and its actions.

A rep sees the tickets of their own customers and those assigned to them, on every path:
the list, search, filters, the page, each action, bulk assign and the CSV download.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from peewee import JOIN
from wtforms import SelectField, ValidationError

from .. import clock, rules, schema
from ..i18n import _, _l
from ..models import Change, Customer, Interaction, Ticket, TicketOption, User
from ..tickets import flow, labels, sla
from ..tickets.columns import ASSIGNEE, JOINED, TICKETS
from .base import SecureModelView, in_subquery, request_sync
from .customers import owner_options
from .export import ExportMixin
from .filters import ArchivedFilter, ChoiceFilter, RelatedFilter
from .forms import RuleValidator, rule_field
from .lookups import CustomerLoader

# The form's fields checked by the rules, and its dropdowns checked by them, as the schema says.
TICKET_RULE_FIELDS = {f.name: {"date": f.form == "date", "long": f.form == "long", "description": f.hint}
                      for f in schema.TICKETS.rule_fields}
SELECTS = schema.TICKETS.form_with("select")


def _pairs(options):
    return [(o, labels.word(o)) for o in options]


def option_pairs(kind: str):
    return lambda: [(n, labels.word(n, labels.option_words())) for n in TicketOption.names(kind)]


class SlaFilter(ChoiceFilter):
    """On time, due soon or late, as the badges say, at the moment the list is opened."""

    def __init__(self):
        super().__init__(Ticket.response_due, _l("SLA"), [(s, s) for s in sla.STATES], label=_l("is"))

    def apply(self, query, value):
        return query.where(sla.condition(value, clock.now()))


class OpenFilter(ChoiceFilter):
    def __init__(self):
        super().__init__(Ticket.status, _l("Open"), [("yes", _l("open only")), ("no", _l("resolved or closed"))],
                         label=_l("is"))

    def apply(self, query, value):
        wanted = rules.OPEN_TICKET_STATUSES if value == "yes" else rules.DONE_TICKET_STATUSES
        return query.where(Ticket.status.in_(wanted))


def _badge(view, context, model, name):
    return labels.sla_badge(sla.state(model, clock.now()))


class TicketView(ExportMixin, SecureModelView):
    export_columns, export_name = TICKETS, "tickets"
    import_endpoint = "tickets.import_view"
    column_list = schema.TICKETS.listed
    column_labels = {name: label for name, label in schema.TICKETS.labels.items()
                     if name in (*schema.TICKETS.listed, *schema.TICKETS.form_columns)}
    # customer and assignee sort by the joined name people read
    column_sortable_list = tuple((n, JOINED[n]) if n in JOINED else n for n in schema.TICKETS.sortable)
    column_default_sort = ("opened_at", True)
    column_searchable_list = (Ticket.ref, Ticket.title)
    column_formatters = {
        "customer": lambda v, c, m, n: m.customer.name,
        "assignee": lambda v, c, m, n: m.assignee.name if m.assignee_id else "",
        "status": lambda v, c, m, n: labels.status_badge(m.status),
        "category": lambda v, c, m, n: labels.word(m.category, v.option_names),
        "priority": lambda v, c, m, n: labels.word(m.priority, v.option_names),
        "department": lambda v, c, m, n: labels.word(m.department, v.option_names),
        "sla": _badge,
    }
    form_columns = schema.TICKETS.form_columns
    details_template = "admin/ticket_details.html"

    def __init__(self, *args, **kwargs):
        self.form_ajax_refs = {"customer": CustomerLoader("customer")}
        self.related_search = {"customer": lambda like: in_subquery(
            Ticket.customer, Customer.select(Customer.id).where(Customer.name ** like))}
        self.column_filters = [
            OpenFilter(), SlaFilter(),
            ChoiceFilter(Ticket.status, _l("Status"), _pairs(rules.TICKET_STATUSES)),
            ChoiceFilter(Ticket.category, _l("Category"), option_pairs("category")),
            ChoiceFilter(Ticket.priority, _l("Priority"), option_pairs("priority")),
            ChoiceFilter(Ticket.department, _l("Department"), option_pairs("department")),
            RelatedFilter(Ticket.assignee, _l("Assignee"), owner_options),
            ArchivedFilter(Ticket.archived),
        ]
        super().__init__(*args, **kwargs)

    @property
    def option_names(self):
        return labels.option_words()

    # -- which rows -----------------------------------------------------------
    def base_query(self):
        return (Ticket.select(Ticket, Customer, ASSIGNEE).join(Customer).switch(Ticket)
                .join(ASSIGNEE, JOIN.LEFT_OUTER, on=(Ticket.assignee == ASSIGNEE.id)).switch(Ticket))

    def scoped(self, query):
        return Ticket.in_book_of(current_user, query)

    def lean_query(self):
        return self.scoped(Ticket.select(Ticket.id).join(Customer).switch(Ticket))

    def apply_filters(self, query, filters):
        if not any(isinstance(self._filters[i], ArchivedFilter) for i, _n, _v in filters or ()):
            query = query.where(~Ticket.archived)
        return super().apply_filters(query, filters)

    # -- the form -------------------------------------------------------------
    def scaffold_form(self):
        form_class = super().scaffold_form()
        for name, options in TICKET_RULE_FIELDS.items():
            setattr(form_class, name, rule_field("ticket", name, **options))
        for name in SELECTS:
            # The options change at run time (see _fill); the rule, not the list, decides validity.
            setattr(form_class, name, SelectField(self.column_labels[name], choices=[], validate_choice=False,
                                                  validators=[RuleValidator("ticket", name)]))
        return form_class

    def _fill(self, form, obj=None):
        words = labels.option_words()
        choices = {kind: [(n, labels.word(n, words)) for n in TicketOption.names(kind)]
                   for kind in ("category", "priority", "department")}
        form.category.choices = choices["category"]
        form.priority.choices = choices["priority"]
        form.department.choices = [("", "—")] + choices["department"]
        form.channel.choices = [("", "—")] + _pairs(rules.CHANNELS)
        form.status.choices = _pairs(rules.TICKET_STATUSES)
        if request.method == "GET" and obj is None:
            form.category.data, form.priority.data = "other", "normal"
        form.assignee.query = User.select().where(User.active).order_by(User.email)
        return form

    def create_form(self, obj=None):
        form = self._fill(super().create_form(obj))
        for name in ("status", "resolution", "satisfaction"):
            delattr(form, name)  # a new ticket starts at the beginning of the flow
        return form

    def edit_form(self, obj=None):
        form = self._fill(super().edit_form(obj), obj)
        delattr(form, "customer")  # a ticket stays with its customer (and a rep may only see the ticket)
        return form

    def on_model_change(self, form, model, is_created):
        old = None if is_created else Ticket.get_by_id(model.id)
        if is_created:
            model.opened_at = clock.now()
            if not model.customer.is_in_book_of(current_user):
                raise ValidationError(_("Pick one of your own customers."))
        try:
            flow.settle(model, old.status if old else None,
                        old_terms=(old.category, old.priority) if old else None)
        except rules.RuleError as exc:
            raise ValidationError(str(exc)) from None

    def after_model_change(self, form, model, is_created):
        request_sync()

    # -- the page -------------------------------------------------------------
    def history_for(self, model, limit: int = 200):
        return list(Change.of(model).limit(limit))

    def sla_of(self, model):
        return sla.state(model, clock.now())

    def customer_visible(self, model) -> bool:
        return model.customer.is_in_book_of(current_user)

    def assignee_options(self):
        return owner_options()

    def department_options(self):
        words = labels.option_words()
        return [(n, labels.word(n, words)) for n in TicketOption.names("department")]

    def _act(self, id: int, step) -> object:
        ticket = self.get_one(str(id))
        try:
            message = step(ticket)
        except rules.RuleError as exc:
            flash(str(exc), "error")
        else:
            flash(message)
            request_sync()
        return redirect(url_for(".details_view", id=ticket.id))

    @expose("/<int:id>/assign", methods=("POST",))
    def assign_view(self, id: int):
        def step(ticket):
            user = User.get_or_none((User.id == request.form.get("assignee", type=int)) & User.active)
            if user is None:
                raise rules.RuleError(_("Pick an active user to handle the ticket."))
            flow.assign(ticket, user, request.form.get("department") or None)
            return _("%(ref)s is assigned to %(name)s.", ref=ticket.ref, name=user.name)
        return self._act(id, step)

    @expose("/<int:id>/respond", methods=("POST",))
    def respond_view(self, id: int):
        def step(ticket):
            flow.respond(ticket, current_user, request.form.get("note", ""))
            return _("Your response to %(ref)s is recorded.", ref=ticket.ref)
        return self._act(id, step)

    @expose("/<int:id>/resolve", methods=("POST",))
    def resolve_view(self, id: int):
        def step(ticket):
            flow.resolve(ticket, request.form.get("resolution", ""))
            return _("%(ref)s is resolved. Ask the customer how satisfied they are.", ref=ticket.ref)
        return self._act(id, step)

    @expose("/<int:id>/close", methods=("POST",))
    def close_view(self, id: int):
        def step(ticket):
            flow.close(ticket, request.form.get("satisfaction") or None)
            return _("%(ref)s is closed.", ref=ticket.ref)
        return self._act(id, step)

    @expose("/<int:id>/reopen", methods=("POST",))
    def reopen_view(self, id: int):
        def step(ticket):
            flow.reopen(ticket, request.form.get("reason"), current_user)
            return _("%(ref)s is open again.", ref=ticket.ref)
        return self._act(id, step)

    @expose("/from-interaction/<int:interaction_id>", methods=("POST",))
    def from_interaction_view(self, interaction_id: int):
        """One click on a negative interaction opens its ticket (or shows the one it has)."""
        interaction = Interaction.in_book_of(current_user, Interaction.select(Interaction, Customer).join(
            Customer).where(Interaction.id == interaction_id)).first()
        if interaction is None:
            abort(404)
        ticket = flow.open_from_interaction(interaction)
        flash(_("Ticket %(ref)s is open for this feedback.", ref=ticket.ref))
        request_sync()
        return redirect(url_for(".details_view", id=ticket.id))

    # -- CSV in ----------------------------------------------------------------
    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        """Upload tickets: every row is checked first; one bad row and nothing is saved."""
        from ..csvio.reading import BadFile
        from ..tickets import importer
        problems = []
        if request.method == "POST":
            upload = request.files.get("file")
            try:
                if upload is None or not upload.filename:
                    raise BadFile(_("Choose a CSV file."))
                region = current_app.config["BACKOFFICE"]["phone"]["default_region"]
                checked = importer.check(importer.read(upload.read()), current_user, region)
            except BadFile as exc:
                flash(str(exc), "error")
            else:
                problems = checked.problems
                if not problems:
                    numbers = importer.import_rows(checked, current_user)
                    flash(_("Imported %(n)s ticket(s): %(first)s to %(last)s.", n=len(numbers),
                            first=numbers[0], last=numbers[-1]))
                    request_sync()
                    return redirect(url_for(".index_view"))
        return self.render("admin/ticket_import.html", problems=problems[:50], more=max(len(problems) - 50, 0))

    # -- bulk actions ---------------------------------------------------------
    @action("assign", _l("Assign to…"))
    def action_assign(self, ids):
        return redirect(url_for(".bulk_assign_view", ids=",".join(map(str, self.visible_ids(ids))),
                                url=request.form.get("url") or url_for(".index_view")))

    @expose("/assign/", methods=("GET", "POST"))
    def bulk_assign_view(self):
        ids = self.visible_ids(request.values.get("ids", "").split(","))
        back = request.values.get("url") or url_for(".index_view")
        if not back.startswith("/") or back.startswith("//"):
            back = url_for(".index_view")
        tickets = list(self.get_query().where(Ticket.id.in_(ids)).order_by(Ticket.ref))
        if request.method == "POST":
            user = User.get_or_none((User.id == request.form.get("assignee", type=int)) & User.active)
            if user is None:
                flash(_("Pick an active user to handle the tickets."), "error")
            else:
                done, refused = 0, []
                for ticket in tickets:
                    try:
                        done += flow.assign(ticket, user, request.form.get("department") or None)
                    except rules.RuleError:
                        refused.append(ticket.ref)
                flash(_("Assigned %(n)s ticket(s) to %(name)s.", n=done, name=user.name))
                if refused:
                    flash(_("Not assigned (resolved or closed): %(refs)s", refs=", ".join(refused)), "error")
                request_sync()
                return redirect(back)
        return self.render("admin/ticket_assign.html", tickets=tickets, ids=",".join(map(str, ids)),
                           back=back, owners=owner_options(), departments=self.department_options())

    @action("archive", _l("Archive"), _l("Archive the selected tickets? They leave working lists and the sheet."))
    def action_archive(self, ids):
        count = sum(t.archive() for t in Ticket.select().where(Ticket.id.in_(self.visible_ids(ids))))
        flash(_("Archived %(n)s ticket(s).", n=count))
        request_sync()


class TicketOptionView(SecureModelView):
    """Ticket categories, priorities or departments; admins edit them, stored names stay put."""
    roles = ("admin",)
    kind = "category"
    can_view_details = False
    column_list = ("name", "label_zh", "response_hours", "resolution_hours", "position", "active")
    column_labels = {"name": _l("Name (stored, English)"), "label_zh": _l("Chinese label"),
                     "response_hours": _l("Respond within (hours)"),
                     "resolution_hours": _l("Resolve within (hours)"), "position": _l("Order")}
    form_columns = column_list
    column_default_sort = ("position", False)

    def __init__(self, *args, **kwargs):
        if self.kind == "department":
            self.column_list = self.form_columns = ("name", "label_zh", "position", "active")
        super().__init__(*args, **kwargs)

    def scoped(self, query):
        return query.where(TicketOption.kind == self.kind)

    def lean_query(self):
        return self.scoped(TicketOption.select(TicketOption.id))

    def on_model_change(self, form, model, is_created):
        model.kind = self.kind
        model.name = (model.name or "").strip().lower()
        if not model.name:
            raise ValidationError(_("Give it a name."))
        for hours in (model.response_hours, model.resolution_hours):
            if hours is not None and hours < 1:
                raise ValidationError(_("Hours must be at least 1 (leave empty for the usual 24 and 48)."))
        if not is_created:
            old = TicketOption.get_by_id(model.id)
            if old.name != model.name and Ticket.select().where(getattr(Ticket, self.kind) == old.name).exists():
                raise ValidationError(_("Tickets use this name; change its Chinese label or make it inactive instead."))

    def after_model_change(self, form, model, is_created):
        pass  # the options are not synced


class TicketCategoryView(TicketOptionView):
    kind = "category"


class TicketPriorityView(TicketOptionView):
    kind = "priority"


class DepartmentView(TicketOptionView):
    kind = "department"
