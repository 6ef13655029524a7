"""Cycles that cost what changed: the sync with the sheet's edit journal live, at one size.

python -m bench.journal_bench CUSTOMERS [--latency MS] [--out FILE]

Prints, per cycle: wall and CPU time, API calls, database statements and rows read, for an
unchanged cycle with the journal live (the quick look), 1% of both tabs edited by people in
the sheet (journaled: one values.update per cell, as the page sends them), the full read that
comes every sheet.full_read_minutes, and the naive script's unchanged cycle beside them.
Its own process: maxrss is the worker's peak.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

from backoffice.db import db
from sync import gateway, layout, sheets
from sync.columns import TABLES

from .common import WORK, QueryCounter, emit, log, maxrss_mb
from .naive import NaiveSync
from .sync_bench import SID, Emulator
from .sync_bench import measured_cycle as measured


def measured_cycle(settings: dict, counter: QueryCounter) -> dict:
    from backoffice.models import SyncRun
    out = measured(settings, counter)
    out["journal"] = SyncRun.latest().journal  # quiet: the quick look found nothing new
    return out


def people_edit(connection: sheets.SheetSettings, titles: dict[str, str], share: float, round_: int) -> int:
    """1% of both tabs' rows typed by a person: one journaled values.update per cell."""
    import random
    staff = sheets.open_spreadsheet(connection)
    staff.client.session.headers["X-Emulator-Person"] = "bench"  # the page's mark: journaled
    rnd = random.Random(round_)
    count = 0
    try:
        reply = staff.values_batch_get([gateway.a1_tab(t) for t in titles.values()])
        for (key, title), value_range in zip(titles.items(), reply["valueRanges"], strict=True):
            if key == "ticket":
                continue  # customers and care plans, as in sync_bench
            rows = value_range.get("values", [])
            column = rows[0].index("Contact title" if key == "customer" else "Notes")
            letter = gateway.column_letters(column)
            numbers = [n for n in range(2, len(rows) + 1) if rows[n - 1] and rows[n - 1][0]]
            for number in rnd.sample(numbers, max(1, int(len(numbers) * share))):
                staff.values_update(f"{gateway.a1_tab(title)}!{letter}{number}", params={"valueInputOption": "RAW"},
                                    body={"values": [[f"person edit {round_}.{number}"]]})
                count += 1
    finally:
        sheets.close(staff)
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("customers", type=int)
    parser.add_argument("--latency", type=int, default=0, help="round trip added by the emulator, ms")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive", action="store_true", help="the naive script's unchanged cycle too")
    parser.add_argument("--out")
    args = parser.parse_args()
    folder = WORK / f"journal-{args.customers}"
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    url = f"sqlite:///{folder / 'backoffice.db'}"
    made = json.loads(subprocess.run([sys.executable, "-m", "bench.data", url, str(args.customers), str(folder)],
                                     check=True, capture_output=True, text=True).stdout)
    result = {"customers": made["customers"], "plans": made["plans"], "latency_ms": args.latency}
    emulator = Emulator()
    emulator.post("/_emulator/journal", {"on": True})
    from .common import settings_for
    settings = settings_for(url, folder, emulator_url=emulator.url, spreadsheet_id=SID,
                            timeout_seconds=300.0, max_retries=1, archive_guard_count=10**9,
                            language="en")  # the tabs sheet init lays out here are the English ones
    from backoffice.db import init_database
    database = init_database(url)
    db.connect(reuse_if_open=True)
    counter = QueryCounter(database)
    titles = {t.key: settings["sheet"][t.tab_setting] for t in TABLES}
    connection = gateway.settings_for(settings["sheet"])
    layout.init_sheet(gateway.open_cached(connection), titles)
    try:
        for _ in range(4):  # the first push, the follow-up settled: until a full read finds nothing new
            measured_cycle(settings, counter)
        emulator.latency(args.latency)
        result["full_read"] = measured_cycle(settings, counter)
        result["unchanged"] = [measured_cycle(settings, counter) for _ in range(args.repeat)]
        log(f"journal {args.customers}: unchanged {[round(r['seconds'] * 1000) for r in result['unchanged']]} ms")
        emulator.latency(0)
        result["people_edits"] = people_edit(connection, titles, 0.01, 1)
        emulator.latency(args.latency)
        result["edited_1pct"] = measured_cycle(settings, counter)
        result["after_edit"] = measured_cycle(settings, counter)  # the quiet full read that follows a change
        result["unchanged_after"] = measured_cycle(settings, counter)
        result["maxrss_mb"] = maxrss_mb()
        if args.naive:
            naive = NaiveSync(connection, titles)
            naive.cycle()
            result["naive_unchanged"] = naive.cycle()
            naive.close()
    finally:
        emulator.latency(0)
        gateway.forget(connection)
        emulator.stop()
        db.close()
    emit(result, args.out)
    for name in ("full_read", "edited_1pct", "after_edit", "unchanged_after"):
        r = result[name]
        print(f"{name:16} {r['seconds'] * 1000:8.0f} ms  cpu {r['cpu_seconds'] * 1000:6.0f} ms  "
              f"api {r['api_calls']}  queries {r['queries']}  rows {r['rows_read']}  journal {r['journal']}",
              file=sys.stderr)
    for r in result["unchanged"]:
        print(f"{'unchanged':16} {r['seconds'] * 1000:8.0f} ms  cpu {r['cpu_seconds'] * 1000:6.0f} ms  "
              f"api {r['api_calls']}  queries {r['queries']}  rows {r['rows_read']}  journal {r['journal']}",
              file=sys.stderr)
    print(f"peak memory {result['maxrss_mb']:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
