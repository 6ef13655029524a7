"""Real Huey consumers in subprocesses: a worker killed mid-cycle, and two workers side by side."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from backoffice.db import db
from backoffice.models import Customer, Lease, SyncRun
from sync import lease

from . import checks
from .fields import context
from .sheet_view import SheetView

pytestmark = pytest.mark.slow
WORKER = [sys.executable, "-c", "from backoffice.cli import cli; cli()", "worker", "--workers", "2"]
ENQUEUE = [sys.executable, "-c", "import sys; from backoffice import config; from backoffice.queue import init_queue; "
           "init_queue(config.load()); from sync.tasks import sync_cycle; sync_cycle(sys.argv[1])"]


def _env(settings: dict, queue_url: str, ttl: int) -> dict:
    sheet = settings["sheet"]
    return {**os.environ,
            "BACKOFFICE_APP__INSTANCE_PATH": settings["app"]["instance_path"],
            "BACKOFFICE_APP__SECRET_KEY": "test-secret",
            "BACKOFFICE_DATABASE__URL": settings["database"]["url"],
            "BACKOFFICE_QUEUE__URL": queue_url,
            "BACKOFFICE_SHEET__SPREADSHEET_ID": sheet["spreadsheet_id"],
            "BACKOFFICE_SHEET__EMULATOR_URL": sheet["emulator_url"],
            "BACKOFFICE_SHEET__LOCK_TTL_SECONDS": str(ttl),
            "BACKOFFICE_SHEET__TIMEOUT_SECONDS": "10",
            "BACKOFFICE_SHEET__INTERVAL_SECONDS": "3600"}  # only the cycles the test queues


def _wait(predicate, seconds: float = 60, what: str = "the condition"):
    """Poll with a bound: the workers live in other processes."""
    _tick = threading.Event()  # never set: wait() is a pause that cannot be mistaken for sync
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.close() if not db.is_closed() else None
        db.connect()
        found = predicate()
        if found:
            return found
        _tick.wait(0.1)  # a bounded poll of another process
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def queue_url(tmp_path):
    if os.environ.get("TEST_QUEUE") == "redis":
        return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    return f"sqlite:///{tmp_path / 'worker-queue.db'}"


def _start(env) -> subprocess.Popen:
    return subprocess.Popen(WORKER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _enqueue(env, trigger: str) -> None:
    subprocess.run([*ENQUEUE, trigger], env=env, check=True, timeout=60)


def test_worker_killed_mid_cycle_restarts_converges_and_the_lock_expires(world, queue_url):
    settings = world.fresh()
    with world.as_admin():
        customers = [Customer.create(name=f"Co {i}", stage="potential") for i in range(3)]
    env = _env(settings, queue_url, ttl=3)
    world.emulator.set_latency(400)  # a cycle now takes long enough for the kill to land inside it
    worker = _start(env)
    try:
        _enqueue(env, "first")
        _wait(lambda: world.emulator.counts().get("values.batchGet"), what="the cycle's read")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _wait(lambda: Lease.select().where(Lease.name == lease.SYNC).exists(), 5, "the lease")
    world.emulator.set_latency(0)
    view = SheetView(world.grid())
    typed = next(iter(view.first), None)
    worker = _start(env)
    try:
        def queue_until_ok():  # as the periodic task would: a cycle skips while the dead lease lasts
            _enqueue(env, "after-restart")
            return SyncRun.select().where(SyncRun.status == "ok").first()
        run = _wait(queue_until_ok, 60, "an ok cycle after the restart")
        assert run.trigger == "after-restart"
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    view = SheetView(world.grid())
    assert sorted(view.first) == sorted(c.ref for c in customers)
    assert Customer.select().count() == 3 and typed in (None, *view.first)
    checks.database_is_valid(context())


def test_two_workers_never_run_two_cycles_at_once(world, queue_url):
    settings = world.fresh()
    with world.as_admin():
        for i in range(3):
            Customer.create(name=f"Co {i}", stage="potential")
    env = _env(settings, queue_url, ttl=60)
    world.emulator.set_latency(150)
    workers = [_start(env), _start(env)]
    try:
        for n in range(6):
            _enqueue(env, f"queued-{n}")
        _wait(lambda: SyncRun.select().where(SyncRun.finished_at.is_null(False)).count() >= 6, 90,
              "six finished cycles")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=20)
    ran = list(SyncRun.select().where(SyncRun.status != "skipped").order_by(SyncRun.started_at))
    assert ran, "no cycle ran"
    for earlier, later in zip(ran, ran[1:], strict=False):
        assert earlier.finished_at <= later.started_at, f"cycles {earlier.id} and {later.id} overlapped"
