"""Demo accounts exist only on a database the demo created, with a generated password, never in
production; demo-data and `run --no-demo` on an existing database make no account that signs in."""
import os
import re
import stat

import pytest
from click.testing import CliRunner

from backoffice import create_app
from backoffice.cli import cli
from backoffice.db import db
from backoffice.models import Customer, User
from tests.conftest import AuthActions

OLD_DEMO_PASSWORD = "demo-pass-2024"


@pytest.fixture
def environment(tmp_path, database_url, monkeypatch):
    """The variables a deployment would set; commands read their settings from them."""
    env = {"BACKOFFICE_APP__INSTANCE_PATH": str(tmp_path / "instance"),
           "BACKOFFICE_APP__SECRET_KEY": "test-secret", "BACKOFFICE_APP__LOCALE": "en",
           "BACKOFFICE_DATABASE__URL": database_url,
           "BACKOFFICE_QUEUE__URL": f"sqlite:///{tmp_path / 'queue.db'}",
           # Said to be elsewhere, so `run` starts no local sheet of its own.
           "BACKOFFICE_SHEET__EMULATOR_URL": "http://127.0.0.1:9"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if database_url.startswith("postgresql"):
        # The suite's PostgreSQL database is reused: make it one `run` has never seen.
        from backoffice.db import init_database
        init_database(database_url)
        db.connect(reuse_if_open=True)
        db.execute_sql('DROP TABLE IF EXISTS "schema_version"')
        db.close()
    import sync.run
    # `run` without its server and children: what it prints and stores is what is tested.
    monkeypatch.setattr(sync.run.children, "start", lambda *a, **k: None)
    monkeypatch.setattr(sync.run.children, "stop_on_exit", lambda: None)
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda *a, **k: None)
    yield env
    if not db.is_closed():
        db.close()


def backoffice(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def can_sign_in(email: str, password: str) -> bool:
    app = create_app({"TESTING": True, "SYNC_ON_SAVE": False})
    client = app.test_client()
    return AuthActions(client).login(email, password).status_code == 302


def accounts_that_sign_in() -> set[str]:
    db.connect(reuse_if_open=True)
    try:
        return {u.email for u in User.select() if u.password_hash != "!"}
    finally:
        db.close()


def test_demo_data_and_run_without_demo_on_a_real_database_add_no_login(environment):
    """The probe's steps: init-db, create-user, demo-data 200, run --no-demo."""
    backoffice("init-db")
    backoffice("create-user", "owner@corp.example", "--role", "admin", "--password", "plum-kettle-orbit")
    backoffice("demo-data", "20")
    output = backoffice("run", "--no-demo")
    assert accounts_that_sign_in() == {"owner@corp.example"}
    assert not can_sign_in("admin@example.com", OLD_DEMO_PASSWORD)
    assert not can_sign_in("rep1@example.com", OLD_DEMO_PASSWORD)
    assert "admin@example.com" not in output and "Log in: with your own account" in output


def test_run_with_demo_on_an_existing_database_adds_nothing(environment):
    backoffice("init-db")
    output = backoffice("run")
    assert accounts_that_sign_in() == set()
    assert "nobody can yet" in output and "create-user" in output


def test_demo_data_gives_customers_to_the_reps_there_are(environment):
    backoffice("init-db")
    backoffice("create-user", "rep@corp.example", "--role", "rep", "--password", "plum-kettle-orbit")
    backoffice("demo-data", "10")
    db.connect(reuse_if_open=True)
    assert User.select().count() == 1
    assert {c.owner.email for c in Customer.select()} == {"rep@corp.example"}
    db.close()


def test_run_on_a_new_database_makes_the_demo_with_a_generated_password(environment):
    output = backoffice("run")
    found = re.search(r"Log in: (\S+) / (\S+)", output)
    assert found, output
    email, password = found.groups()
    assert email == "admin@example.com" and password != OLD_DEMO_PASSWORD and len(password) >= 16
    assert can_sign_in(email, password) and can_sign_in("rep1@example.com", password)
    kept = os.path.join(environment["BACKOFFICE_APP__INSTANCE_PATH"], "demo-login.txt")
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    # A later start shows the same login and adds nothing.
    assert f"Log in: {email} / {password}" in backoffice("run")
    db.connect(reuse_if_open=True)
    assert User.select().count() == 5 and Customer.select().count() == 300
    db.close()


def test_each_new_demo_gets_its_own_password(app):
    from backoffice import demo
    settings = app.config["BACKOFFICE"]
    first = demo.create_demo_logins(settings)[1]
    assert demo.create_demo_logins(settings) is None  # only where there is no account yet
    User.delete().execute()
    assert demo.create_demo_logins(settings)[1] != first


def test_production_never_gets_demo_accounts(environment, monkeypatch):
    monkeypatch.setenv("BACKOFFICE_APP__ENV", "production")
    output = backoffice("run")
    assert accounts_that_sign_in() == set()
    db.connect(reuse_if_open=True)
    assert Customer.select().count() == 0
    db.close()
    assert "nobody can yet" in output
