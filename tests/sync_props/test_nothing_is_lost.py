"""Randomized histories of staff, admins, Google faults, crashes and cycles: nothing is ever lost."""
from __future__ import annotations

import os

from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from .machine import STATS, machine_for

PROFILE = "sync-soak" if os.environ.get("SOAK_EXAMPLES") else "sync-ci"


def test_random_histories_lose_no_edit_and_converge(world):
    STATS.clear()
    failed = True
    try:
        run_state_machine_as_test(machine_for(world), settings=settings.get_profile(PROFILE))
        failed = False
    finally:
        if os.environ.get("SOAK_EXAMPLES"):
            from .soak import report
            report(STATS, failed)
