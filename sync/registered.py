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
    """One cycle of one registered sheet, recorded as its run; its sharing put right first."""
    from .cycle import run_cycle
    from .sheets import SheetError
    try:
        share(settings, connection)
    except SheetError:  # sharing waits for the next turn; the records need not
        pass
    return run_cycle(sheet_settings(settings, connection), trigger, scope_for(connection))


# -- registering, sharing, removing ----------------------------------------------------

class RegistryError(ValueError):
    """A sheet that cannot be registered as asked; the message says why."""


def _tab_titles(settings: dict) -> dict[str, str]:
    from .tabs import titles
    return titles(settings["sheet"])


def add_sheet(settings: dict, *, spreadsheet_id: str = "", create: str = "", scope: str = "owner",
              person: str = "", value: str = "", columns: str = "", mask_contacts: bool = False,
              title: str = "") -> SheetConnection:
    """Register a spreadsheet (an existing id, or one created through Drive titled `create`).

    A sheet the product creates is laid out and shared with its person's Google account as writer.
    """
    from . import gateway, sheets
    from .layout import init_sheet
    spreadsheet_id = spreadsheet_id.strip()
    if bool(spreadsheet_id) == bool(create):
        raise RegistryError("give either a spreadsheet id or --create TITLE")
    if scope not in ("everyone", "owner", "team", "region"):
        raise RegistryError(f"unknown scope {scope!r}: everyone, owner, team or region")
    user = User.get_or_none(User.email == person.strip().lower()) if person else None
    if person and user is None:
        raise RegistryError(f"no user {person!r}")
    if scope == "owner" and user is None:
        raise RegistryError("an owner's sheet needs --person, whose book it holds")
    if scope in ("team", "region") and not value.strip():
        raise RegistryError(f"a {scope}'s sheet needs --value, the {scope}")
    if spreadsheet_id and spreadsheet_id == settings["sheet"]["spreadsheet_id"]:
        raise RegistryError("that is sheet.spreadsheet_id, the everyone-sheet the settings already sync")
    existing = SheetConnection.get_or_none(SheetConnection.spreadsheet_id == spreadsheet_id) if spreadsheet_id else None
    if existing is not None and existing.active:
        raise RegistryError(f"{spreadsheet_id} is already registered (#{existing.id})")
    connection_settings = gateway.settings_for(settings["sheet"])
    if create:
        made = sheets.create_spreadsheet(connection_settings, create)
        spreadsheet_id = made.id
        sheets.close(made)
    connection = existing or SheetConnection(spreadsheet_id=spreadsheet_id)
    connection.title = title or create or connection.title
    connection.scope, connection.scope_value = scope, (value.strip() or None) if scope in ("team", "region") else None
    connection.person, connection.columns, connection.mask_contacts = user, columns.strip() or None, mask_contacts
    connection.created_by_product = bool(create) or connection.created_by_product
    connection.active = True
    connection.save()
    if create:
        spreadsheet = gateway.open_cached(gateway.settings_for(sheet_settings(settings, connection)["sheet"]))
        init_sheet(spreadsheet, _tab_titles(settings), language=settings["sheet"]["language"])
    share(settings, connection)
    return connection


def share(settings: dict, connection: SheetConnection) -> str | None:
    """Keep a product-made sheet shared with its person's Google account, and only that.

    The writer permission goes when the person is deactivated, loses their account or is
    replaced; a new person's is added. Nothing to change, no request. Returns what changed.
    """
    from . import gateway, sheets
    if not connection.created_by_product:
        return None
    person = User.get_or_none(User.id == connection.person_id) if connection.person_id else None
    wanted = (person.google_account or "").strip().lower() if person is not None and person.active else ""
    wanted = wanted if connection.active else ""
    if (connection.shared_with or "") == wanted:
        return None
    drive = gateway.settings_for(sheet_settings(settings, connection)["sheet"])
    said = []
    if connection.permission_id:
        sheets.unshare(drive, connection.spreadsheet_id, connection.permission_id)
        said.append(f"unshared from {connection.shared_with}")
    connection.shared_with = connection.permission_id = None
    if wanted:
        connection.permission_id = sheets.share(drive, connection.spreadsheet_id, wanted)
        connection.shared_with = wanted
        said.append(f"shared with {wanted} as writer")
    connection.save()
    return "; ".join(said)


def remove_sheet(settings: dict, connection: SheetConnection) -> None:
    """Stop syncing a sheet (its runs stay listed); a product-made one is unshared."""
    connection.active = False
    connection.save()
    share(settings, connection)
