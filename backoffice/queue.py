"""The task queue: one `huey` object the task modules decorate; `init_queue(settings)` gives it storage.

Importing this module reads no settings and creates no file: the web app and the worker call
`init_queue` with their settings, as they call `init_database`.
"""
from __future__ import annotations

from huey import Huey, RedisHuey, SqliteHuey
from huey.storage import BaseStorage


class NotConfigured(BaseStorage):
    """Until `init_queue` runs, every use of the queue fails loudly instead of queueing nowhere."""

    def __getattribute__(self, name):
        if name.startswith("__") or name in ("name", "blocking"):
            return object.__getattribute__(self, name)
        raise RuntimeError("the queue is not configured: call backoffice.queue.init_queue(settings)")


huey = Huey("backoffice", storage_class=NotConfigured)
_settings: dict | None = None


def storage_for(settings: dict) -> tuple[type, dict]:
    """SqliteHuey's storage for a `sqlite:///path` queue, RedisHuey's for `redis://`, with its arguments."""
    url = settings["queue"]["url"]
    if url.startswith("sqlite:///"):
        return SqliteHuey.storage_class, {"filename": url[len("sqlite:///"):]}
    return RedisHuey.storage_class, {"url": url}


def init_queue(settings: dict) -> Huey:
    """Point the shared `huey` at the configured queue (immediate mode on request) and return it."""
    global _settings
    huey.storage_class, huey.storage_kwargs = storage_for(settings)
    huey._immediate = bool(settings["queue"]["immediate"])
    huey.storage = huey.create_storage()
    _settings = settings
    return huey


def settings() -> dict:
    """The settings the queue was configured with: what tasks run by the worker read."""
    if _settings is None:
        raise RuntimeError("the queue is not configured: call backoffice.queue.init_queue(settings)")
    return _settings
