"""`make bench`: every section in its own process, one table on stdout, bench/RESULTS.md written.

BENCH_QUICK=1 runs tiny sizes (a smoke test of the bench itself, minutes -> seconds).
"""
from __future__ import annotations

import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .common import PG_ADMIN_URL, ROOT, WORK, log

QUICK = os.environ.get("BENCH_QUICK") == "1"
SYNC_SIZES = (300, 1000, 3000) if QUICK else (1_000, 10_000, 50_000)
COMPARE_SIZE = SYNC_SIZES[1]
PANEL_SIZE = 3_000 if QUICK else 100_000
QUOTA_PER_MIN = 60
LATENCY_S = 0.15


def section(args: list[str], name: str) -> dict | None:
    out = WORK / f"{name}.json"
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", *args, "--out", str(out)], cwd=ROOT.parent)
    log(f"{name}: {time.perf_counter() - start:.0f} s, exit {proc.returncode}")
    return json.loads(out.read_text()) if proc.returncode == 0 and out.exists() else None


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    ram = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 2**20
    try:
        import psycopg2
        conn = psycopg2.connect(PG_ADMIN_URL)
        with conn.cursor() as cur:
            cur.execute("SHOW server_version")
            pg = cur.fetchone()[0]
        conn.close()
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        pg = f"not reachable ({type(exc).__name__})"
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(ram, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "postgresql": pg,
            "os": platform.platform(), "load_start": os.getloadavg()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def sync_tables(results: dict[int, dict]) -> list[str]:
    lines = ["## 1. Sync cycles (SQLite, emulator on loopback, quota off, no added latency)", "",
             "| customers + plans | cycle | wall | sync CPU | API calls | DB queries | rows updated |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in results.values():
        label = f"{r['customers']:,} + {r['plans']:,}"
        unchanged = sorted(r["unchanged_runs"], key=lambda c: c["seconds"])
        mid = unchanged[len(unchanged) // 2]
        for name, c in (("first full push", r["first_push"]),
                        (f"unchanged (median of {len(unchanged)})", mid),
                        (f"1% edited in the sheet ({r['sheet_edits']} rows)", r["sheet_1pct"]),
                        (f"1% edited in the panel ({r['panel_edits']} rows)", r["panel_1pct"])):
            lines.append(f"| {label} | {name} | {ms(c['seconds'])} | {ms(c['cpu_seconds'])} | "
                         f"{c['api_calls']} | {c['queries']} | {c['updated']:,} |")
    lines += ["", "| customers | peak memory of the sync process (maxrss) |", "| ---: | ---: |"]
    lines += [f"| {r['customers']:,} | {r['maxrss_mb']:.0f} MB |" for r in results.values()]
    return lines


def compare_table(r: dict, size: int) -> list[str]:
    lines = [f"## 1b. Against the naive script ({size:,} customers + {r.get('plans', 2 * size):,} plans)", "",
             "| round trip | cycle | sync: wall | sync: API calls | naive: wall | naive: API calls (reads + writes) "
             "| calls ratio | time ratio | at 60 writes/min: sync | at 60 writes/min: naive |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key in ("bare", "latency"):
        phase = r.get(key)
        if not phase:
            continue
        for cycle, label in (("unchanged", "unchanged"), ("sheet_1pct", "1% edited in the sheet"),
                             ("panel_1pct", "1% edited in the panel")):
            ours, naive = phase[f"sync_{cycle}"], phase[f"naive_{cycle}"]
            our_writes = max(0, ours["api_calls"] - 1)  # one batched read per cycle; the rest are writes
            lines.append(
                f"| {phase['latency_ms']} ms | {label} | {ms(ours['seconds'])} | {ours['api_calls']} | "
                f"{ms(naive['seconds'])} | {naive['api_calls']} ({naive['reads']} + {naive['writes']}) | "
                f"{naive['api_calls'] / max(1, ours['api_calls']):.1f}x | {naive['seconds'] / ours['seconds']:.1f}x | "
                f"≥ {our_writes * 60 / QUOTA_PER_MIN:.0f} s | ≥ {naive['writes'] * 60 / QUOTA_PER_MIN:.0f} s |")
    return lines


def panel_table(panels: dict[str, dict]) -> list[str]:
    lines = [f"## 2. Panel at {PANEL_SIZE:,} customers (+ their playbook plans, at least 2 each), in-process test client, signed-in admin", "",
             "| page | database | p50 | p95 | queries / request | requests |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    for kind, r in panels.items():
        for name, p in r.get("pages", {}).items():
            flag = "" if p["status"] == 200 else f" (HTTP {p['status']})"
            lines.append(f"| {name}{flag} | {kind} | {p['p50_ms']:,.0f} ms | {p['p95_ms']:,.0f} ms | "
                         f"{p['queries']} | {p['requests']} |")
    return lines


def csv_table(r: dict | None) -> list[str]:
    lines = [f"## 3. CSV download of {PANEL_SIZE:,} customers (SQLite, streamed through the panel)", ""]
    if not r or "csv" not in r:
        return lines + ["(not measured: the section failed; see the log)"]
    c = r["csv"]
    return lines + ["| rows | wall | rows/s | queries | RSS growth | peak RSS growth |",
                    "| ---: | ---: | ---: | ---: | ---: | ---: |",
                    f"| {c['rows']:,} | {ms(c['seconds'])} | {c['rows_per_s']:,.0f} | {c['queries']} | "
                    f"{c['rss_growth_mb']:.1f} MB | {c['peak_growth_mb']:.1f} MB |"]


def growth_table(results: dict[int, dict]) -> list[str]:
    lines = ["## 4. Growth: the unchanged cycle", "",
             "| rows (customers + plans) | wall | sync CPU | CPU µs per row | API calls | DB queries |",
             "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results.values():
        c = sorted(r["unchanged_runs"], key=lambda x: x["seconds"])[len(r["unchanged_runs"]) // 2]
        rows = r["customers"] + r["plans"]
        lines.append(f"| {rows:,} | {ms(c['seconds'])} | {ms(c['cpu_seconds'])} | "
                     f"{c['cpu_seconds'] / rows * 1e6:.0f} | {c['api_calls']} | {c['queries']} |")
    return lines


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    info = machine()
    log(f"machine: {info}")
    syncs: dict[int, dict] = {}
    for size in SYNC_SIZES:
        extra = ["--compare", "--latency-compare"] if size == COMPARE_SIZE else []
        repeat = ["--repeat", "1" if size >= 50_000 else "3"]
        r = section(["bench.sync_bench", str(size), *extra, *repeat], f"sync-{size}")
        if r:
            syncs[size] = r
    panels = {}
    for kind in ("sqlite", "postgresql"):
        r = section(["bench.panel_bench", kind, "--customers", str(PANEL_SIZE), "--pages"], f"panel-{kind}")
        if r:
            panels[kind] = r
    csv_result = section(["bench.panel_bench", "sqlite", "--customers", str(PANEL_SIZE), "--csv"], "csv")
    info["load_end"] = os.getloadavg()
    total = time.perf_counter() - started
    body = sync_tables(syncs) + [""]
    if COMPARE_SIZE in syncs:
        body += compare_table(syncs[COMPARE_SIZE], COMPARE_SIZE) + [""]
    body += panel_table(panels) + [""] + csv_table(csv_result) + [""] + growth_table(syncs)
    print("\n".join(body))
    write_results(info, body, total)
    (WORK / "raw.json").write_text(json.dumps({"machine": info, "sync": syncs, "panel": panels,
                                               "csv": csv_result}, indent=1, default=str))
    log(f"done in {total:.0f} s; raw numbers in {WORK / 'raw.json'}")


# The sections this script writes; every other section of RESULTS.md (the monthly review, the
# edit journal, sheets per person) is measured by a bench of its own and kept as it stands.
GENERATED = ("## Machine", "## 1. ", "## 1b. ", "## 2. ", "## 3. ", "## 4. ")


def kept_sections(old: str) -> list[str]:
    """The sections of an earlier RESULTS.md that `make bench` does not measure, in their order."""
    sections = re.split(r"(?m)^(?=## )", old)[1:]
    return [s.strip("\n") for s in sections if not s.startswith(GENERATED)]


def results_text(head: list[str], body: list[str], old: str = "") -> str:
    """The new RESULTS.md: this run's sections, then the others' sections kept from `old`."""
    kept = kept_sections(old)
    return "\n".join(head + body) + "\n" + "".join(f"\n{section}\n" for section in kept)


def write_results(info: dict, body: list[str], total: float) -> None:
    if QUICK:
        return  # a smoke run's numbers are not results
    head = ["# Benchmark results", "",
            "Produced by `make bench` (bench/run.py); numbers are printed, not asserted. Targets, "
            "how each number is taken, and what is left are in bench/NOTES.md. `make bench` rewrites "
            "the machine and sections 1-4; the sections after them come from benches of their own "
            "(each names its command) and are kept as they were.", "",
            "## Machine", "",
            f"- CPU: {info['cpu']}, {info['cores']} cores; RAM {info['ram_gb']} GB; {info['os']}",
            f"- Python {info['python']}, SQLite {info['sqlite']}, PostgreSQL {info['postgresql']}",
            f"- Load average at start {tuple(round(x, 1) for x in info['load_start'])}, at end "
            f"{tuple(round(x, 1) for x in info['load_end'])}. The machine is shared: other engineers "
            "run test suites on the same 2 cores, so wall times can be inflated several-fold; "
            "'sync CPU' (the sync process's own CPU time) is the steadier figure.",
            f"- Whole run: {total / 60:.1f} minutes.", ""]
    results = ROOT / "RESULTS.md"
    old = results.read_text() if results.exists() else ""
    results.write_text(results_text(head, body, old))


if __name__ == "__main__":
    main()
