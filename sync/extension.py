"""The sheet sync as an extension of the back-office: the signals it answers and the pages it adds.

Found through the `backoffice.extensions` entry point (as its commands are through
`flask.commands`): the back-office never imports `sync`.
"""
from __future__ import annotations

from backoffice import signals
from backoffice.admin import add_extension_views
from backoffice.admin.sync_views import ConflictView, SyncRunView
from backoffice.i18n import _l
from backoffice.models import Conflict, SheetConnection, SyncRun


def _records_changed(app, **extra) -> bool:
    """A save in the panel: one cycle soon, shared by the saves of the next few seconds."""
    if not app.config.get("SYNC_ON_SAVE"):
        return False
    from .tasks import queue_sync_soon
    queue_sync_soon("save")
    return True


def _cycle_requested(app, trigger: str = "manual", **extra) -> bool:
    from .tasks import sync_cycle
    sync_cycle(trigger)
    return True


def _conflict_resolved(app, conflict, take: str, user, **extra) -> bool:
    from .resolve import resolve
    resolve(conflict, take, user)
    return True


def init_app(app) -> None:
    """Subscribe to the back-office's signals and add the Sync runs, Conflicts and Sheet connection pages."""
    from . import tasks  # noqa: F401 - the panel queues the sync's tasks by name
    from .connection_page import SheetConnectionView
    from .connections_admin import SheetConnectionsView
    # Module-level receivers: connecting them again for another app changes nothing.
    signals.records_changed.connect(_records_changed)
    signals.cycle_requested.connect(_cycle_requested)
    signals.conflict_resolved.connect(_conflict_resolved)
    sheet_sync = _l("Sheet sync")
    add_extension_views(
        app,
        SyncRunView(SyncRun, name=_l("Sync runs"), endpoint="sync_runs", category=sheet_sync),
        ConflictView(Conflict, name=_l("Conflicts"), endpoint="conflicts", category=sheet_sync),
        SheetConnectionView(name=_l("Sheet connection"), endpoint="sheet_connection",
                            url="/admin/sheet-connection", category=sheet_sync),
        SheetConnectionsView(SheetConnection, name=_l("Sheet connections"), endpoint="sheet_connections",
                             category=sheet_sync),
    )
