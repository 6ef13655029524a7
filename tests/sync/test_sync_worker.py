"""The worker side: the lease, two consumers at once, the periodic fan-out and the debounce."""
from __future__ import annotations

import threading
import time

import pytest
from huey.storage import RedisStorage, SqliteStorage

from backoffice.models import SyncRun
from backoffice.queue import huey
from sync import cycle, lease, tasks
from tests.factories import make_customer
from tests.sync.conftest import QUEUE, REDIS_URL


def wait_until(check, seconds: float = 20.0, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        threading.Event().wait(step)


@pytest.fixture
def queue(tmp_path, monkeypatch, sync_settings):
    """The shared huey object on a queue of the test's own (SqliteHuey, or RedisHuey with TEST_QUEUE=redis)."""
    if QUEUE == "redis":
        storage = RedisStorage(huey.name, url=REDIS_URL)
        storage.flush_all()
    else:
        storage = SqliteStorage(huey.name, filename=str(tmp_path / "queue.db"))
    monkeypatch.setattr(huey, "storage", storage)
    yield huey
    storage.flush_all()


def test_lease_is_held_by_one_holder_until_released_or_expired(app):
    assert lease.acquire("x", "a", 60)
    assert not lease.acquire("x", "b", 60)
    assert lease.held("x", "a") and not lease.held("x", "b")
    lease.release("x", "a")
    assert lease.acquire("x", "b", -1)  # a crashed holder: its lease is already out of date
    assert lease.acquire("x", "c", 60)


def test_cycles_started_together_never_overlap(book, monkeypatch):
    make_customer(name="Acme")
    active, most = [0], [0]
    guard = threading.Lock()
    real = cycle._cycle

    def watched(*args, **kwargs):
        with guard:
            active[0] += 1
            most[0] = max(most[0], active[0])
        try:
            threading.Event().wait(0.05)  # long enough for the others to try
            return real(*args, **kwargs)
        finally:
            with guard:
                active[0] -= 1

    monkeypatch.setattr(cycle, "_cycle", watched)
    start = threading.Barrier(4)
    statuses = []

    def consumer():
        from backoffice.db import db
        start.wait()
        with db.connection_context():
            statuses.append(cycle.run_cycle(book.settings, "schedule").status)

    threads = [threading.Thread(target=consumer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert most[0] == 1
    assert "ok" in statuses and "skipped" in statuses


def test_two_consumers_on_one_queue_run_one_cycle_at_a_time(book, queue, monkeypatch):
    make_customer(name="Acme")
    active, most = [0], [0]
    guard = threading.Lock()
    real = cycle._cycle

    def watched(*args, **kwargs):
        with guard:
            active[0] += 1
            most[0] = max(most[0], active[0])
        try:
            threading.Event().wait(0.05)
            return real(*args, **kwargs)
        finally:
            with guard:
                active[0] -= 1

    monkeypatch.setattr(cycle, "_cycle", watched)
    consumers = [queue.create_consumer(workers=2, worker_type="thread", periodic=False,
                                       initial_delay=0.01, max_delay=0.05) for _ in range(2)]
    for _ in range(8):
        tasks.sync_cycle("schedule")
    for c in consumers:
        c.start()
    try:
        wait_until(lambda: SyncRun.select().where(SyncRun.status != "running").count() == 8)
    finally:
        for c in consumers:
            c.stop(graceful=True)
    assert most[0] == 1
    assert SyncRun.select().where(SyncRun.status == "ok").count() >= 1


def test_many_saves_queue_one_cycle(queue):
    assert tasks.queue_sync_soon("save")
    for _ in range(5):
        assert not tasks.queue_sync_soon("save")
    assert len(queue.pending()) == 1  # a delayed task waits in the queue with its eta


def test_a_new_save_after_the_cycle_started_queues_another(book, queue):
    assert tasks.queue_sync_soon("save")
    tasks.sync_soon.call_local("save")
    assert SyncRun.latest().trigger == "save"
    assert tasks.queue_sync_soon("save")


def test_sub_minute_interval_fans_out_within_the_minute():
    assert tasks.ticks(30) == [0, 30]
    assert tasks.ticks(15) == [0, 15, 30, 45]
    assert tasks.ticks(300) == [0]


def test_the_periodic_task_queues_this_minutes_cycles(book, queue):
    queued = tasks.sync_schedule.call_local()
    assert queued == 2  # the default 30 s: one now, one in 30 s
    assert len(queue.pending()) == 2
