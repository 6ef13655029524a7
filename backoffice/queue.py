"""The task queue: one `huey` object built from settings, shared by every task module."""
from __future__ import annotations

from huey import RedisHuey, SqliteHuey

from . import config


def make_huey(settings: dict):
    """SqliteHuey for a `sqlite:///path` queue, RedisHuey for `redis://`; immediate mode on request."""
    queue = settings["queue"]
    immediate = bool(queue["immediate"])
    url = queue["url"]
    if url.startswith("sqlite:///"):
        return SqliteHuey("backoffice", filename=url[len("sqlite:///"):], immediate=immediate)
    return RedisHuey("backoffice", url=url, immediate=immediate)


settings = config.load()
huey = make_huey(settings)


@huey.on_startup()
def _open_database():
    """Workers point the shared database proxy at the configured database once, at start."""
    from .db import db, init_database
    if db.obj is None:
        init_database(settings["database"]["url"])


# The worker command imports this module: the task modules of backoffice itself are
# registered here, after `huey` exists, so every consumer knows them by name.
from .csvio import jobs as _customer_import_jobs  # noqa: E402,F401
from .notify import tasks as _notify_tasks  # noqa: E402,F401
from .review import tasks as _review_tasks  # noqa: E402,F401
