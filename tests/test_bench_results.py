"""`make bench` rewrites its own sections of bench/RESULTS.md and keeps those other benches wrote."""
from __future__ import annotations

from bench.run import ROOT, results_text

HEAD = ["# Benchmark results", "", "## Machine", "", "- CPU: a new one", ""]
BODY = ["## 1. Sync cycles (new numbers)", "", "| a | b |", "", "## 4. Growth: the unchanged cycle", "",
        "| new growth |"]


def test_a_rerun_keeps_the_sections_measured_by_benches_of_their_own():
    old = (ROOT / "RESULTS.md").read_text()
    new = results_text(HEAD, BODY, old)
    for heading in ("## 5. Sheets per person", "## 5. The monthly review", "## 6. Cycles that cost what changed"):
        section = old[old.index(heading):]
        section = section[:section.find("\n## ", 1) + 1 or None].strip("\n")
        assert section in new
    assert "| new growth |" in new and "- CPU: a new one" in new
    assert new.count("## Machine") == 1 and new.count("## 1. ") == 1
    assert "## 2. Panel at" not in new  # a generated section is replaced by this run's, not kept
    assert new.index("| new growth |") < new.index("## 5. Sheets per person")


def test_running_twice_writes_the_same_file():
    once = results_text(HEAD, BODY, (ROOT / "RESULTS.md").read_text())
    assert results_text(HEAD, BODY, once) == once


def test_a_first_run_writes_only_its_own_sections():
    assert results_text(HEAD, BODY) == "\n".join(HEAD + BODY) + "\n"
