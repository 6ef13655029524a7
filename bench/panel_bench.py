"""Section 2 and 3: the panel's pages and the CSV download at 100k customers, in-process test client.

python -m bench.panel_bench sqlite|postgresql [--customers N] [--requests N] [--csv] [--out FILE]
The SQLite file is generated once per `make bench` and reused (these sections only read).
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

from backoffice import create_app, demo
from backoffice.db import db
from backoffice.models import Customer

from .common import (
    PG_ADMIN_URL,
    PG_NAME,
    WORK,
    QueryCounter,
    current_rss_mb,
    emit,
    log,
    maxrss_mb,
    median,
    percentile,
    settings_for,
)


def _pg(sql: str, database: str | None = None) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE and VACUUM need that), on the
    server's admin database or on `database`."""
    import psycopg2
    url = PG_ADMIN_URL if database is None else PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def prepare(kind: str, customers: int) -> tuple[str, Path, float]:
    """The database URL, filled with `customers` customers (2 plans each); seconds spent filling."""
    folder = WORK / f"panel-{kind}"
    start = time.perf_counter()
    if kind == "sqlite":
        path = WORK / f"panel-{customers}.db"
        url = f"sqlite:///{path}"
        if not path.exists():
            subprocess.run([sys.executable, "-m", "bench.data", url, str(customers), str(folder)],
                           check=True, capture_output=True)
    else:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_NAME}"
        _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        _pg(f'CREATE DATABASE "{PG_NAME}"')
        subprocess.run([sys.executable, "-m", "bench.data", url, str(customers), str(folder)],
                       check=True, capture_output=True)
        # What autovacuum does soon after a bulk load on a live database: planner statistics, and
        # the new rows moved out of the GIN indexes' pending lists. Measured before it, the
        # planner would see neither and the figures would depend on when autovacuum ran.
        _pg("VACUUM ANALYZE", PG_NAME)
    return url, folder, time.perf_counter() - start


def sign_in(client, settings: dict) -> None:
    email, password = demo.kept_login(settings["app"]["instance_path"])
    reply = client.post("/login", data={"email": email, "password": password})
    assert reply.status_code == 302, reply.status_code


def pages(app) -> dict[str, str]:
    view = next(v for v in app.extensions["backoffice_admin"]._views if getattr(v, "endpoint", "") == "customers")
    args = {flt.name: name for name, (_i, flt) in view._filter_args.items()}
    tier, stage = args["Tier"], args["Stage"]
    last = Customer.select(Customer.id).order_by(Customer.id.desc()).scalar()
    pick = random.Random(3).randint(1, last)
    return {
        "customers list": "/admin/customers/",
        "search": "/admin/customers/?search=hengda",
        "two filters": f"/admin/customers/?{tier}=key&{stage}=deal",
        "deep page": "/admin/customers/?page=4000",
        "edit page": f"/admin/customers/edit/?id={pick}",
        "Today": "/admin/",
        "dashboard": "/admin/dashboard/",
    }


def measure(client, counter: QueryCounter, url: str, requests: int, budget_s: float = 8.0) -> dict:
    times, queries = [], []
    status = None
    began = time.perf_counter()
    for n in range(requests):
        if n >= 3 and time.perf_counter() - began > budget_s:
            break  # a slow page: a few samples say enough, and `make bench` must stay short
        before = counter.count
        start = time.perf_counter()
        reply = client.get(url)
        reply.get_data()
        times.append((time.perf_counter() - start) * 1000)
        queries.append(counter.count - before)
        status = reply.status_code
    return {"status": status, "p50_ms": median(times), "p95_ms": percentile(times, 95),
            "queries": max(queries), "requests": len(times)}


def csv_export(client, counter: QueryCounter) -> dict:
    """Stream the whole customers download; count rows, time it, and watch the RSS grow."""
    client.get("/admin/customers/export.csv?search=zzzz-no-match").get_data()  # warm the code path
    rss_before, peak_before = current_rss_mb(), maxrss_mb()
    before = counter.count
    start = time.perf_counter()
    reply = client.get("/admin/customers/export.csv", buffered=False)
    lines = size = 0
    for chunk in reply.response:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        lines += text.count("\n")
        size += len(text)
    seconds = time.perf_counter() - start
    reply.close()
    rows = lines - 1  # the header line
    return {"status": reply.status_code, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds,
            "bytes": size, "queries": counter.count - before,
            "rss_growth_mb": current_rss_mb() - rss_before, "peak_growth_mb": maxrss_mb() - peak_before}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("sqlite", "postgresql"))
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--csv", action="store_true")
    parser.add_argument("--pages", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args()
    url, folder, setup = prepare(args.kind, args.customers)
    log(f"panel {args.kind}: data ready in {setup:.1f} s")
    settings = settings_for(url, folder)
    app = create_app({"TESTING": False, "WTF_CSRF_ENABLED": False, "SYNC_ON_SAVE": False},
                     settings=settings)
    database = db.obj
    counter = QueryCounter(database)
    result = {"database": args.kind, "customers": args.customers, "setup_seconds": setup}
    try:
        client = app.test_client()
        sign_in(client, settings)
        with app.app_context():
            db.connect(reuse_if_open=True)
            urls = pages(app)
            db.close()
        if args.pages:
            result["pages"] = {}
            for name, page in urls.items():
                client.get(page).get_data()  # warm caches and templates
                result["pages"][name] = measure(client, counter, page, args.requests)
                log(f"panel {args.kind}: {name} p50 {result['pages'][name]['p50_ms']:.0f} ms")
            for size in (20, 100):
                sep = "&" if "?" in urls["customers list"] else "?"
                page = f"{urls['customers list']}{sep}page_size={size}"
                result["pages"][f"list, page_size={size}"] = measure(client, counter, page, 5)
        if args.csv:
            result["csv"] = csv_export(client, counter)
            log(f"panel {args.kind}: csv {result['csv']['rows_per_s']:.0f} rows/s")
    finally:
        if not db.is_closed():
            db.close()
        if args.kind == "postgresql":
            _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    emit(result, args.out)


if __name__ == "__main__":
    main()
