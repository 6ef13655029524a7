"""`backoffice backup` / `restore`: every table comes back as it was; a file that is not a backup changes nothing."""
from __future__ import annotations

import io
import json
import tarfile
import threading

import pytest

from backoffice import backup as backups
from backoffice import demo
from backoffice.cli import cli
from backoffice.db import db
from backoffice.migrations import SchemaVersion
from backoffice.models import (
    CarePlan,
    Change,
    Conflict,
    Customer,
    Industry,
    Interaction,
    Lease,
    LoginAttempt,
    PlaybookStep,
    SyncBase,
    SyncRun,
    Tag,
    User,
)
from tests.conftest import make_user
from tests.factories import make_customer

FILLED = {m._meta.table_name for m in (User, Customer, CarePlan, Interaction, Change, SyncBase, SyncRun,
                                       Conflict, Lease, LoginAttempt, Industry, Tag, PlaybookStep, SchemaVersion)}


def everything() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    return {name: sorted((tuple(row) for row in db.execute_sql(f'SELECT * FROM "{name}"').fetchall()),
                         key=repr)
            for name in sorted(db.get_tables())}


@pytest.fixture
def filled(app, settings):
    admin = make_user()
    demo.make_demo_data(6, seed=3, settings=settings)
    run = SyncRun.create(trigger="cli", status="ok", rows_read=7)
    SyncBase.create(table="customers", ref="CU-1", data=json.dumps({"name": "Acme 上海"}))
    Conflict.create(run=run, table="customers", ref="CU-1", field="name", sheet_value="a",
                    database_value="b", kept="database")
    Lease.create(name="sync", holder="worker-1", expires_at=run.started_at)
    LoginAttempt.create(email=admin.email, address="127.0.0.1", succeeded=True)
    make_customer(name="Backed Up Co", owner=admin).save()
    before = everything()
    assert {name for name, rows in before.items() if rows} >= FILLED
    return before


def run(runner, *args):
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_restore_brings_back_every_table_as_it_was(runner, filled, tmp_path):
    path = tmp_path / "nightly.backup"
    made = run(runner, "backup", str(path))
    assert made.exit_code == 0, made.output
    assert "Backed up the" in made.output
    # Work goes on after the backup: edits, additions, deletions, a new sync base.
    Customer.update(name="Renamed").where(Customer.name == "Backed Up Co").execute()
    make_customer(name="Made After Co")
    Interaction.delete().execute()
    SyncBase.delete().execute()
    Change.delete().execute()
    assert everything() != filled
    restored = run(runner, "restore", "--yes", str(path))
    assert restored.exit_code == 0, restored.output
    assert everything() == filled


def test_a_backup_taken_while_others_write_is_consistent(runner, filled, tmp_path):
    path = tmp_path / "busy.backup"
    stop, written = threading.Event(), []

    def keep_writing():
        db.connect(reuse_if_open=True)
        try:
            while not stop.is_set():
                with db.atomic():  # a customer and its history row land together or not at all
                    written.append(make_customer(name=f"Busy {len(written)} Co"))
        finally:
            db.close()
    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        made = run(runner, "backup", str(path))
    finally:
        stop.set()
        writer.join()
    assert made.exit_code == 0, made.output
    manifest = backups.read_manifest(path)
    assert run(runner, "restore", "--yes", str(path)).exit_code == 0
    counts = {name: db.execute_sql(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in manifest["tables"]}
    assert counts == manifest["tables"]
    # Each customer written in one transaction with its history came back with its history.
    for customer in Customer.select().where(Customer.name.startswith("Busy ")):
        assert Change.of(customer).exists(), customer.name
    assert written, "the writer ran alongside the backup"


def not_a_backup_files(tmp_path, good):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    no_manifest = tmp_path / "other.tar.gz"
    with tarfile.open(no_manifest, "w:gz") as tar:
        tar.add(text, arcname="notes.txt")
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        raw = json.dumps({"format": "something-else"}).encode()
        info = tarfile.TarInfo("backup.json")
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    half = tmp_path / "half.backup"
    half.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return {"text": text, "no_manifest": no_manifest, "foreign": foreign, "truncated": half,
            "missing": tmp_path / "nowhere.backup"}


@pytest.mark.parametrize("case", ["text", "no_manifest", "foreign", "truncated", "missing"])
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(runner, filled, tmp_path, case):
    good = tmp_path / "good.backup"
    assert run(runner, "backup", str(good)).exit_code == 0
    path = not_a_backup_files(tmp_path, good)[case]
    answer = run(runner, "restore", "--yes", str(path))
    assert answer.exit_code == 1
    assert "nothing was restored" in answer.output.lower() or "Nothing was restored" in answer.output
    assert everything() == filled


def rewrap(good, tmp_path, manifest_change=None, data_change=None):
    """A copy of a good backup with its description or its data altered."""
    out = tmp_path / "altered.backup"
    with tarfile.open(good, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            raw = src.extractfile(member).read()
            if member.name == "backup.json" and manifest_change:
                raw = json.dumps(manifest_change(json.loads(raw))).encode()
            elif member.name != "backup.json" and data_change:
                raw = data_change(raw)
            member.size = len(raw)
            dst.addfile(member, io.BytesIO(raw))
    return out


def test_restore_refuses_a_backup_of_the_other_kind_of_database(runner, filled, tmp_path):
    good = tmp_path / "good.backup"
    assert run(runner, "backup", str(good)).exit_code == 0
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}

    def swap(manifest):
        manifest["database"] = other[manifest["database"]]
        return manifest
    altered = rewrap(good, tmp_path, manifest_change=swap)
    answer = run(runner, "restore", "--yes", str(altered))
    assert answer.exit_code == 1
    assert "Nothing was restored" in answer.output or "not a backup" in answer.output
    assert everything() == filled


def test_restore_of_damaged_data_applies_nothing(runner, filled, tmp_path):
    good = tmp_path / "good.backup"
    assert run(runner, "backup", str(good)).exit_code == 0
    Customer.update(name="Changed Since").where(Customer.name == "Backed Up Co").execute()
    now = everything()

    def damage(raw):  # the second half of the data is lost
        return raw[: len(raw) // 2] + b"\0" * (len(raw) - len(raw) // 2)
    altered = rewrap(good, tmp_path, data_change=damage)
    answer = run(runner, "restore", "--yes", str(altered))
    assert answer.exit_code == 1
    assert "nothing was restored" in answer.output
    assert everything() == now


def test_backup_into_a_missing_folder_says_so(runner, filled, tmp_path):
    answer = run(runner, "backup", str(tmp_path / "no-such-folder" / "x.backup"))
    assert answer.exit_code == 1
    assert "does not exist" in answer.output


def test_restore_asks_first_unless_told_yes(runner, filled, tmp_path):
    good = tmp_path / "good.backup"
    assert run(runner, "backup", str(good)).exit_code == 0
    Customer.update(name="Kept").where(Customer.name == "Backed Up Co").execute()
    answer = runner.invoke(cli, ["restore", str(good)], input="n\n")
    assert answer.exit_code == 1
    assert Customer.select().where(Customer.name == "Kept").exists()
