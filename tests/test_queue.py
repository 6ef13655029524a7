"""The queue is configured by settings, never at import: SqliteHuey or RedisHuey storage by URL."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from huey import RedisHuey, SqliteHuey

from backoffice import worker
from backoffice.queue import huey, init_queue


def test_importing_the_task_modules_reads_no_settings_and_creates_no_file(tmp_path):
    code = ("import backoffice.queue, backoffice.worker; backoffice.worker.load_tasks(); "
            "import backoffice.csvio.jobs")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1])})
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_sqlite_url_gives_sqlite_huey_storage(settings, tmp_path):
    settings["queue"]["url"] = f"sqlite:///{tmp_path / 'q.db'}"
    init_queue(settings)
    assert isinstance(huey.storage, SqliteHuey.storage_class)
    assert huey.storage.filename == str(tmp_path / "q.db")
    assert not huey.immediate


def test_a_redis_url_gives_redis_huey_storage(settings):
    settings["queue"]["url"] = "redis://127.0.0.1:6379/15"
    init_queue(settings)  # the connection is made on first use
    assert isinstance(huey.storage, RedisHuey.storage_class)


def test_immediate_mode_comes_from_the_settings(settings):
    settings["queue"]["immediate"] = True
    init_queue(settings)
    try:
        assert huey.immediate
    finally:
        huey.immediate = False


def test_the_worker_knows_every_task_module_including_the_sync_extension():
    names = worker.load_tasks()
    assert "sync.tasks" in names and "backoffice.notify.tasks" in names
    registered = set(huey._registry._registry)
    assert any(name.endswith("sync_cycle") for name in registered)
    assert any(name.endswith("refresh_derived_fields") for name in registered)
    assert any(name.endswith("check_upload") for name in registered)
