"""Sync runs, the conflict log, the "sync now" button and the mass-archive confirmation."""
from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from peewee import fn

from .. import clock, signals
from ..db import db
from ..i18n import _, _l
from ..models import Conflict, SheetConnection, SyncRun
from .base import SecureModelView, record_id
from .filters import ChoiceFilter
from .labels import field_word, kept_pairs, synced_field_pairs


def queue_cycle(trigger: str) -> bool:
    """Ask for one sync cycle now; False when no extension (the sheet sync) answers."""
    return signals.handled(signals.cycle_requested.send(current_app._get_current_object(), trigger=trigger))


def stopped_runs() -> list[SyncRun]:
    """Each sheet's latest finished run that the mass-archive guard stopped: one sheet's stop is
    confirmed on its own, and another sheet's later cycle does not hide it."""
    return [row["last"] for row in sheet_lags() if row["last"] is not None and row["last"].status == "stopped"]


JOURNAL_STATES = {
    "live": _l("live: every edit people make in the sheet is journaled"),
    "quiet": _l("live: the last cycle found nothing new and read only the journal"),
    "absent": _l("not installed: every cycle reads the whole sheet (see docs/sync.md to install it)"),
    "missed": _l("not trusted: a full read found an edit it did not show, so every cycle reads the whole "
                 "sheet until it shows edits again"),
}


RUN_STATUSES = ("ok", "failed", "stopped", "confirmed", "running", "skipped")
RUN_TRIGGERS = ("schedule", "save", "manual", "cli")
TABLES = ("customer", "care plan", "ticket")
SIDES = ("sheet", "database")

JOURNAL_WORDS = {"live": _l("live"), "quiet": _l("live, nothing new"), "absent": _l("not installed"),
                 "missed": _l("missed an edit")}


def journal_state(sheet_id: int | None = None) -> str | None:
    """How the last cycle of a sheet found its edit journal, in words (None: no cycle said yet)."""
    same = SyncRun.sheet.is_null() if sheet_id is None else SyncRun.sheet == sheet_id
    last = (SyncRun.select(SyncRun.journal).where(same, SyncRun.journal.is_null(False))
            .order_by(SyncRun.id.desc()).first())
    return None if last is None else str(JOURNAL_STATES.get(last.journal, last.journal))


def sheet_lags() -> list[dict]:
    """Each synced sheet with its last run and its lag: how long since its last good cycle ended.

    Two aggregate queries whatever the number of sheets; the settings' everyone-sheet is `sheet` None.
    """
    done = SyncRun.status.not_in(["skipped", "running"])
    last_ids = dict(SyncRun.select(SyncRun.sheet, fn.MAX(SyncRun.id)).where(done).group_by(SyncRun.sheet).tuples())
    good = dict(SyncRun.select(SyncRun.sheet, fn.MAX(SyncRun.finished_at))
                .where(SyncRun.status == "ok").group_by(SyncRun.sheet).tuples())
    runs = {r.id: r for r in SyncRun.select().where(SyncRun.id.in_(list(last_ids.values()) or [0]))}
    sheets = [None, *SheetConnection.select().where(SheetConnection.active).order_by(SheetConnection.id)]
    now = clock.now()
    rows = []
    for sheet in sheets:
        key = None if sheet is None else sheet.id
        ended = good.get(key)
        if isinstance(ended, str):  # SQLite hands an aggregate's datetime back as text
            ended = SyncRun.finished_at.python_value(ended)
        rows.append({"sheet": sheet, "last": runs.get(last_ids.get(key)),
                     "lag_minutes": None if ended is None else max(0, int((now - ended).total_seconds() // 60))})
    return rows


class SyncRunView(SecureModelView):
    roles = ("admin", "manager")
    can_create = can_edit = False
    list_template = "admin/sync_runs.html"
    column_list = ("started_at", "finished_at", "sheet", "trigger", "status", "rows_read", "created", "updated",
                   "archived", "rejected", "conflicts", "api_calls", "journal", "error")
    column_labels = {"sheet": _l("Sheet"), "journal": _l("Edit journal")}
    column_formatters = {"sheet": lambda v, c, m, n: str(m.sheet) if m.sheet_id else _("everyone (settings)"),
                         "journal": lambda v, c, m, n: str(JOURNAL_WORDS.get(m.journal, m.journal or ""))}
    kept_columns = ("trigger", "status")
    column_default_sort = ("started_at", True)

    def __init__(self, *args, **kwargs):
        # Options in the reader's words; the URL keeps the stored English key (status_equals=failed).
        self.column_filters = [ChoiceFilter(SyncRun.status, _l("Status"), kept_pairs(RUN_STATUSES)),
                               ChoiceFilter(SyncRun.trigger, _l("Trigger"), kept_pairs(RUN_TRIGGERS))]
        super().__init__(*args, **kwargs)

    def render(self, template, **kwargs):
        kwargs.setdefault("stopped_runs", stopped_runs())
        if template == self.list_template:
            kwargs.setdefault("sheet_lags", sheet_lags())
            kwargs.setdefault("journal_state", journal_state())
        return super().render(template, **kwargs)

    def after_model_change(self, form, model, is_created):
        pass  # runs are not synced

    @expose("/sync-now/", methods=("POST",))
    def sync_now(self):
        if queue_cycle("manual"):
            flash(_("A sync cycle was queued; it shows here when it finishes."))
        else:
            flash(_("The sheet sync is not installed."), "error")
        return redirect(url_for(".index_view"))

    @expose("/confirm-archive/<int:run_id>/", methods=("POST",))
    def confirm_archive(self, run_id: int):
        if current_user.role != "admin":
            return self.inaccessible_callback("confirm_archive")
        run = next((r for r in stopped_runs() if r.id == run_id), None)
        if run is None:
            flash(_("There is no stopped sync to confirm."), "error")
            return redirect(url_for(".index_view"))
        with db.atomic():
            run.status = "confirmed"
            run.error = f"{run.error}\nConfirmed by {current_user.email}."
            run.save()
        queue_cycle("manual")
        flash(_("Confirmed: the next cycle archives the records whose rows left the sheet."))
        return redirect(url_for(".index_view"))


class ConflictView(SecureModelView):
    roles = ("admin", "manager")
    can_create = can_edit = False
    column_list = ("at", "table", "ref", "field", "base_value", "sheet_value", "database_value", "kept",
                   "resolved", "resolution", "resolved_by")
    kept_columns = ("table", "kept", "resolution")
    column_default_sort = ("at", True)
    column_formatters = {"resolved_by": lambda v, c, m, n: m.resolved_by.email if m.resolved_by_id else "",
                         "field": lambda v, c, m, n: field_word(m.table, m.field)}

    def __init__(self, *args, **kwargs):
        self.column_filters = ["resolved",
                               ChoiceFilter(Conflict.table, _l("Kind"), kept_pairs(TABLES)),
                               ChoiceFilter(Conflict.field, _l("Field"), synced_field_pairs),
                               ChoiceFilter(Conflict.kept, _l("Kept"), kept_pairs(SIDES))]
        super().__init__(*args, **kwargs)

    def after_model_change(self, form, model, is_created):
        pass

    def _resolve(self, ids, take: str) -> None:
        if not signals.conflict_resolved.receivers:
            flash(_("The sheet sync is not installed."), "error")
            return
        done = 0
        wanted = [n for n in map(record_id, ids) if n is not None]
        for conflict in Conflict.select().where(Conflict.id.in_(wanted), ~Conflict.resolved):
            signals.conflict_resolved.send(current_app._get_current_object(), conflict=conflict, take=take,
                                           user=current_user._get_current_object())
            done += 1
        if done:
            queue_cycle("manual")
        if take == "sheet":
            flash(_("Resolved %(n)d conflict(s) with the sheet's value.", n=done))
        else:
            flash(_("Resolved %(n)d conflict(s) with the panel's value.", n=done))

    @action("take_sheet", _l("Take the sheet's value"), _l("Save the sheet's value for the selected conflicts?"))
    def action_take_sheet(self, ids):
        self._resolve(ids, "sheet")

    @action("take_database", _l("Take the panel's value"), _l("Keep the panel's value for the selected conflicts?"))
    def action_take_database(self, ids):
        self._resolve(ids, "database")
