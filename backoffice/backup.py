"""Backups: a consistent copy of the whole database (the sync's base included) while the product runs.

A backup is one gzipped tar: `backup.json` (what it is, when, which database, rows per table)
and the data: a SQLite file made with SQLite's online backup API, or a `pg_dump` custom-format
archive taken in the same snapshot the row counts were read in.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import clock

FORMAT = "backoffice-backup"
VERSION = 1
MANIFEST = "backup.json"
DATA = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """Why a backup or a restore did not happen, in plain words; nothing was changed."""


def kind_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite:///") else "postgresql"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not on PATH: install the PostgreSQL client tools "
                          f"(Debian: apt-get install postgresql-client) in the version of the server or newer.")
    return found


def _pg_env(url: str) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore as PG* variables: a password never shows in `ps`."""
    parts = urlsplit(url)
    env = dict(os.environ)
    for key, value in (("PGHOST", parts.hostname), ("PGPORT", parts.port),
                       ("PGUSER", unquote(parts.username or "")),
                       ("PGPASSWORD", unquote(parts.password or "")),
                       ("PGDATABASE", parts.path.lstrip("/"))):
        if value:
            env[key] = str(value)
    return env


def _sqlite_tables(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _sqlite_snapshot(url: str, target: Path) -> dict[str, int]:
    live = sqlite3.connect(url[len("sqlite:///"):], timeout=30)
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)  # in one step: the copy is the database as of one moment
        return _sqlite_tables(copy)
    finally:
        copy.close()
        live.close()


def _pg_snapshot(url: str, target: Path) -> dict[str, int]:
    import psycopg2
    pg_dump = _tool("pg_dump")
    conn = psycopg2.connect(url)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cur:
            # The counts and the dump read the same snapshot, so they agree while others write.
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            names = [r[0] for r in cur.fetchall()]
            counts = {}
            for name in names:
                cur.execute(f'SELECT count(*) FROM "{name}"')
                counts[name] = cur.fetchone()[0]
        done = subprocess.run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                               f"--snapshot={snapshot}", f"--file={target}"],
                              env=_pg_env(url), capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[-500:]}")
        return counts
    finally:
        conn.rollback()
        conn.close()


def backup(url: str, path: str | os.PathLike, schema_version: int | None) -> dict:
    """Write a backup of the database at `url` to `path` (replaced only once complete)."""
    target = Path(path).resolve()
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the backup file's name, e.g. {target / 'backoffice.backup'}")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    kind = kind_of(url)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        data = Path(work) / DATA[kind]
        counts = _sqlite_snapshot(url, data) if kind == "sqlite" else _pg_snapshot(url, data)
        manifest = {"format": FORMAT, "version": VERSION, "database": kind,
                    "made_at": clock.now().isoformat(timespec="seconds") + "Z",
                    "schema_version": schema_version, "tables": counts}
        partial = Path(work) / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            raw = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
            tar.add(data, arcname=DATA[kind])
        os.chmod(partial, 0o600)  # it holds every customer's contacts
        os.replace(partial, target)
    return manifest


def read_manifest(path: str | os.PathLike) -> dict:
    """The backup's description; BackupError when the file is not a backup this program made."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"{source} does not exist or is not a file")
    not_ours = f"{source} is not a backup made by `backoffice backup`"
    try:
        with tarfile.open(source, "r:gz") as tar:
            member = tar.getmember(MANIFEST)
            if not member.isfile() or member.size > 10_000_000:
                raise BackupError(not_ours)
            manifest = json.loads(tar.extractfile(member).read())
            data = tar.getmember(DATA.get(manifest.get("database"), "?"))
            if not data.isfile():
                raise BackupError(not_ours)
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError, AttributeError):
        raise BackupError(not_ours) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(not_ours)
    if manifest.get("version") != VERSION:
        raise BackupError(f"{source} is a backup of format version {manifest.get('version')}; "
                          f"this program reads version {VERSION}")
    return manifest


def _extract(path: Path, name: str, into: Path) -> Path:
    target = into / name
    with tarfile.open(path, "r:gz") as tar, target.open("wb") as out:
        shutil.copyfileobj(tar.extractfile(name), out)  # by name: nothing lands outside `into`
    return target


def _sqlite_restore(url: str, data: Path, manifest: dict) -> None:
    copy = sqlite3.connect(data)
    try:
        try:
            healthy = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            counts = _sqlite_tables(copy)
        except sqlite3.DatabaseError:
            healthy, counts = False, {}
        if not healthy or counts != manifest["tables"]:
            raise BackupError("the backup's database is damaged (it does not match its own description); "
                              "nothing was restored")
        live = sqlite3.connect(url[len("sqlite:///"):], timeout=30)
        try:
            # The online backup API writes the live file in one transaction: all of it or none.
            copy.backup(live)
        except sqlite3.Error as exc:
            raise BackupError(f"the database could not be replaced ({exc}); nothing was restored") from None
        finally:
            live.close()
    finally:
        copy.close()


def _pg_restore(url: str, data: Path) -> None:
    pg_restore = _tool("pg_restore")
    env = _pg_env(url)
    listed = subprocess.run([pg_restore, "--list", str(data)], env=env, capture_output=True, text=True)
    if listed.returncode != 0:
        raise BackupError("the backup's database dump is damaged; nothing was restored")
    # One transaction: an error anywhere leaves the database exactly as it was.
    done = subprocess.run([pg_restore, "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
                           "--no-owner", "--no-privileges", f"--dbname={env.get('PGDATABASE', '')}", str(data)],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was restored: {done.stderr.strip()[-500:]}")


def restore(url: str, path: str | os.PathLike) -> dict:
    """Replace the database at `url` with the backup at `path`, all or nothing."""
    source = Path(path).resolve()
    manifest = read_manifest(source)
    kind = kind_of(url)
    if manifest["database"] != kind:
        raise BackupError(f"{source} is a backup of a {manifest['database']} database; the configured "
                          f"database is {kind}. Nothing was restored.")
    with tempfile.TemporaryDirectory(prefix="backoffice-restore-") as work:
        data = _extract(source, DATA[kind], Path(work))
        if kind == "sqlite":
            _sqlite_restore(url, data, manifest)
        else:
            _pg_restore(url, data)
    return manifest
