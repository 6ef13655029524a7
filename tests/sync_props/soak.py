"""The soak's summary: how many histories, steps, faults and crashes were tried, and what failed."""
from __future__ import annotations

import os
import sys
from collections import Counter


def report(stats: Counter, failed: bool, out=sys.stdout) -> None:
    print("\n== soak summary ==", file=out)
    print(f"seed: {os.environ.get('SOAK_SEED', 'random')}; examples asked: "
          f"{os.environ.get('SOAK_EXAMPLES')}; failures: {1 if failed else 0} "
          "(Hypothesis stops at the first and shrinks it; the minimal history is printed above)", file=out)
    for key in ("histories", "steps", "cycles", "run ok", "run failed", "run skipped"):
        print(f"{key:>28}: {stats.get(key, 0)}", file=out)
    groups = {"faults injected": "fault ", "crashes": "crash "}
    for title, prefix in groups.items():
        found = {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}
        print(f"{title:>28}: {sum(found.values())}", file=out)
        for name, count in sorted(found.items()):
            print(f"{'':>30}{name}: {count}", file=out)
    shown = {"histories", "steps", "cycles", "run ok", "run failed", "run skipped"}
    for key, value in sorted(stats.items()):
        if key not in shown and not key.startswith(tuple(groups.values())):
            print(f"{key:>28}: {value}", file=out)
