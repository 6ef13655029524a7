"""What every bench section shares: settings on a scratch folder, a query counter, timing and memory."""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from backoffice import config

ROOT = Path(__file__).resolve().parent
WORK = Path(os.environ.get("BENCH_WORK", "/tmp/backoffice-bench"))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_NAME = "backoffice_bench"


def settings_for(url: str, folder: Path, **sheet) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    settings = config.load(environ={}, overrides={
        "app": {"instance_path": str(folder / "instance"), "secret_key": "bench-secret"},
        "database": {"url": url},
        "queue": {"url": f"sqlite:///{folder / 'queue.db'}"},
    })
    settings["sheet"].update(sheet)
    return settings


class QueryCounter:
    """Counts statements by wrapping the database's execute_sql (every peewee query passes there)."""

    def __init__(self, database) -> None:
        self.count = 0
        self._inner = database.execute_sql

        def counted(sql, params=None, *args, **kwargs):
            self.count += 1
            return self._inner(sql, params, *args, **kwargs)

        database.execute_sql = counted


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@contextmanager
def stopwatch():
    box = {}
    start = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - start


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def emit(result: dict, path: str | None) -> None:
    """A section subprocess hands its numbers back as JSON (file or stdout)."""
    text = json.dumps(result, indent=1, default=str)
    if path:
        Path(path).write_text(text)
    else:
        sys.stdout.write(text + "\n")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
