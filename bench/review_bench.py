"""The monthly review at scale: N customers with 5 years of history, p95 of every figure's queries.

python -m bench.review_bench sqlite|postgresql [--customers N] [--repeat N]

The history: customers made over five years, each with 2-3 active plans, touches spread over
the years, a stage history in which about one in six customers went lost (a few came back),
creation rows in the change history, and tickets. The kept figures are recorded by the real
refresh (printed: the worker's cost), then each figure is timed per slice, straight from the
database (the dashboard's one-minute cache bypassed).
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from backoffice import clock, create_app, rules
from backoffice.db import db
from backoffice.models import (
    CarePlan,
    Change,
    Customer,
    Industry,
    Interaction,
    ReviewSlice,
    Ticket,
    User,
)
from backoffice.review import customers, figures, snapshot, tickets
from backoffice.review.slices import Slice, month_key, months_back, previous_month

from .common import PG_ADMIN_URL, PG_NAME, WORK, log, median, percentile, settings_for
from .data import bench_ref, bulk_insert
from .panel_bench import _pg

REGIONS = ("East China", "North China", "South China", "Central China", "Southwest", "Northwest", "Northeast")
YEARS = 5


def _database(kind: str, size: int) -> str:
    if kind == "sqlite":
        path = WORK / f"review-{size}.db"
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        WORK.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    _pg(f'CREATE DATABASE "{PG_NAME}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_NAME}"


def populate(size: int, seed: int = 11) -> dict[str, int]:
    rnd = random.Random(seed)
    now = clock.now()
    today = clock.today()
    owners = []
    for n in range(40):
        user = User(email=f"rep{n}@example.com", name=f"Rep {n}", role="rep", team=f"Team {n % 5}",
                    password_hash="-")
        user.save()
        owners.append(user.id)
    industries = [i.id for i in Industry.select()]
    made = {"customers": 0, "plans": 0, "interactions": 0, "changes": 0, "tickets": 0}
    span = YEARS * 365
    with db.atomic():
        for start in range(0, size, 10_000):
            rows, plans, touches, history, opened = [], [], [], [], []
            for cid in range(start + 1, min(size, start + 10_000) + 1):
                created = now - dt.timedelta(days=rnd.randint(0, span), minutes=rnd.randint(0, 1440))
                purchase = rnd.choice([0, 80_000, 300_000, 600_000, 1_200_000])
                lost_at = created + dt.timedelta(days=rnd.randint(30, span)) if rnd.random() < 0.17 else None
                lost_at = lost_at if lost_at and lost_at < now else None
                back_at = lost_at + dt.timedelta(days=rnd.randint(30, 400)) if lost_at and rnd.random() < 0.2 else None
                back_at = back_at if back_at and back_at < now else None
                stage = "lost" if lost_at and not back_at else rnd.choice(("potential", "intent", "deal", "deal"))
                rows.append({"ref": bench_ref("CU", cid), "name": f"Customer {cid}", "stage": stage,
                             "tier": rules.tier_for(purchase, 1_000_000, 500_000), "annual_purchase": purchase,
                             "region": rnd.choice(REGIONS), "industry": rnd.choice(industries),
                             "owner": rnd.choice(owners), "created_at": created, "updated_at": now})
                common = {"actor_kind": "system", "actor_label": "bench data", "table": "customer",
                          "record_id": cid, "record_ref": rows[-1]["ref"]}
                for field in ("name", "stage", "tier", "region", "owner"):
                    history.append({**common, "action": "create", "field": field, "new": "x", "at": created})
                if lost_at:
                    history.append({**common, "action": "update", "field": "stage", "old": "deal", "new": "lost",
                                    "at": lost_at})
                if back_at:
                    history.append({**common, "action": "update", "field": "stage", "old": "lost", "new": "deal",
                                    "at": back_at})
                for n, every in enumerate((14, 30, 91)[:rnd.randint(2, 3)]):
                    plans.append({"ref": bench_ref("CP", cid * 4 + n), "customer": cid, "owner": rows[-1]["owner"],
                                  "title": "Call", "interval_days": every, "status": "active",
                                  "next_due": today + dt.timedelta(days=rnd.randint(-40, 60)),
                                  "created_at": max(created, now - dt.timedelta(days=rnd.randint(0, 700))),
                                  "updated_at": now})
                age = (now - created).days
                for _ in range(rnd.randint(0, max(1, age // 120))):
                    touches.append({"customer": cid, "user": rows[-1]["owner"], "channel": "phone",
                                    "at": now - dt.timedelta(days=rnd.randint(0, age), minutes=rnd.randint(0, 1440)),
                                    "summary": "Call"})
                if rnd.random() < 0.5:
                    at = now - dt.timedelta(days=rnd.randint(0, min(age, span)), hours=rnd.randint(0, 23))
                    resolved = at + dt.timedelta(hours=rnd.randint(2, 96))
                    opened.append({"ref": f"TK-B-{cid:07d}", "customer": cid, "title": "Issue",
                                   "category": rnd.choice(("product quality", "logistics delay", "other")),
                                   "priority": "normal", "status": "closed", "opened_at": at,
                                   "response_due": at + dt.timedelta(hours=24),
                                   "resolution_due": at + dt.timedelta(hours=48),
                                   "first_response_at": at + dt.timedelta(hours=rnd.randint(1, 36)),
                                   "resolved_at": resolved, "closed_at": resolved + dt.timedelta(hours=4),
                                   "satisfaction": rnd.randint(2, 5), "created_at": at, "updated_at": now})
            for model, batch in ((Customer, rows), (CarePlan, plans), (Interaction, touches),
                                 (Change, history), (Ticket, opened)):
                bulk_insert(model, batch)
            made["customers"] += len(rows)
            made["plans"] += len(plans)
            made["interactions"] += len(touches)
            made["changes"] += len(history)
            made["tickets"] += len(opened)
    db.execute_sql("ANALYZE")
    return made


def timed(work, repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(median(times), 1), "p95_ms": round(percentile(times, 95), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("sqlite", "postgresql"))
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = _database(args.kind, args.customers)
    app = create_app({"TESTING": True}, settings=settings_for(url, WORK / f"review-{args.kind}"))
    with app.test_request_context():
        db.connect(reuse_if_open=True)
        from backoffice.migrations import migrate
        migrate()
        start = time.perf_counter()
        made = populate(args.customers)
        log(f"{args.kind}: {made} in {time.perf_counter() - start:.0f} s")
        if args.kind == "postgresql":
            db.close()
            _pg("VACUUM ANALYZE", PG_NAME)
            db.connect()
        month = month_key(clock.today())
        months = months_back(month, 12)
        start = time.perf_counter()
        snapshot.refresh(months)
        first = time.perf_counter() - start
        refresh = timed(lambda: snapshot.refresh([month]), 3)
        rows = ReviewSlice.select().count()
        print(f"\n{args.kind}, {args.customers:,} customers, {YEARS} years: {made}")
        print(f"kept figures: first record of 12 months {first:.1f} s; a refresh of this month "
              f"p50 {refresh['p50_ms']:.0f} ms; {rows:,} kept rows")
        boss = User(role="manager")
        owner = User.select(User.id).where(User.role == "rep").first().id
        industry = Industry.select(Industry.id).first().id
        slices = {"all": Slice(), "owner": Slice(owner=owner), "team": Slice(team="Team 1"),
                  "region": Slice(region="East China"), "tier": Slice(tier="key"),
                  "industry": Slice(industry=industry)}
        ticket_months = tickets.monthly(Slice(), months)
        work = {
            "new and churned, at start (12 months)": lambda s: customers.monthly(s, months),
            "care planned/done/overdue (12 months)": lambda s: figures._kept_care(s, months),
            "shares, industry x tier, purchase": lambda s: figures.share_figures(
                figures._kept_stock(s, [previous_month(month), month])[month]),
            "overdue by owner": lambda s: figures._overdue_by_owner(s, month),
            "tickets (12 months)": lambda s: tickets.monthly(s, months),
            "tickets by region x category": lambda s: tickets.figures(s, month, months, ticket_months),
            "whole review": lambda s: figures.review(boss, month, s),
        }
        # A year nobody has looked at: the view queues its record for the worker and shows at once.
        unseen = months_back(month, 30)[0]
        start = time.perf_counter()
        figures.review(boss, unseen, Slice())
        print(f"first view of a never-recorded year ({unseen}, record left to the worker): "
              f"{(time.perf_counter() - start) * 1000:.0f} ms; then p95 "
              f"{timed(lambda: figures.review(boss, unseen, Slice()), args.repeat)['p95_ms']:.0f} ms")
        print(f"{'figure':42} " + " ".join(f"{name:>9}" for name in slices) + "   (p95 ms)")
        for name, run in work.items():
            cells = [timed(lambda s=s, run=run: run(s), args.repeat)["p95_ms"] for s in slices.values()]
            print(f"{name:42} " + " ".join(f"{c:9.1f}" for c in cells))
        db.close()


if __name__ == "__main__":
    main()
