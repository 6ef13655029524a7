"""Time the customers CSV import on a fresh SQLite database: the check job, then the import job.

    PYTHONPATH=. .venv/bin/python -m bench.csv_import [ROWS] [--profile]

The file mixes what real files carry: 1 row in 50 invalid, 1 in 100 a duplicate of an
earlier line, a few credit codes, every stage (so the playbook makes 1-3 plans a customer).
"""
from __future__ import annotations

import cProfile
import os
import pstats
import random
import shutil
import sys
import time

from backoffice import rules
from backoffice.db import db, init_database
from backoffice.migrations import migrate

from .common import WORK, settings_for

STAGES = ("potential", "intent", "deal", "lost")
INDUSTRIES = ("manufacturing", "retail", "services", "technology")


def _code(rnd: random.Random) -> str:
    first = "91" + "".join(rnd.choice(rules.CREDIT_ALPHABET) for _ in range(15))
    return first + rules.credit_check_char(first)


def make_file(rows: int, owner: str, seed: int = 7) -> str:
    rnd = random.Random(seed)
    lines = ["name,stage,phone,email,credit_code,owner,annual_purchase,industry"]
    for n in range(rows):
        if n % 50 == 49:
            lines.append(f"Broken {n},deal,12345,not-an-email,,,,")
            continue
        if n % 100 == 98:
            n -= 1  # the same email and phone as the row before
        phone = f"+86 138 {n // 10_000:04d} {n % 10_000:04d}" if n % 3 else ""
        code = _code(rnd) if n % 10 == 0 else ""
        purchase = rnd.choice(("", "120000", "650000", "1500000"))
        lines.append(f"Customer {n} Co.,{STAGES[n % 4]},{phone},buyer{n}@example.com,{code},"
                     f"{owner if n % 2 else ''},{purchase},{INDUSTRIES[n % 4]}")
    return "\n".join(lines) + "\n"


def main(rows: int, profile: bool) -> None:
    """The panel's path: the check job, then the import job, progress written to a SQLite queue."""
    folder = WORK / "csv-import"
    shutil.rmtree(folder, ignore_errors=True)
    settings = settings_for(f"sqlite:///{folder / 'bench.db'}", folder)
    os.environ["BACKOFFICE_QUEUE__URL"] = settings["queue"]["url"]  # read when the queue is built
    from backoffice.csvio import jobs
    from backoffice.models import CarePlan, Customer, ImportJob, User
    init_database(settings["database"]["url"])
    db.connect()
    migrate()
    user = User(email="boss@example.com", name="boss", role="manager")
    user.set_password("correct-horse")
    user.save()
    path = folder / "customers.csv"
    path.write_text(make_file(rows, user.email), encoding="utf-8")
    job = ImportJob.create(user=user, filename=path.name, path=str(path))
    region, tiers = settings["phone"]["default_region"], settings["tiers"]
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    jobs.check_job(job.id, region)
    checked_at = time.perf_counter()
    ImportJob.move(job.id, "ready", "importing")
    if profiler:
        profiler.enable()
    jobs.import_job(job.id, region, tiers)
    if profiler:
        profiler.disable()
    done = time.perf_counter()
    job = ImportJob.get_by_id(job.id)
    print(f"{rows:,} rows: check {checked_at - started:.1f} s ({job.good_rows:,} good, {job.bad_rows:,} bad, "
          f"{job.duplicate_rows:,} duplicates); import {done - checked_at:.1f} s, of which the check "
          f"again is about as long as the first ({job.status}: {Customer.select().count():,} customers, "
          f"{CarePlan.select().count():,} care plans)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 100_000, "--profile" in sys.argv)
