"""Sheets per person at scale: the managers' sheet and one sheet per rep, a round of cycles over all.

python -m bench.sheets_bench [CUSTOMERS] [--reps 20] [--out FILE]

Prints, for each round (first push, unchanged, 1% edited in the reps' sheets, 1% edited in the
panel), the API calls and the seconds of all the sheets' cycles together, the busiest sheet, and
how many minutes of Google's default quota (60 requests per minute) the round's requests fill.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import time

from backoffice.db import db
from backoffice.models import CarePlan, Customer, SheetConnection, User
from sync import gateway, layout, sheets
from sync.columns import TABLES
from sync.cycle import run_cycle
from sync.registered import run_sheet_cycle

from .common import WORK, emit, log, maxrss_mb
from .sync_bench import SID, Emulator

QUOTA = 60  # requests per minute per user, Google's default


def _round(settings: dict, connections: list, reps_first: bool = True) -> dict:
    """One cycle of every sheet: the reps' first (their edits reach the hub), then the managers'."""
    runs = []
    start = time.perf_counter()
    order = [*connections, None] if reps_first else [None, *connections]
    for connection in order:
        began = time.perf_counter()
        run = run_cycle(settings, "bench") if connection is None else run_sheet_cycle(settings, connection, "bench")
        if run.status != "ok":
            raise RuntimeError(f"{connection or 'managers'}: {run.status}: {run.error}")
        runs.append({"sheet": "managers" if connection is None else connection.spreadsheet_id,
                     "seconds": time.perf_counter() - began, "api_calls": run.api_calls,
                     "rows_read": run.rows_read, "updated": run.updated})
    calls = sum(r["api_calls"] for r in runs)
    busiest = max(runs, key=lambda r: r["seconds"])
    return {"seconds": time.perf_counter() - start, "api_calls": calls, "quota_minutes": math.ceil(calls / QUOTA),
            "rep_sheets_seconds": sum(r["seconds"] for r in runs if r["sheet"] != "managers"),
            "managers_seconds": next(r["seconds"] for r in runs if r["sheet"] == "managers"),
            "busiest": busiest, "updated": sum(r["updated"] for r in runs)}


def _spread(reps: list[User]) -> None:
    """The book dealt out among the reps, each customer's plans with it (one statement per rep)."""
    k = len(reps)
    remainder = Customer.id - (Customer.id / k) * k  # integer division on both databases (peewee's % is LIKE)
    with db.atomic():
        for n, rep in enumerate(reps):
            Customer.update(owner=rep.id).where(remainder == n).execute()
            CarePlan.update(owner=rep.id).where(CarePlan.customer.in_(
                Customer.select(Customer.id).where(remainder == n))).execute()


def _edit_rep_sheets(emulator_url: str, connections: list, titles: dict[str, str], share: float, seed: int) -> int:
    """Each rep edits `share` of the customers in their own sheet (Needs), through their own client."""
    rnd = random.Random(seed)
    edited = 0
    for connection in connections:
        staff = sheets.open_spreadsheet(sheets.SheetSettings(connection.spreadsheet_id, None, emulator_url))
        rows = staff.values_batch_get([gateway.a1_tab(titles["customer"])])["valueRanges"][0]["values"]
        letter = gateway.column_letters(rows[0].index(next(h for h in rows[0] if h in ("Needs", "客户需求"))))
        numbers = [n for n in range(2, len(rows) + 1) if rows[n - 1] and rows[n - 1][0]]
        data = [{"range": f"{gateway.a1_tab(titles['customer'])}!{letter}{n}", "values": [[f"rep edit {n}"]]}
                for n in rnd.sample(numbers, max(1, int(len(numbers) * share)))]
        staff.values_batch_update({"valueInputOption": "USER_ENTERED", "data": data})
        sheets.close(staff)
        edited += len(data)
    return edited


def _edit_panel(share: float, seed: int) -> int:
    rnd = random.Random(seed)
    ids = [c.id for c in Customer.select(Customer.id).where(~Customer.archived)]
    for record_id in rnd.sample(ids, max(1, int(len(ids) * share))):
        customer = Customer.get_by_id(record_id)
        customer.contact_title = f"panel edit {record_id}"
        customer.save()
    return max(1, int(len(ids) * share))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("customers", type=int, nargs="?", default=10_000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--out")
    args = parser.parse_args()
    folder = WORK / f"sheets-{args.customers}-{args.reps}"
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    url = f"sqlite:///{folder / 'backoffice.db'}"
    made = json.loads(subprocess.run([sys.executable, "-m", "bench.data", url, str(args.customers), str(folder)],
                                     check=True, capture_output=True, text=True).stdout)
    result = {"customers": made["customers"], "plans": made["plans"], "rep_sheets": args.reps}
    emulator = Emulator()
    from backoffice.db import init_database

    from .common import settings_for
    settings = settings_for(url, folder, emulator_url=emulator.url, spreadsheet_id=SID, language="en",
                            timeout_seconds=300.0, max_retries=1, archive_guard_count=10**9)
    init_database(url)
    db.connect(reuse_if_open=True)
    titles = {t.key: settings["sheet"][t.tab_setting] for t in TABLES}
    try:
        reps = [User.create(email=f"rep{n:02d}@example.com", name=f"Rep {n}", role="rep", password_hash="x")
                for n in range(args.reps)]
        _spread(reps)
        layout.init_sheet(gateway.open_cached(gateway.settings_for(settings["sheet"])), titles)
        connections = []
        for rep in reps:
            sid = f"bench-{rep.email.split('@')[0]}"
            emulator.post("/_emulator/spreadsheets", {"title": f"{rep.name}'s customers", "id": sid})
            connections.append(SheetConnection.create(spreadsheet_id=sid, scope="owner", person=rep))
            layout.init_sheet(gateway.open_cached(gateway.settings_for({**settings["sheet"], "spreadsheet_id": sid})),
                              titles)
        log(f"sheets: {len(connections)} rep sheets and the managers' laid out")
        result["first_push"] = _round(settings, connections, reps_first=False)
        log(f"sheets: first push {result['first_push']['seconds']:.1f} s")
        result["unchanged"] = _round(settings, connections)
        result["rep_sheet_edits"] = _edit_rep_sheets(emulator.url, connections, titles, 0.01, seed=3)
        result["rep_sheets_1pct"] = _round(settings, connections)
        result["after_rep_edits_unchanged"] = _round(settings, connections)  # converged: nothing left
        result["panel_edits"] = _edit_panel(0.01, seed=5)
        result["panel_1pct"] = _round(settings, connections)
        result["maxrss_mb"] = maxrss_mb()
    finally:
        for connection in [settings["sheet"], *({**settings["sheet"], "spreadsheet_id": c.spreadsheet_id}
                                                for c in SheetConnection.select())]:
            gateway.forget(gateway.settings_for(connection))
        emulator.stop()
        db.close()
    for name in ("first_push", "unchanged", "rep_sheets_1pct", "after_rep_edits_unchanged", "panel_1pct"):
        r = result[name]
        log(f"{name:>26}: {r['api_calls']:4d} API calls ({r['quota_minutes']} min of a 60/min quota), "
            f"{r['seconds']:6.2f} s (rep sheets {r['rep_sheets_seconds']:.2f} s, managers' {r['managers_seconds']:.2f} s), "
            f"{r['updated']} rows updated")
    emit(result, args.out)


if __name__ == "__main__":
    main()
