"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL with TEST_DATABASE=postgresql)."""
from __future__ import annotations

import os
import re
import uuid

import pytest

from backoffice import config, create_app
from backoffice.db import db, init_database
from backoffice.migrations import migrate
from backoffice.models import ALL_MODELS, User

PG_ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_admin(sql: str) -> None:
    import psycopg2
    conn = psycopg2.connect(PG_ADMIN_URL)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


class _CountingCursor:
    """A cursor that notes each statement it is handed (one per `executemany`, as one is prepared)."""

    def __init__(self, cursor, sent: list):
        self._cursor, self._sent = cursor, sent

    def execute(self, sql, *args, **kwargs):
        self._sent.append(sql)
        return self._cursor.execute(sql, *args, **kwargs)

    def executemany(self, sql, *args, **kwargs):
        self._sent.append(sql)
        return self._cursor.executemany(sql, *args, **kwargs)

    def __iter__(self):
        return iter(self._cursor)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


def count_statements(work) -> tuple[int, object]:
    """How many SQL statements `work()` sends to the database, and what it returned: those of
    peewee's queries and those the bulk writer hands a cursor of its own (its inserts)."""
    sent = []
    original = db.obj.cursor
    db.obj.cursor = lambda *args, **kwargs: _CountingCursor(original(*args, **kwargs), sent)
    try:
        result = work()
    finally:
        del db.obj.cursor
    return len(sent), result


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL database of the suite's own, dropped at the end."""
    name = f"backoffice_test_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    yield re.sub(r"/[^/]*$", f"/{name}", PG_ADMIN_URL)
    if db.obj is not None and not db.is_closed():
        db.close()
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(request, tmp_path):
    if os.environ.get("TEST_DATABASE", "sqlite") == "postgresql":
        url = request.getfixturevalue("postgres_url")
        init_database(url)
        db.connect(reuse_if_open=True)
        tables = [m._meta.table_name for m in ALL_MODELS if m.table_exists()]
        if tables:
            db.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        db.execute_sql('DROP TABLE IF EXISTS "schema_version"')  # so each test migrates afresh
        db.close()
        return url
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def settings(tmp_path, database_url):
    return config.load(environ={}, overrides={
        # English unless a test asks for Chinese: most assertions read English words.
        "app": {"instance_path": str(tmp_path / "instance"), "secret_key": "test-secret",
                "locale": "en"},
        "database": {"url": database_url},
        "queue": {"url": f"sqlite:///{tmp_path / 'queue.db'}"},
        "sheet": {"language": "en"},  # the sheet's headers and words in English too, unless asked
    })


@pytest.fixture
def app(settings):
    app = create_app({"TESTING": True, "SYNC_ON_SAVE": False}, settings=settings)
    db.connect(reuse_if_open=True)
    migrate()
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(email="admin@example.com", role="admin", password="correct-horse", **extra) -> User:
    user = User(email=email, name=email.split("@")[0], role=role, **extra)
    user.set_password(password)
    user.save()
    return user


class AuthActions:
    def __init__(self, client):
        self._client = client

    def csrf_token(self, path="/login") -> str:
        page = self._client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def login(self, email="admin@example.com", password="correct-horse"):
        token = self.csrf_token()
        return self._client.post("/login", data={"email": email, "password": password,
                                                 "csrf_token": token})

    def logout(self):
        token = self.csrf_token("/admin/")
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture(autouse=True)
def _fresh_dashboard_cache():
    """The dashboard keeps figures for a minute; each test starts from its own database."""
    from backoffice import reports
    reports._cache.clear()
