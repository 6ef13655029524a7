"""The deferred database, initialised from settings by the web app, the worker and the CLI."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",  # readers never block the sync worker's writes
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
    "cache_size": -32_000,
}


def make_database(url: str):
    """Build a peewee database from `sqlite:///path` or `postgresql://user@host/name`."""
    if url.startswith("sqlite:///"):
        return SqliteDatabase(url[len("sqlite:///"):], pragmas=SQLITE_PRAGMAS)
    parts = urlsplit(url)
    return PostgresqlDatabase(
        parts.path.lstrip("/"),
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        host=parts.hostname or None,
        port=parts.port or None,
    )


def init_database(url: str):
    """Point the proxy at the configured database and return it."""
    database = make_database(url)
    db.initialize(database)
    return database


@contextmanager
def connected() -> Iterator[None]:
    """A task's connection: a worker opens and closes its own; inline (tests, the command line,
    immediate mode) the task reuses the one already open and leaves it open."""
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        yield
    finally:
        if opened:
            db.close()


def init_app(app) -> None:
    """Open a connection per request and close it afterwards."""
    init_database(app.config["BACKOFFICE"]["database"]["url"])

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            db.close()
