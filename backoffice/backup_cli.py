"""The `backoffice backup PATH` and `backoffice restore PATH` commands."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .backup import BackupError, backup, read_manifest, restore


def _summary(manifest: dict) -> str:
    tables = manifest["tables"]
    return (f"{manifest['database']} database as of {manifest['made_at']}: {len(tables)} tables, "
            f"{sum(tables.values()):,} rows ({tables.get('customer', 0):,} customers)")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Write a consistent copy of the whole database to PATH, safe while the product runs."""
    from .db import db
    from .migrations import current_version
    db.connect(reuse_if_open=True)
    version = current_version()
    db.close()
    try:
        manifest = backup(current_app.config["BACKOFFICE"]["database"]["url"], path, version)
    except BackupError as exc:
        raise click.ClickException(f"no backup was made: {exc}") from None
    click.echo(f"Backed up the {_summary(manifest)} to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore_command(path, yes):
    """Replace every record in the database with the backup at PATH (all or nothing)."""
    url = current_app.config["BACKOFFICE"]["database"]["url"]
    try:
        manifest = read_manifest(path)
    except BackupError as exc:
        raise click.ClickException(f"nothing was restored: {exc}") from None
    if not yes:
        click.confirm(f"Replace every record in the database with the {_summary(manifest)}? "
                      f"Stop the panel and the worker first", abort=True)
    try:
        restore(url, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    from .db import db
    from .migrations import migrate
    db.connect(reuse_if_open=True)
    for line in migrate() or []:
        click.echo(line)
    db.close()
    click.echo(f"Restored the {_summary(manifest)}.")
