"""Section 1 and 4: sync cycles at one size, in a process of its own (its maxrss is the sync's peak).

python -m bench.sync_bench CUSTOMERS [--compare] [--latency-compare] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
import urllib.request

from backoffice.db import db
from backoffice.models import CarePlan, Customer
from sync import gateway, layout, sheets
from sync.columns import TABLES
from sync.cycle import run_cycle

from .common import WORK, QueryCounter, emit, log, maxrss_mb
from .naive import NaiveSync

SID = "bench-sheet"
LATENCY_MS = 150


class Emulator:
    """The emulator subprocess and its HTTP controls."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.emulator_proc"],
                                     stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()
        self.post("/_emulator/spreadsheets", {"title": "Customer care", "id": SID})

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read() or b"{}")

    def latency(self, ms: int) -> None:
        self.post("/_emulator/latency", {"ms": ms})

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def measured_cycle(settings: dict, counter: QueryCounter) -> dict:
    queries = counter.count
    start, cpu = time.perf_counter(), time.process_time()
    run = run_cycle(settings, "bench")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if run.status != "ok":
        raise RuntimeError(f"sync cycle {run.status}: {run.error}")
    return {"seconds": seconds, "cpu_seconds": cpu, "api_calls": run.api_calls, "queries": counter.count - queries,
            "rows_read": run.rows_read, "updated": run.updated, "created": run.created}


class Editor:
    """Edits 1% of the rows of both tabs, as staff in the sheet or admins in the panel would."""

    def __init__(self, connection: sheets.SheetSettings, titles: dict[str, str], seed: int = 11) -> None:
        self.staff = sheets.open_spreadsheet(connection)  # its own client: not on the sync's counter
        self.titles = titles
        self.rnd = random.Random(seed)
        self.round = 0

    def sheet(self, share: float = 0.01) -> int:
        self.round += 1
        reply = self.staff.values_batch_get([gateway.a1_tab(t) for t in self.titles.values()])
        data = []
        for (key, title), value_range in zip(self.titles.items(), reply["valueRanges"], strict=True):
            rows = value_range.get("values", [])
            header = rows[0]
            column = header.index("Contact title" if key == "customer" else "Notes")
            letter = gateway.column_letters(column)
            numbers = [n for n in range(2, len(rows) + 1) if rows[n - 1] and rows[n - 1][0]]
            for number in self.rnd.sample(numbers, max(1, int(len(numbers) * share))):
                data.append({"range": f"{gateway.a1_tab(title)}!{letter}{number}",
                             "values": [[f"sheet edit {self.round}.{number}"]]})
        self.staff.values_batch_update({"valueInputOption": "USER_ENTERED", "data": data})
        return len(data)

    def panel(self, share: float = 0.01) -> int:
        self.round += 1
        edited = 0
        for model, name in ((Customer, "contact_title"), (CarePlan, "notes")):
            ids = [r.id for r in model.select(model.id).where(~model.archived)]
            for record_id in self.rnd.sample(ids, max(1, int(len(ids) * share))):
                record = model.get_by_id(record_id)
                setattr(record, name, f"panel edit {self.round}.{record_id}")
                record.save()  # the panel's save: history rows and updated_at
                edited += 1
        return edited


def compare(settings, counter, editor, naive, emulator, latency_ms: int) -> dict:
    """The 1% cycles, ours and the naive script's, on the same data at one round-trip time."""
    emulator.latency(0)
    run_cycle(settings, "bench")  # settle: both sides agree before the comparison starts
    emulator.latency(latency_ms)
    out = {"latency_ms": latency_ms}
    out["sync_unchanged"] = measured_cycle(settings, counter)
    out["sheet_edits"] = editor.sheet()
    out["sync_sheet_1pct"] = measured_cycle(settings, counter)
    out["panel_edits"] = editor.panel()
    out["sync_panel_1pct"] = measured_cycle(settings, counter)
    naive.cycle()  # brings its memory of the sheet and its "last run" up to date
    out["naive_unchanged"] = naive.cycle()
    editor.sheet()
    out["naive_sheet_1pct"] = naive.cycle()
    editor.panel()
    out["naive_panel_1pct"] = naive.cycle()
    emulator.latency(0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("customers", type=int)
    parser.add_argument("--compare", action="store_true", help="the naive script on bare loopback")
    parser.add_argument("--latency-compare", action="store_true", help="also with a 150 ms round trip")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out")
    args = parser.parse_args()
    folder = WORK / f"sync-{args.customers}"
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    url = f"sqlite:///{folder / 'backoffice.db'}"
    start = time.perf_counter()
    made = json.loads(subprocess.run([sys.executable, "-m", "bench.data", url, str(args.customers), str(folder)],
                                     check=True, capture_output=True, text=True).stdout)
    result = {"customers": made["customers"], "plans": made["plans"],
              "setup_seconds": time.perf_counter() - start}
    log(f"sync {args.customers}: data ready in {result['setup_seconds']:.1f} s")
    emulator = Emulator()
    from .common import settings_for
    settings = settings_for(url, folder, emulator_url=emulator.url, spreadsheet_id=SID,
                            timeout_seconds=300.0, max_retries=1, archive_guard_count=10**9)
    from backoffice.db import init_database
    database = init_database(url)
    db.connect(reuse_if_open=True)
    counter = QueryCounter(database)
    titles = {t.key: settings["sheet"][t.tab_setting] for t in TABLES}
    connection = gateway.settings_for(settings["sheet"])
    layout.init_sheet(gateway.open_cached(connection), titles)
    try:
        result["first_push"] = measured_cycle(settings, counter)
        log(f"sync {args.customers}: first push {result['first_push']['seconds']:.2f} s")
        result["unchanged_runs"] = [measured_cycle(settings, counter) for _ in range(args.repeat)]
        editor = Editor(connection, titles)
        result["sheet_edits"] = editor.sheet()
        result["sheet_1pct"] = measured_cycle(settings, counter)
        result["panel_edits"] = editor.panel()
        result["panel_1pct"] = measured_cycle(settings, counter)
        result["maxrss_mb"] = maxrss_mb()
        log(f"sync {args.customers}: cycles done, maxrss {result['maxrss_mb']:.0f} MB")
        if args.compare or args.latency_compare:
            naive = NaiveSync(connection, titles)
            result["bare"] = compare(settings, counter, editor, naive, emulator, 0)
            log(f"sync {args.customers}: bare comparison done")
            if args.latency_compare:
                result["latency"] = compare(settings, counter, editor, naive, emulator, LATENCY_MS)
                log(f"sync {args.customers}: {LATENCY_MS} ms comparison done")
            naive.close()
    finally:
        gateway.forget(connection)
        emulator.stop()
        db.close()
    emit(result, args.out)


if __name__ == "__main__":
    main()
