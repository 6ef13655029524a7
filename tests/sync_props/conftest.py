"""One World per test: the emulator and database the randomized histories run in."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from .world import World

# CI runs a bounded, fixed sample (the same histories on every run, so a red CI is a real
# regression, never a new draw); `make soak` explores thousands (SOAK_EXAMPLES, SOAK_SEED).
settings.register_profile("sync-ci", max_examples=40, stateful_step_count=20, deadline=None,
                          derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                          print_blob=True)
settings.register_profile("sync-soak", max_examples=int(os.environ.get("SOAK_EXAMPLES", "1000")),
                          stateful_step_count=int(os.environ.get("SOAK_STEPS", "30")), deadline=None,
                          suppress_health_check=list(HealthCheck), print_blob=True)


@pytest.fixture
def world(app, settings, monkeypatch):
    world = World(settings)
    world.install(monkeypatch)
    yield world
    world.close()
