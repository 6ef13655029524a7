"""The registered sheets (SheetConnection): each one's scope, settings and cycle."""
from __future__ import annotations

from backoffice.models import SheetConnection, SyncRun, User

from .scope import Scope


def scope_for(connection: SheetConnection) -> Scope:
    """The connection's scope as the cycle uses it, read now (a team's members change)."""
    person = connection.person if connection.person_id else None
    owners: frozenset[str] = frozenset()
    if connection.scope == "owner" and person is not None:
        owners = frozenset({person.email.casefold()})
    elif connection.scope == "team":
        owners = frozenset(u.email.casefold() for u in
                           User.select(User.email).where(User.team == (connection.scope_value or "")))
    return Scope(sheet_id=connection.id, kind=connection.scope, person=person.email if person else "",
                 person_id=person.id if person else None, owners=owners,
                 region=connection.scope_value or "" if connection.scope == "region" else "",
                 shown=connection.shown, masked=connection.mask_contacts)


def sheet_settings(settings: dict, connection: SheetConnection) -> dict:
    """The settings with this connection's spreadsheet in place of sheet.spreadsheet_id."""
    return {**settings, "sheet": {**settings["sheet"], "spreadsheet_id": connection.spreadsheet_id}}


def active() -> list[SheetConnection]:
    return list(SheetConnection.select().where(SheetConnection.active).order_by(SheetConnection.id))


def run_sheet_cycle(settings: dict, connection: SheetConnection, trigger: str = "schedule") -> SyncRun:
    """One cycle of one registered sheet, recorded as its run."""
    from .cycle import run_cycle
    return run_cycle(sheet_settings(settings, connection), trigger, scope_for(connection))
