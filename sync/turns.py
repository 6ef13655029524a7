"""Cycles over many sheets take turns, so the project stays within Google's per-minute quota.

Google counts requests per minute per user (60 by default, `sheet.requests_per_minute`), and
every sheet is read and written as the same service account. Each tick, the sheets whose last
cycle is oldest go first, each expected to cost what its last cycle cost (a quiet one: one read);
a sheet whose turn would overrun what is left of the minute's budget waits for the next tick.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from backoffice import clock
from backoffice.models import SheetConnection, SyncRun

WINDOW = dt.timedelta(seconds=60)
UNKNOWN_COST = 3  # a sheet never synced: a read, a write and a layout update


@dataclass(frozen=True)
class Candidate:
    key: int  # the SheetConnection id
    last_started: dt.datetime | None  # None: never synced, first in line
    last_calls: int | None


def in_turn(candidates: list[Candidate]) -> list[Candidate]:
    """Never synced first, then the longest since its last cycle."""
    return sorted(candidates, key=lambda c: (c.last_started is not None, c.last_started or dt.datetime.min, c.key))


def expected_cost(candidate: Candidate) -> int:
    return max(1, candidate.last_calls if candidate.last_calls is not None else UNKNOWN_COST)


def take_turns(candidates: list[Candidate], used: int, budget: int) -> list[int]:
    """Which sheets run now, in order, if each costs what it cost last time (pure)."""
    chosen = []
    for candidate in in_turn(candidates):
        if used + expected_cost(candidate) > budget:
            break  # the next in line keeps its place: later sheets do not overtake it
        chosen.append(candidate.key)
        used += expected_cost(candidate)
    return chosen


def spent(now: dt.datetime) -> int:
    """Requests the cycles that started in the last minute made, every sheet's together."""
    return int(SyncRun.select(fn.COALESCE(fn.SUM(SyncRun.api_calls), 0))
               .where(SyncRun.started_at > now - WINDOW).scalar() or 0)


def candidates(connections: list[SheetConnection]) -> list[Candidate]:
    """Each sheet's last cycle that did work: when it started and what it cost (two queries)."""
    ids = [c.id for c in connections]
    done = SyncRun.status.not_in(["skipped", "running"])
    last = dict(SyncRun.select(SyncRun.sheet, fn.MAX(SyncRun.id)).where(SyncRun.sheet.in_(ids or [0]), done)
                .group_by(SyncRun.sheet).tuples())
    runs = {r.sheet_id: r for r in SyncRun.select().where(SyncRun.id.in_(list(last.values()) or [0]))}
    return [Candidate(c.id, runs[c.id].started_at if c.id in runs else None,
                      runs[c.id].api_calls if c.id in runs else None) for c in connections]


def run_turns(settings: dict, trigger: str = "schedule") -> list[SyncRun]:
    """This tick's turns of the registered sheets, within what is left of the minute's budget."""
    from .registered import active, run_sheet_cycle
    connections = {c.id: c for c in active()}
    if not connections:
        return []
    budget = int(settings["sheet"].get("requests_per_minute", 60))
    used = spent(clock.now())
    runs = []
    for candidate in in_turn(candidates(list(connections.values()))):
        if used + expected_cost(candidate) > budget:
            break  # what is left of the minute is not enough: the next tick, first in line
        run = run_sheet_cycle(settings, connections[candidate.key], trigger)
        used += run.api_calls  # what it really cost, not what was expected
        runs.append(run)
    return runs
