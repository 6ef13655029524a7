"""The `backoffice` command: set up the database, users and demo data, and run the product."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import config
from .i18n import _, word


def _create_app():
    from . import create_app
    try:
        return create_app()
    except config.ConfigError as exc:
        click.echo(f"Configuration error: {exc}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def cli():
    """Customer-care back-office.

    The sheet sync's commands (sync, sheet, run) join this group as plugins
    (entry points in the `flask.commands` group), so this package never imports `sync`.
    """


def _open_db():
    from .db import db
    db.connect(reuse_if_open=True)


@cli.command("init-db")
@with_appcontext
def init_db_command():
    """Create the tables, or migrate them to the latest version."""
    from . import migrations
    _open_db()
    for line in migrations.migrate() or ["the schema is up to date"]:
        click.echo(line)


@cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "manager", "rep"]), default="rep", show_default=True)
@click.option("--name", default=None, help="Display name (defaults to the part before @).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--export-contacts", is_flag=True, help="May download phone numbers and emails unmasked.")
@click.option("--must-change-password", is_flag=True,
              help="The user must choose their own password at first sign-in (for an account made for someone else).")
@with_appcontext
def create_user_command(email, role, name, password, export_contacts, must_change_password):
    """Create a user who can sign in to the panel."""
    from . import rules
    from .models import User
    _open_db()
    try:
        email = rules.email(email)
    except rules.RuleError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    if User.select().where(User.email == email).exists():
        raise click.UsageError(f"a user with the login {email} already exists")
    user = User(email=email, name=name or email.split("@")[0], role=role,
                can_export_contacts=export_contacts, must_change_password=must_change_password)
    try:
        user.set_password(password)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--password") from None
    user.save()
    click.echo(_("Created %(role)s %(email)s", role=word("role", role), email=email))


@cli.command("demo-data")
@click.argument("count", type=click.IntRange(1, 1_000_000), default=200)
@click.option("--seed", type=int, default=7, show_default=True)
@with_appcontext
def demo_data_command(count, seed):
    """Add COUNT realistic customers with care plans and interactions.

    They go to the active reps; with none, to demo reps nobody can sign in as. No account
    that can sign in is ever made here (`backoffice run` makes the demo's on a new database)."""
    from . import demo
    _open_db()
    settings = current_app.config["BACKOFFICE"]
    with click.progressbar(length=count, label=_("Creating customers")) as bar:
        made = demo.make_demo_data(count, seed=seed, settings=settings, progress=bar.update)
    click.echo(_("Added %(customers)s customers, %(plans)s care plans, %(interactions)s interactions.",
                 customers=made["customers"], plans=made["plans"], interactions=made["interactions"]))


from .csvio.commands import export_customers_command, import_customers_command  # noqa: E402

cli.add_command(import_customers_command)
cli.add_command(export_customers_command)

from .backup_cli import backup_command, restore_command  # noqa: E402

cli.add_command(backup_command)
cli.add_command(restore_command)

from .notify.commands import notify_group  # noqa: E402

cli.add_command(notify_group)


@cli.command("worker")
@click.option("--workers", type=int, default=None, help="Worker threads (default: queue.workers).")
def worker_command(workers):
    """Run the task queue consumer: every periodic and queued task (of extensions too)."""
    from . import worker
    try:
        settings = config.load()
    except config.ConfigError as exc:
        click.echo(f"Configuration error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"worker: queue {settings['queue']['url']}, "
               f"{workers or settings['queue']['workers']} threads", err=True)
    worker.run(settings, workers)


def init_app(app) -> None:
    """Commands are registered on the group; nothing to attach to the app."""
