"""Time the customers CSV import on a fresh SQLite database: the check, then the import.

    PYTHONPATH=. .venv/bin/python -m bench.csv_import [ROWS] [--profile]

The file mixes what real files carry: 1 row in 50 invalid, 1 in 100 a duplicate of an
earlier line, a few credit codes, every stage (so the playbook makes 1-3 plans a customer).
"""
from __future__ import annotations

import cProfile
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
    from backoffice import actors
    from backoffice.csvio import importer
    from backoffice.models import CarePlan, Customer, User
    folder = WORK / "csv-import"
    shutil.rmtree(folder, ignore_errors=True)
    settings = settings_for(f"sqlite:///{folder / 'bench.db'}", folder)
    init_database(settings["database"]["url"])
    db.connect()
    migrate()
    user = User(email="boss@example.com", name="boss", role="manager")
    user.set_password("correct-horse")
    user.save()
    text = make_file(rows, user.email)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    checked = importer.check(text, "CN")
    checked_at = time.perf_counter()
    if profiler:
        profiler.enable()
    importer.import_rows(checked, settings, actors.import_actor(user))
    if profiler:
        profiler.disable()
    done = time.perf_counter()
    print(f"{rows:,} rows: check {checked_at - started:.1f} s ({len(checked.good):,} good, "
          f"{checked.bad:,} bad, {checked.duplicates:,} duplicates); import {done - checked_at:.1f} s "
          f"({Customer.select().count():,} customers, {CarePlan.select().count():,} care plans)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 100_000, "--profile" in sys.argv)
