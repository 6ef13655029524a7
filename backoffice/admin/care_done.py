"""Marking care plans done from the list (bulk action) or from one plan: a form, then the log."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Optional

from .. import clock, rules
from ..care.complete import mark_done
from ..care.hooks import customers_changed
from ..i18n import _, _l
from ..models import CarePlan
from ..redirects import safe_next
from .forms import RuleValidator
from .labels import enum_pairs


def _done_by_today(form, field):
    """The sheet's rule for the day a touch was made: none still to come."""
    try:
        rules.done_on(field.data, clock.today())
    except rules.RuleError as refused:
        raise ValidationError(str(refused)) from None


class MarkDoneForm(FlaskForm):
    done_on = DateField(_l("Done on"), validators=[DataRequired(message=_l("Give the day it was done.")),
                                                   _done_by_today])
    channel = SelectField(_l("Channel"), choices=enum_pairs("channel", rules.CHANNELS))
    summary = TextAreaField(_l("Summary"), validators=[RuleValidator("interaction", "summary")])
    feedback = TextAreaField(_l("Customer feedback"), validators=[RuleValidator("interaction", "feedback")])
    sentiment = SelectField(_l("Feedback was"), choices=[("", "—")] + enum_pairs("feedback", rules.FEEDBACK),
                            validators=[Optional()])
    next_action = StringField(_l("Next action"), validators=[RuleValidator("interaction", "next_action")])


class MarkDoneMixin:
    """Added to the care plans view; only plans the user may see can be marked."""

    @action("mark_done", _l("Mark done…"))
    def action_mark_done(self, ids):
        return redirect(url_for(".mark_done_view", ids=",".join(map(str, self.visible_ids(ids)))))

    @expose("/done/", methods=("GET", "POST"))
    def mark_done_view(self):
        ids = self.visible_ids(request.values.get("ids", "").split(","))
        # Back where the person came from (Today, the customer's page), else the plans list.
        back = safe_next(request.values.get("next"), url_for(".index_view"))
        plans = list(self.get_query().where(CarePlan.id.in_(ids), CarePlan.status == "active")
                     .order_by(CarePlan.next_due, CarePlan.id))
        if not plans:
            flash(_("Pick at least one of your active care plans."), "error")
            return redirect(url_for(".index_view"))
        form = MarkDoneForm(request.form if request.method == "POST" else None)
        if request.method == "GET":
            form.done_on.data = clock.today()
            form.channel.data = plans[0].channel or "phone"
        if request.method == "POST" and form.validate():
            mark_done(plans, form.done_on.data, channel=form.channel.data,
                      summary=form.summary.data, feedback=form.feedback.data,
                      sentiment=form.sentiment.data, next_action=form.next_action.data,
                      user=current_user)
            customers_changed({p.customer_id for p in plans}, current_app.config["BACKOFFICE"])
            flash(_("Marked %(n)d care plan(s) done.", n=len(plans)))
            return redirect(back)
        return self.render("admin/mark_done.html", form=form, plans=plans,
                           ids=",".join(str(p.id) for p in plans), back=back)
