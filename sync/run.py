"""`backoffice run`: the whole product on one machine: the sheet (or its emulator), the worker, the panel."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import click
import requests

from backoffice import config
from sheets_emulator.guard import TOKEN_ENV

from . import children
from . import tabs as sheet_tabs
from .columns import CUSTOMERS

LOCAL_SHEET_ID = "customer-care-local"
WORKER = [sys.executable, "-c", "from backoffice.cli import cli; cli()", "worker"]


def _wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    session = requests.Session()
    session.trust_env = False  # loopback only: a proxy from the environment must not see it
    while True:
        try:
            if session.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise click.ClickException(f"{url} did not answer within {seconds:.0f} s")
        time.sleep(0.2)


def start_emulator(instance: Path, port: int, spreadsheet_id: str, token: str) -> subprocess.Popen:
    """The local Sheets emulator, keeping its data in the instance folder across restarts."""
    process = children.start([sys.executable, "-m", "sheets_emulator", "--port", str(port),
                              "--data", str(instance / "sheet.json"), "--create", "Customer care",
                              "--id", spreadsheet_id, "--journal"],  # as if the journal's script were installed
                             env={**os.environ, TOKEN_ENV: token})
    _wait_for(f"http://127.0.0.1:{port}/_emulator/health")
    return process


def use_local_sheet(port: int) -> str | None:
    """Without Google credentials, point every process at the emulator. Returns its page URL."""
    settings = config.load()
    sheet = settings["sheet"]
    if sheet["credentials_file"] or sheet["emulator_url"]:
        return None
    spreadsheet_id = sheet["spreadsheet_id"] or LOCAL_SHEET_ID
    # A fresh token per start: only this process and its children can drive the local sheet.
    token = secrets.token_urlsafe(32)
    start_emulator(Path(settings["app"]["instance_path"]), port, spreadsheet_id, token)
    os.environ["BACKOFFICE_SHEET__EMULATOR_URL"] = f"http://127.0.0.1:{port}"
    os.environ["BACKOFFICE_SHEET__EMULATOR_TOKEN"] = token
    os.environ["BACKOFFICE_SHEET__SPREADSHEET_ID"] = spreadsheet_id  # inherited by the worker
    # Opened on the customers tab: a new spreadsheet's first tab is the empty "Sheet1".
    return f"http://127.0.0.1:{port}/sheets/{spreadsheet_id}?tab={quote(sheet_tabs.own_title(CUSTOMERS, sheet))}"


def use_local_mail(port: int):
    """Without an SMTP server, a local one keeps the e-mails for the panel's Outbox page."""
    from backoffice.notify import localmail
    settings = config.load()
    return localmail.use_local(settings["app"]["instance_path"], port, settings["notify"]["smtp_host"])


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True, help="The panel's port.")
@click.option("--sheet-port", type=int, default=8099, show_default=True,
              help="The local sheet emulator's port (used when no Google credentials are set).")
@click.option("--mail-port", type=int, default=8025, show_default=True,
              help="The local mail server's port (used when no SMTP server is set); read it on the Outbox page.")
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="On a new database (not in production): demo users with a generated password, and customers.")
def run_command(host: str, port: int, sheet_port: int, mail_port: int, demo: bool):
    """Run everything: the sheet (or a local emulator), the sheet layout, the worker and the panel."""
    from backoffice import create_app
    from backoffice import demo as demo_data
    from backoffice.db import db
    from backoffice.migrations import current_version, migrate

    from .cli import tab_titles
    from .gateway import open_cached, settings_for
    from .layout import init_sheet

    children.stop_on_exit()
    sheet_page = use_local_sheet(sheet_port)
    local_mail = use_local_mail(mail_port)
    settings = config.load()
    app = create_app(settings=settings)
    with app.app_context():
        db.connect(reuse_if_open=True)
        fresh = current_version() is None  # only a database this start creates gets the demo
        migrate()
        login_line = demo_data.prepare(settings, create=demo and fresh)
        db.close()
    if settings["sheet"]["spreadsheet_id"]:
        for line in init_sheet(open_cached(settings_for(settings["sheet"])), tab_titles(settings),
                               language=settings["sheet"]["language"]):
            click.echo(line)
        sheet_page = sheet_page or f"https://docs.google.com/spreadsheets/d/{settings['sheet']['spreadsheet_id']}"
    children.start(WORKER)
    click.echo(f"Panel:  http://{host}:{port}/admin/")
    click.echo(f"Sheet:  {sheet_page or 'not configured (set sheet.spreadsheet_id, see docs/sync.md)'}")
    if local_mail is not None:
        click.echo(f"Mail:   kept by a local server on port {local_mail.port}: http://{host}:{port}/admin/outbox/")
    click.echo(login_line)
    from werkzeug.serving import run_simple
    try:
        run_simple(host, port, app, threaded=True)  # not app.run: Flask ignores it inside a CLI command
    finally:
        children.stop_all()
