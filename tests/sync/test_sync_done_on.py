"""Marking a care plan done from the sheet: `Done on` (and `Outcome`) do what the panel's Mark done does."""
from __future__ import annotations

import datetime as dt

import pytest

from backoffice import clock
from backoffice.models import (
    CarePlan,
    Change,
    Conflict,
    Customer,
    Interaction,
    SheetCompletion,
    SyncBase,
    User,
)
from backoffice.rules import to_serial
from sync import gateway, layout
from tests.factories import make_customer, make_interaction, make_plan

NOW = dt.datetime(2026, 3, 10, 4, 0)  # 12:00 in Shanghai
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def pinned():
    with clock.pinned(NOW):  # the cycle runs outside a request, as in the worker
        yield


@pytest.fixture
def plan(book, pinned):
    rep = User.get(User.email == "rep@example.com")
    customer = make_customer(name="Acme", stage="potential", owner=rep)
    plan = make_plan(customer, title="Fortnightly call", interval_days=14, next_due=dt.date(2026, 3, 2),
                     channel="phone", owner=rep.id)
    run = book.sync()
    assert run.status == "ok", run.error
    return plan


def _row(book, plan) -> int:
    return book.find(plan.ref, "Care plans")["_row"]


def test_the_care_plans_tab_has_done_on_and_outcome_columns(book):
    header = book.header("Care plans")
    assert "Done on" in header and "Outcome" in header
    assert header.index("Done on") > header.index("Last done")


def test_done_on_logs_the_interaction_moves_next_due_and_clears_the_cells(book, plan):
    row = _row(book, plan)
    book.type("Care plans", row, "Done on", "2026-03-09")
    book.type("Care plans", row, "Outcome", "Talked about the spring order")
    run = book.sync()
    assert run.status == "ok", run.error
    saved = CarePlan.get_by_id(plan.id)
    assert (saved.last_done, saved.next_due) == (dt.date(2026, 3, 9), dt.date(2026, 3, 23))
    [touch] = Interaction.select()
    assert (touch.customer_id, touch.care_plan_id, touch.summary, touch.channel) == (
        plan.customer_id, plan.id, "Talked about the spring order", "phone")
    assert touch.at.date() == dt.date(2026, 3, 9)
    sheet = book.find(plan.ref, "Care plans")
    assert (sheet["Done on"], sheet["Outcome"]) == ("", "")
    # dates are written as the sheet's serial numbers, shown as yyyy-mm-dd
    assert (sheet["Next due"], sheet["Last done"]) == (to_serial(dt.date(2026, 3, 23)), to_serial(dt.date(2026, 3, 9)))
    assert "done on 2026-03-09, next due 2026-03-23" in sheet["Sync status"]
    change = Change.get((Change.record_ref == plan.ref) & (Change.field == "next_due") & (Change.action == "update"))
    assert (change.old, change.new, change.actor_label) == ("2026-03-02", "2026-03-23", "sheet sync")


def test_done_on_refreshes_closeness_in_the_database_and_the_sheet(book, plan):
    make_interaction(plan.customer, at=NOW - dt.timedelta(days=3))
    book.sync()
    row = _row(book, plan)
    book.type("Care plans", row, "Done on", "2026-03-10")
    run = book.sync()
    assert run.status == "ok", run.error
    customer = Customer.get_by_id(plan.customer_id)
    assert customer.closeness == "tight"  # two interactions in the last 30 days
    assert book.find(customer.ref)["Closeness"] == "tight"  # in this cycle's own write
    second = book.sync()
    assert second.status == "ok" and second.updated == 0 and Interaction.select().count() == 2


def test_without_an_outcome_the_interaction_is_summarised_by_the_plan_title(book, plan):
    book.type("Care plans", _row(book, plan), "Done on", "2026/3/10")
    book.sync()
    assert Interaction.get().summary == "Fortnightly call"
    assert CarePlan.get_by_id(plan.id).next_due == dt.date(2026, 3, 24)


@pytest.mark.parametrize("typed, why", [
    ("next tuesday", '"next tuesday" is not a date'),
    ("2026-02-30", "is not a real date"),
    ("2026-04-01", "is still to come"),
    ("=TODAY()", "is a formula"),
])
def test_a_bad_done_on_is_refused_like_any_other_cell(book, plan, typed, why):
    row = _row(book, plan)
    book.type("Care plans", row, "Done on", typed, user_entered=False)
    book.type("Care plans", row, "Notes", "call the buyer")  # the row's other edits still apply
    run = book.sync()
    assert run.status == "ok" and run.rejected == 1
    sheet = book.find(plan.ref, "Care plans")
    assert sheet["Done on"] == typed  # the text stays where it was typed
    assert why in sheet["Sync status"] and sheet["Sync status"].endswith("not saved")
    assert sheet["Sync status"].startswith("done on:")
    saved = CarePlan.get_by_id(plan.id)
    assert (saved.next_due, saved.last_done, saved.notes) == (dt.date(2026, 3, 2), None, "call the buyer")
    assert Interaction.select().count() == 0
    book.type("Care plans", row, "Done on", "2026-03-10")  # fixed: applied, and the status clears
    book.sync()
    sheet = book.find(plan.ref, "Care plans")
    assert sheet["Done on"] == "" and "next due 2026-03-24" in sheet["Sync status"]
    assert Interaction.select().count() == 1


def test_a_paused_plan_is_not_marked_done(book, plan):
    CarePlan.update(status="paused").where(CarePlan.id == plan.id).execute()
    plan_row = _row(book, plan)
    book.sync()
    book.type("Care plans", plan_row, "Done on", "2026-03-10")
    book.sync()
    assert Interaction.select().count() == 0
    assert "only an active care plan can be marked done" in book.find(plan.ref, "Care plans")["Sync status"]


def test_a_crash_between_the_completion_commit_and_the_sheet_write_logs_the_touch_once(book, plan, monkeypatch):
    row = _row(book, plan)
    book.type("Care plans", row, "Done on", "2026-03-09")
    book.type("Care plans", row, "Outcome", "Visited the plant")

    def killed(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(gateway, "write_cells", killed)
    assert book.sync().status == "failed"
    assert Interaction.select().count() == 1 and SheetCompletion.select().count() == 1
    assert book.find(plan.ref, "Care plans")["Done on"] != ""  # the write never happened
    monkeypatch.undo()
    run = book.sync()
    assert run.status == "ok", run.error
    assert Interaction.select().count() == 1  # recognised, not logged again
    assert CarePlan.get_by_id(plan.id).next_due == dt.date(2026, 3, 23)  # moved once
    sheet = book.find(plan.ref, "Care plans")
    assert (sheet["Done on"], sheet["Outcome"]) == ("", "")
    assert "done on 2026-03-09, next due 2026-03-23" in sheet["Sync status"]
    assert book.sync().updated == 0


def test_a_crash_inside_the_completion_rolls_it_back_and_the_next_cycle_applies_it(book, plan, monkeypatch):
    from sync import completions
    book.type("Care plans", _row(book, plan), "Done on", "2026-03-09")

    def killed(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(completions, "customers_changed", killed)
    assert book.sync().status == "failed"
    assert Interaction.select().count() == 0 and SheetCompletion.select().count() == 0
    assert CarePlan.get_by_id(plan.id).next_due == dt.date(2026, 3, 2)
    monkeypatch.undo()
    book.sync()
    assert Interaction.select().count() == 1
    assert CarePlan.get_by_id(plan.id).next_due == dt.date(2026, 3, 23)


def test_marking_done_again_later_is_a_new_touch(book, plan):
    row = _row(book, plan)
    book.type("Care plans", row, "Done on", "2026-03-09")
    book.sync()
    book.type("Care plans", row, "Done on", "2026-03-09")  # a second touch the same day
    book.sync()
    assert Interaction.select().count() == 2
    assert CarePlan.get_by_id(plan.id).next_due == dt.date(2026, 3, 23)


def test_a_chinese_sheet_takes_wan_cheng_ri_qi(book, plan):
    book.settings["sheet"]["language"] = "zh_CN"
    spreadsheet = gateway.open_cached(gateway.settings_for(book.settings["sheet"]))
    layout.init_sheet(spreadsheet, {"customer": "Customers", "care plan": "Care plans"}, rows=40,
                      language="zh_CN")  # the headers rewritten in Chinese, in place
    header = book.header("Care plans")
    assert "完成日期" in header and "完成情况" in header
    row = _row_zh(book, plan)
    book.type("Care plans", row, "完成日期", "2026年3月9日")
    book.type("Care plans", row, "完成情况", "客户确认春季订单")
    run = book.sync()
    assert run.status == "ok", run.error
    assert Interaction.get().summary == "客户确认春季订单"
    status = book.cell("Care plans", row, "同步状态")
    assert "2026-03-23" in status and book.cell("Care plans", row, "完成日期") == ""


def _row_zh(book, plan) -> int:
    rows = book.rows("Care plans")
    index = rows[0].index("编号")
    return next(n for n, r in enumerate(rows[1:], start=2) if len(r) > index and r[index] == plan.ref)


def test_a_row_whose_base_a_crashed_cycle_never_kept_is_still_marked_done_under_the_sheets_policy(book, plan):
    # A cycle that wrote the plan's row and died before its commit leaves the row with no base:
    # every differing cell looks like a sheet edit, and the sheet's policy would undo Mark done.
    book.settings["sheet"]["conflict_policy"] = "sheet"
    SyncBase.delete().where(SyncBase.ref == plan.ref).execute()
    row = _row(book, plan)
    book.type("Care plans", row, "Done on", "2026-03-09")
    run = book.sync()
    assert run.status == "ok", run.error
    saved = CarePlan.get_by_id(plan.id)
    assert (saved.last_done, saved.next_due) == (dt.date(2026, 3, 9), dt.date(2026, 3, 23))
    assert Conflict.select().count() == 0
    assert book.sync().status == "ok"  # and the next cycle leaves it so
    saved = CarePlan.get_by_id(plan.id)
    assert (saved.last_done, saved.next_due) == (dt.date(2026, 3, 9), dt.date(2026, 3, 23))
    sheet = book.find(plan.ref, "Care plans")
    assert (sheet["Next due"], sheet["Last done"]) == (to_serial(dt.date(2026, 3, 23)), to_serial(dt.date(2026, 3, 9)))
