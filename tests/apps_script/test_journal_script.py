"""The Apps Script edit journal (sync/apps_script/journal.gs), tested under Node's own test runner."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs the Apps Script tests")
def test_the_journal_script_passes_its_node_tests():
    done = subprocess.run(["node", "--test", str(HERE / "journal.test.mjs")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
