"""With many sheets, cycles take turns within the per-minute request budget."""
from __future__ import annotations

import datetime as dt

from backoffice.models import SheetConnection, SyncRun, User
from sync import gateway, layout
from sync.turns import Candidate, run_turns, take_turns
from tests.factories import make_customer
from tests.sync.test_sheets_per_person import tabs

T0 = dt.datetime(2026, 3, 2, 9, 0)


def test_the_sheet_waiting_longest_goes_first_and_none_overruns_the_budget():
    sheets = [Candidate(1, T0, 2), Candidate(2, None, None), Candidate(3, T0 - dt.timedelta(minutes=5), 1),
              Candidate(4, T0 - dt.timedelta(seconds=30), 1)]
    assert take_turns(sheets, used=0, budget=60) == [2, 3, 4, 1]
    assert take_turns(sheets, used=54, budget=60) == [2, 3, 4]  # 3 + 1 + 1 fit in the 6 left
    assert take_turns(sheets, used=58, budget=60) == []  # the never-synced one (3 expected) keeps its place


def test_quiet_sheets_cost_one_read_each_so_twenty_fit_a_minute():
    sheets = [Candidate(n, T0 - dt.timedelta(seconds=n), 1) for n in range(1, 21)]
    assert len(take_turns(sheets, used=1, budget=60)) == 20


def test_a_tick_runs_the_registered_sheets_within_the_budget(book, emulator, sync_settings):
    reps = [User.create(email=f"r{n}@example.com", name=f"R{n}", role="rep", password_hash="x") for n in range(3)]
    for n, rep in enumerate(reps):
        emulator.create_spreadsheet(f"r{n}", id=f"r{n}-sheet")
        SheetConnection.create(spreadsheet_id=f"r{n}-sheet", scope="owner", person=rep)
        make_customer(name=f"Customer of R{n}", owner=rep)  # a first turn reads and writes
        layout.init_sheet(gateway.open_cached(gateway.settings_for({**sync_settings["sheet"],
                                                                    "spreadsheet_id": f"r{n}-sheet"})),
                          tabs(sync_settings), rows=40)
    sync_settings["sheet"]["requests_per_minute"] = 5  # 3 expected of a first turn: not three of them
    first = run_turns(sync_settings)
    assert 1 <= len(first) < 3 and all(r.status == "ok" for r in first)
    assert sum(r.api_calls for r in first[:-1]) + 3 <= 5  # each turn began with its expected cost left
    assert run_turns(sync_settings) == []  # what is left of the minute is not enough: the rest wait
    waiting = SheetConnection.select().where(SheetConnection.id.not_in([r.sheet_id for r in first]))
    assert waiting.count() >= 1
    assert SyncRun.select().where(SyncRun.sheet.in_([w.id for w in waiting])).count() == 0
