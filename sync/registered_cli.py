"""`backoffice sheet add / list / remove`: the registered sheets beside the settings' everyone-sheet."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from backoffice.i18n import _


@click.command("add")
@click.argument("spreadsheet_id", required=False, default="")
@click.option("--create", "create", default="", metavar="TITLE",
              help="Create the spreadsheet through Drive, lay it out and share it with the person.")
@click.option("--scope", type=click.Choice(["everyone", "owner", "team", "region"]), default="owner",
              show_default=True, help="Which records it holds.")
@click.option("--person", default="", metavar="EMAIL", help="Whose sheet it is (an owner's sheet: whose book).")
@click.option("--value", default="", help="The team or the region of a team's or region's sheet.")
@click.option("--columns", default="", help="The fields it shows, comma-separated (default: every column).")
@click.option("--mask-contacts", is_flag=True, help="Show phones and e-mails as their last 4 characters.")
@click.option("--title", default="", help="A name for the list.")
@with_appcontext
def add_command(spreadsheet_id, create, scope, person, value, columns, mask_contacts, title):
    """Register a spreadsheet to sync, with its scope and person."""
    from backoffice.db import db

    from .registered import RegistryError, add_sheet
    from .sheets import SheetError
    db.connect(reuse_if_open=True)
    try:
        connection = add_sheet(current_app.config["BACKOFFICE"], spreadsheet_id=spreadsheet_id, create=create,
                               scope=scope, person=person, value=value, columns=columns,
                               mask_contacts=mask_contacts, title=title)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    except SheetError as exc:
        raise click.ClickException(_("the sheet could not be reached: %(error)s", error=exc.message)) from None
    click.echo(_("Registered sheet #%(id)s: %(spreadsheet)s", id=connection.id, spreadsheet=connection.spreadsheet_id))
    if connection.shared_with:
        click.echo(_("Shared with %(account)s as writer", account=connection.shared_with))


@click.command("list")
@with_appcontext
def list_command():
    """List the synced sheets: the settings' everyone-sheet and the registered ones."""
    from backoffice.models import SheetConnection
    settings = current_app.config["BACKOFFICE"]
    if settings["sheet"]["spreadsheet_id"]:
        click.echo(f"-\t{settings['sheet']['spreadsheet_id']}\teveryone\t(sheet.spreadsheet_id)")
    for c in SheetConnection.select().where(SheetConnection.active).order_by(SheetConnection.id):
        scope = c.scope + (f"={c.scope_value}" if c.scope_value else "")
        extra = [f"columns={c.columns}"] if c.columns else []
        extra += ["masked contacts"] if c.mask_contacts else []
        extra += [f"shared with {c.shared_with}"] if c.shared_with else []
        click.echo("\t".join([f"#{c.id}", c.spreadsheet_id, scope, c.person.email if c.person_id else "-",
                              c.title, *extra]))


@click.command("remove")
@click.argument("sheet_id", type=int)
@with_appcontext
def remove_command(sheet_id: int):
    """Stop syncing a registered sheet (by its #number in `sheet list`)."""
    from backoffice.models import SheetConnection

    from .registered import remove_sheet
    connection = SheetConnection.get_or_none(SheetConnection.id == sheet_id, SheetConnection.active)
    if connection is None:
        raise click.ClickException(_("no registered sheet #%(id)s", id=sheet_id))
    remove_sheet(current_app.config["BACKOFFICE"], connection)
    click.echo(_("Sheet #%(id)s is no longer synced", id=sheet_id))


COMMANDS = (add_command, list_command, remove_command)
