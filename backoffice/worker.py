"""The worker: every task module registered on the queue, then the Huey consumer."""
from __future__ import annotations

import importlib
import logging
from importlib.metadata import entry_points

from .db import init_database
from .queue import huey, init_queue

# The product's own task modules; extensions name theirs in the `backoffice.tasks` entry points.
TASK_MODULES = (
    "backoffice.care.tasks",
    "backoffice.csvio.jobs",
    "backoffice.notify.tasks",
    "backoffice.review.tasks",
)


def task_modules() -> list[str]:
    return [*TASK_MODULES, *sorted(ep.value for ep in entry_points(group="backoffice.tasks"))]


def load_tasks() -> list[str]:
    """Import every task module, so that every consumer knows every task by name."""
    names = task_modules()
    for name in names:
        importlib.import_module(name)
    return names


def run(settings: dict, workers: int | None = None) -> None:
    """Configure the queue and the database from `settings` and consume until stopped."""
    init_queue(settings)
    init_database(settings["database"]["url"])
    load_tasks()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    consumer = huey.create_consumer(workers=workers or settings["queue"]["workers"],
                                    worker_type="thread", periodic=True, check_worker_health=True)
    consumer.run()
