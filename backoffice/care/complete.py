"""Marking care plans done: log the touch, move the next due date on by the plan's interval."""
from __future__ import annotations

import datetime as dt

from .. import clock
from ..db import db
from ..models import CarePlan, Interaction, PlaybookStep


def mark_done(plans: list[CarePlan], done_on: dt.date, *, channel: str, summary: str,
              feedback: str | None = None, sentiment: str | None = None,
              next_action: str | None = None, user=None) -> list[Interaction]:
    """One interaction per plan; `once` plans (e.g. the win-back call) close for good."""
    # The office's wall time of the moment it is marked, on the day it was done.
    at = clock.to_stored(dt.datetime.combine(done_on, clock.local().time().replace(tzinfo=None)))
    logged = []
    once = {s.id for s in PlaybookStep.select(PlaybookStep.id).where(PlaybookStep.once)}
    with db.atomic():
        for plan in plans:
            logged.append(Interaction.create(
                customer=plan.customer_id, care_plan=plan.id, at=at, channel=channel,
                user=getattr(user, "id", None), summary=summary, feedback=feedback or None,
                sentiment=sentiment or None, next_action=next_action or None))
            plan.last_done = done_on
            plan.next_due = done_on + dt.timedelta(days=plan.interval_days)
            if plan.playbook_step_id in once:
                plan.status = "done"
            plan.save()
    return logged
