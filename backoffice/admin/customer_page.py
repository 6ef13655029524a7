"""The customer page's quick actions: log a follow-up, add a plan, open a ticket, confirm the
record today. Each checks the customer is the user's to see, as every other path does."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from .. import clock, customer_page, rules
from ..care.hooks import customers_changed
from ..i18n import _
from ..models import CarePlan, Interaction, rules_context
from ..tickets import flow
from .base import request_sync


class CustomerPageMixin:
    """Mixed into the customers view: the page's facts and its actions."""

    def page_facts(self, model) -> dict:
        return {"last_contact": customer_page.last_contact(model), "timeline": customer_page.timeline(model),
                "today": clock.today(), "due_badge": customer_page.due_badge, "money": customer_page.money,
                "channels": rules.CHANNELS, "actions": rules.PLAN_ACTIONS, "feedback": rules.FEEDBACK}

    def _back(self, model):
        return redirect(url_for(".details_view", id=model.id))

    def _settings(self) -> dict:
        return current_app.config["BACKOFFICE"]

    @expose("/<int:id>/verified", methods=("POST",))
    def verified_view(self, id: int):
        model = self.get_one(str(id))
        if model.verified_at != clock.today():
            model.verified_at = clock.today()
            model.save()
            request_sync()
        flash(_("%(name)s is confirmed as of today.", name=model.name))
        return self._back(model)

    @expose("/<int:id>/follow-up", methods=("POST",))
    def follow_up_view(self, id: int):
        model = self.get_one(str(id))
        form = request.form
        try:
            summary = rules.text(form.get("summary"), max_length=5000)
            if not summary:
                raise rules.RuleError(_("summary: say what was discussed"))
            channel = rules.choice(form.get("channel"), rules.CHANNELS) or "phone"
            sentiment = rules.choice(form.get("sentiment"), rules.FEEDBACK)
            feedback = rules.text(form.get("feedback"), max_length=5000)
        except rules.RuleError as exc:
            flash(str(exc), "error")
            return self._back(model)
        Interaction.create(customer=model.id, channel=channel, user=current_user.id, summary=summary,
                           feedback=feedback, sentiment=sentiment, at=clock.now())
        customers_changed([model.id], self._settings())  # closeness counts the new touch
        flash(_("Follow-up logged."))
        return self._back(model)

    @expose("/<int:id>/plan", methods=("POST",))
    def add_plan_view(self, id: int):
        model = self.get_one(str(id))
        plan_rules = rules.plan_rules(rules_context(self._settings()["phone"]["default_region"]))
        data = {k: request.form.get(k, "") for k in ("title", "action", "interval_days", "next_due")}
        data["status"] = "active"
        values, errors = rules.check(plan_rules, data)
        if errors:
            flash("; ".join(errors.values()), "error")
            return self._back(model)
        CarePlan.create(customer=model.id, owner=model.owner_id, **values)
        request_sync()
        flash(_("Plan added."))
        return self._back(model)

    @expose("/<int:id>/ticket", methods=("POST",))
    def open_ticket_view(self, id: int):
        model = self.get_one(str(id))
        ticket_rules = rules.ticket_rules(rules_context(self._settings()["phone"]["default_region"]))
        values, errors = rules.check(ticket_rules, {
            "title": request.form.get("title", ""), "description": request.form.get("description", ""),
            "category": request.form.get("category") or "other", "priority": "normal", "status": "new"})
        if errors:
            flash("; ".join(errors.values()), "error")
            return self._back(model)
        ticket = flow.open_ticket(model, title=values["title"], description=values.get("description"),
                                  category=values["category"], assignee=model.owner if model.owner_id else None)
        request_sync()
        return redirect(url_for("tickets.details_view", id=ticket.id))

