"""Today, each user's start page: plans due, greetings, re-verifications and complaints to answer."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_admin import expose
from flask_login import current_user

from .. import clock
from ..care.today import today_lists
from ..i18n import _
from ..models import CarePlan, Customer, Interaction
from .base import SecureIndexView
from .filters import DueFilter


def plan_list_links() -> dict[str, str]:
    """The care plans list filtered as each plans section of the page: active plans by due day."""
    view = next(v for v in current_app.extensions["backoffice_admin"]._views
                if getattr(v, "endpoint", "") == "care_plans")
    due = status = None
    for arg, (_index, flt) in view._filter_args.items():
        if isinstance(flt, DueFilter):
            due = arg
        elif flt.column is CarePlan.status:
            status = arg
    return {key: url_for("care_plans.index_view", **{f"flt0_{due}": key, f"flt1_{status}": "active"})
            for key in ("overdue", "today", "tomorrow")}


class TodayView(SecureIndexView):
    @expose("/")
    def index(self):
        lists = today_lists(current_user, current_app.config["BACKOFFICE"])
        from ..tickets.today import attention
        tickets_count, tickets = attention(current_user, clock.now())
        return self.render("admin/index.html", plan_links=plan_list_links(), tickets=tickets,
                           tickets_count=tickets_count, **lists)

    @expose("/responded/<int:interaction_id>", methods=("POST",))
    def responded(self, interaction_id: int):
        interaction = Interaction.in_book_of(
            current_user, Interaction.select().join(Customer).where(Interaction.id == interaction_id)).first()
        if interaction is None:
            abort(404)  # another rep's record looks like a missing one
        if interaction.responded_at is None:
            interaction.responded_at = clock.now()
            interaction.save()
            flash(_("Marked the feedback from %(name)s as responded to.", name=interaction.customer.name))
        return redirect(url_for(".index"))
