"""The sync's commands, which the `backoffice` command finds as plugins: sync and sheet init."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from backoffice.admin.labels import kept_word
from backoffice.i18n import _

from . import gateway
from .columns import TABLES
from .sheets import SheetError


def tab_titles(settings: dict) -> dict[str, str]:
    return {t.key: settings["sheet"][t.tab_setting] for t in TABLES}


def _needs_sheet(settings: dict) -> None:
    sheet = settings["sheet"]
    if not sheet["spreadsheet_id"] or not (sheet["credentials_file"] or sheet["emulator_url"]):
        raise click.ClickException(
            "no sheet is configured: set sheet.spreadsheet_id and sheet.credentials_file "
            "(or sheet.emulator_url); see docs/sync.md")


@click.command("sync")
@with_appcontext
def sync_command():
    """Run one sync cycle now and print what it did."""
    from backoffice.db import db

    from .cycle import run_cycle
    settings = current_app.config["BACKOFFICE"]
    _needs_sheet(settings)
    db.connect(reuse_if_open=True)
    run = run_cycle(settings, "cli")
    click.echo(_("%(status)s: read %(rows)s rows; created %(created)s, updated %(updated)s, archived "
                 "%(archived)s, rejected %(rejected)s, conflicts %(conflicts)s; %(calls)s API calls",
                 status=kept_word(run.status), rows=run.rows_read, created=run.created, updated=run.updated,
                 archived=run.archived, rejected=run.rejected, conflicts=run.conflicts, calls=run.api_calls))
    if run.error:
        click.echo(run.error, err=True)
    if run.status in ("failed", "stopped"):
        raise SystemExit(1)


@click.group("sheet")
def sheet_group():
    """The shared Google Sheet's layout."""


@sheet_group.command("init")
@with_appcontext
def sheet_init_command():
    """Create the synced tabs, or repair their headers, dropdowns and protection."""
    from .layout import init_sheet
    settings = current_app.config["BACKOFFICE"]
    _needs_sheet(settings)
    try:
        done = init_sheet(gateway.open_cached(gateway.settings_for(settings["sheet"])), tab_titles(settings),
                          language=settings["sheet"]["language"])
    except SheetError as exc:
        raise click.ClickException(_("the sheet could not be laid out: %(error)s", error=exc.message)) from None
    for line in done or [_("the sheet's layout is already right")]:
        click.echo(line)
