"""`backoffice import-customers` and `backoffice export-customers`, with progress bars."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import actors
from ..i18n import _


def _open_db():
    from ..db import db
    db.connect(reuse_if_open=True)


@click.command("import-customers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@click.option("--by", "login", default=None, help="The user the history names as importer.")
@with_appcontext
def import_customers_command(file: Path, dry_run: bool, login: str | None):
    """Import customers from a CSV FILE (the headers of the panel's template)."""
    from ..models import User
    from . import importer
    from .reading import BadFile, decode
    _open_db()
    settings = current_app.config["BACKOFFICE"]
    actor = actors.Actor("import", f"import of {file.name} from the command line")
    if login:
        user = User.get_or_none(User.email == login.strip().lower())
        if user is None:
            raise click.BadParameter(f"no user with the login {login}", param_hint="--by")
        actor = actors.import_actor(user)
    try:
        text = decode(file.read_bytes())
        lines = max(text.count("\n") - 1, 1)
        with click.progressbar(length=lines, label=_("Checking rows")) as bar:
            checked = importer.check(text, settings["phone"]["default_region"], progress=bar.update)
    except BadFile as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_("%(total)s rows: %(good)s ready, %(bad)s with errors, %(duplicates)s duplicates.",
                 total=f"{checked.total:,}", good=f"{len(checked.good):,}", bad=f"{checked.bad:,}",
                 duplicates=f"{checked.duplicates:,}"))
    for line, reason in checked.problems[:importer.SHOWN_PROBLEMS]:
        click.echo("  " + _("line %(line)s: %(reason)s", line=line, reason=reason))
    if len(checked.problems) > importer.SHOWN_PROBLEMS:
        click.echo("  " + _("… and %(n)s more", n=f"{len(checked.problems) - importer.SHOWN_PROBLEMS:,}"))
    if dry_run:
        click.echo(_("Dry run: nothing was saved."))
        return
    with click.progressbar(length=importer.import_steps(checked), label=_("Importing")) as bar:
        ids = importer.import_rows(checked, settings, actor, progress=bar.update)
    click.echo(_("Imported %(n)s customers.", n=f"{len(ids):,}"))


@click.command("export-customers")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--bom", is_flag=True, help="Start with a byte-order mark, for Excel.")
@click.option("--archived", is_flag=True, help="Include archived customers.")
@with_appcontext
def export_customers_command(file: Path, bom: bool, archived: bool):
    """Write every working customer to a CSV FILE (contacts in full: this is an operator's tool)."""
    from peewee import JOIN

    from ..models import Customer, Industry, User
    from .columns import CUSTOMERS
    from .export import csv_lines, rows_of
    _open_db()
    query = (Customer.select(Customer, User, Industry)
             .join(User, JOIN.LEFT_OUTER, on=(Customer.owner == User.id)).switch(Customer)
             .join(Industry, JOIN.LEFT_OUTER, on=(Customer.industry == Industry.id)).switch(Customer))
    if not archived:
        query = query.where(~Customer.archived)
    total = query.count()
    with file.open("w", encoding="utf-8", newline="") as out, \
            click.progressbar(length=total, label=_("Exporting")) as bar:
        for number, line in enumerate(csv_lines(rows_of(query, CUSTOMERS), CUSTOMERS, mask_contacts=False,
                                                bom=bom)):
            out.write(line)
            if number and number % 1000 == 0:
                bar.update(1000)
        bar.update(total % 1000)
    click.echo(_("Wrote %(n)s customers to %(file)s.", n=f"{total:,}", file=file))
