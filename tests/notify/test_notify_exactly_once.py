"""Sent once: two consumers racing for the same notifications, and workers killed mid-send."""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from huey.storage import RedisStorage, SqliteStorage

from backoffice import clock
from backoffice.db import db
from backoffice.models import Notification
from backoffice.notify import localmail, outbox, tasks
from backoffice.queue import huey
from tests.notify.conftest import Inbox

NOON = dt.datetime(2026, 3, 2, 4, 0)
QUEUE = os.environ.get("TEST_QUEUE", "sqlite")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKER = [sys.executable, "-c", "from backoffice.cli import cli; cli()", "worker", "--workers", "1"]


def wait_until(check, seconds: float = 30.0, what: str = "the condition"):
    """A bounded poll of another thread or process."""
    deadline = time.monotonic() + seconds
    pause = threading.Event()  # never set: a pause that cannot be mistaken for synchronisation
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        pause.wait(0.05)


@pytest.fixture
def queue(tmp_path, monkeypatch, settings):
    """The shared huey object on a queue of the test's own, and its URL for worker processes."""
    if QUEUE == "redis":
        storage, url = RedisStorage(huey.name, url=REDIS_URL), REDIS_URL
        storage.flush_all()
    else:
        path = tmp_path / "notify-queue.db"
        storage, url = SqliteStorage(huey.name, filename=str(path)), f"sqlite:///{path}"
    monkeypatch.setattr(huey, "storage", storage)
    settings["queue"]["url"] = url
    yield huey
    storage.flush_all()


def _emails(count: int) -> list[int]:
    return [outbox.record(f"test:{n}", "test", f"to:person{n}@example.com", "email",
                          address=f"person{n}@example.com", subject=f"Message {n}", body_text="Hello\n")
            for n in range(count)]


def test_two_consumers_given_the_same_notifications_send_each_once(app, settings, smtp_plain, queue):
    with clock.pinned(NOON):
        ids = _emails(12)
        for nid in ids:  # two planning rounds queue every send twice
            tasks.send_notification(nid, settings)
            tasks.send_notification(nid, settings)
        consumers = [queue.create_consumer(workers=2, worker_type="thread", periodic=False,
                                           initial_delay=0.01, max_delay=0.05) for _ in range(2)]
        for consumer in consumers:
            consumer.start()
        try:
            wait_until(lambda: Notification.select().where(Notification.status == "sent").count() == 12,
                       what="twelve sent notifications")
            wait_until(lambda: len(queue.pending()) == 0, what="an empty queue")
        finally:
            for consumer in consumers:
                consumer.stop(graceful=True)
    assert sorted(to for _sender, [to] in smtp_plain.envelopes) == sorted(f"person{n}@example.com" for n in range(12))
    assert {n.attempts for n in Notification.select()} == {1}


def test_consumers_started_together_on_one_notification_send_it_once(app, settings, smtp_plain):
    with clock.pinned(NOON):
        [nid] = _emails(1)
        start, results = threading.Barrier(4), []

        def consumer():
            start.wait()
            with db.connection_context():
                results.append(outbox.deliver(nid, settings))
        threads = [threading.Thread(target=consumer) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert sorted(results) == ["sent", "taken", "taken", "taken"]
    assert len(smtp_plain.messages) == 1


class HeldInbox(Inbox):
    """An SMTP server that can hold a client at RCPT (before the hand-over) or after taking its
    DATA (after the hand-over), until the test lets go."""

    def __init__(self, hold_at: str) -> None:
        super().__init__()
        self.hold_at, self.gate, self.reached = hold_at, threading.Event(), threading.Event()

    async def _hold(self, where: str) -> None:
        if self.hold_at == where and not self.gate.is_set():
            self.reached.set()
            while not self.gate.is_set():  # asyncio-friendly: the server keeps serving others
                await asyncio.sleep(0.02)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._hold("rcpt")
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        await self._hold("data")
        return reply


def _worker(settings: dict, port: int) -> subprocess.Popen:
    env = {**os.environ,
           "BACKOFFICE_APP__INSTANCE_PATH": settings["app"]["instance_path"],
           "BACKOFFICE_APP__SECRET_KEY": "test-secret",
           "BACKOFFICE_DATABASE__URL": settings["database"]["url"],
           "BACKOFFICE_QUEUE__URL": settings["queue"]["url"],
           "BACKOFFICE_SHEET__INTERVAL_SECONDS": "3600",
           "BACKOFFICE_NOTIFY__SMTP_HOST": "127.0.0.1",
           "BACKOFFICE_NOTIFY__SMTP_PORT": str(port),
           "BACKOFFICE_NOTIFY__SMTP_SECURITY": "none"}
    return subprocess.Popen(WORKER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)


def _fresh(nid: int) -> Notification:
    db.close() if not db.is_closed() else None
    db.connect()
    return Notification.get_by_id(nid)


def _after_the_claim_timeout(settings: dict, nid: int) -> dict:
    """Recovery as the next planning round runs it once the dead worker's claim is old enough."""
    claimed = _fresh(nid).claimed_at
    later = claimed + dt.timedelta(seconds=settings["notify"]["claim_timeout_seconds"] + 1)
    with clock.pinned(later):
        return outbox.recover(settings)


@pytest.mark.parametrize("hold_at", ["rcpt", "data"])
def test_a_worker_killed_mid_send_never_leads_to_a_second_copy(app, settings, queue, hold_at):
    inbox = HeldInbox(hold_at)
    server = Controller(inbox, hostname="127.0.0.1", port=localmail.free_port())
    server.start()
    worker = _worker(settings, server.port)
    try:
        [nid] = _emails(1)  # due now: the worker's clock is the real one
        tasks.send_notification(nid)
        wait_until(inbox.reached.is_set, what="the worker reaching the SMTP server")
        _kill(worker)
        inbox.gate.set()
        held = _fresh(nid)
        assert held.status == "sending"
        assert (held.handed_over_at is not None) == (hold_at == "data")

        recovered = _after_the_claim_timeout(settings, nid)
        worker = _worker(settings, server.port)
        result = tasks.send_notification(nid).get(blocking=True, timeout=60)
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)
        server.stop()
    n = _fresh(nid)
    if hold_at == "rcpt":  # nothing was handed over: sent again, and so exactly once
        assert recovered == {"requeued": 1, "unconfirmed": 0}
        assert (result, n.status, n.attempts) == ("sent", "sent", 2)
    else:  # it was handed over and arrived: not sent again, and the record says why
        assert recovered == {"requeued": 0, "unconfirmed": 1}
        assert (result, n.status) == ("taken", "unconfirmed")
        assert "may have arrived" in n.last_error
    assert len(inbox.messages) == 1
