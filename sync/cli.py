"""The sync's commands, which the `backoffice` command finds as plugins: sync, sheet init and sheet check."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from backoffice.admin.labels import kept_word
from backoffice.i18n import _

from . import gateway
from . import tabs as sheet_tabs
from .sheets import SheetError


def tab_titles(settings: dict) -> dict[str, str]:
    return sheet_tabs.titles(settings["sheet"])


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
    failed = run.status in ("failed", "stopped")
    from .registered import active, run_sheet_cycle
    for connection in active():  # then each registered sheet once (`sheet list` names them)
        sheet_run = run_sheet_cycle(settings, connection, "cli")
        click.echo(f"#{connection.id} {connection}: " + _(
            "%(status)s: read %(rows)s rows; created %(created)s, updated %(updated)s, archived "
            "%(archived)s, rejected %(rejected)s, conflicts %(conflicts)s; %(calls)s API calls",
            status=kept_word(sheet_run.status), rows=sheet_run.rows_read, created=sheet_run.created,
            updated=sheet_run.updated, archived=sheet_run.archived, rejected=sheet_run.rejected,
            conflicts=sheet_run.conflicts, calls=sheet_run.api_calls))
        if sheet_run.error:
            click.echo(f"#{connection.id}: {sheet_run.error}", err=True)
        failed = failed or sheet_run.status in ("failed", "stopped")
    if failed:
        raise SystemExit(1)


@click.group("sheet")
def sheet_group():
    """The shared Google Sheet's layout."""


from .registered_cli import COMMANDS as _REGISTERED  # noqa: E402 - sheet add, list, remove

for _command in _REGISTERED:
    sheet_group.add_command(_command)


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


@sheet_group.command("check")
@click.option("--dry-run", is_flag=True, help="Also show what the first cycle would do (nothing is written).")
@with_appcontext
def sheet_check_command(dry_run: bool):
    """Say which spreadsheet is connected, as whom, whether it answers, and what to do if not."""
    from .check import LOCAL, check
    settings = current_app.config["BACKOFFICE"]
    report = check(settings)
    account = _("the local sheet emulator (no account)") if report.account == LOCAL else report.account
    click.echo(_("Spreadsheet: %(id)s %(title)s", id=report.spreadsheet_id or "-", title=report.title))
    click.echo(_("As: %(account)s", account=account or "-"))
    if report.answers:
        click.echo(_("Answers: yes (locale %(locale)s, time zone %(zone)s)", locale=report.locale,
                     zone=report.time_zone))
    else:
        click.echo(_("Answers: no"))
    for tab, rows in report.data_rows.items():
        click.echo(_("%(tab)s: %(count)s rows of data", tab=tab, count=rows))
    for problem in report.problems:
        click.echo(_("Problem: %(what)s", what=problem.what))
        click.echo("  " + _("To fix it: %(fix)s", fix=problem.fix) + (f"\n  {problem.link}" if problem.link else ""))
    for note in report.notes:
        click.echo(_("Note: %(note)s", note=note))
    if report.offers_dry_run and not dry_run:
        click.echo(_("The sheet already holds data and was never synced: run `backoffice sheet check "
                     "--dry-run` to see what the first cycle would do."))
    if dry_run and report.ok:
        _print_preview(settings)
    if not report.ok:
        raise SystemExit(1)


def _print_preview(settings: dict) -> None:
    from .preview import preview
    click.echo(_("The first cycle would do this (nothing was written):"))
    for tab in preview(settings):
        if tab.problem:
            click.echo("  " + _("%(tab)s: not synced (%(problem)s)", tab=tab.title, problem=tab.problem))
            continue
        click.echo("  " + _(
            "%(tab)s: %(rows)s rows; create %(create)s, update %(update)s, archive %(archive)s, add "
            "%(add)s from the panel, refuse %(refused)s, conflicts %(conflicts)s", tab=tab.title, rows=tab.rows,
            create=tab.create, update=tab.update, archive=tab.archive, add=tab.add_to_sheet,
            refused=tab.refused, conflicts=tab.conflicts))
        for row, status in tab.examples:
            click.echo("    " + _("row %(row)s: %(status)s", row=row, status=status))
