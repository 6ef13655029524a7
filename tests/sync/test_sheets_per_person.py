"""Sheets per person: the managers' sheet and two reps' sheets, the database as the hub between them."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from backoffice import clock
from backoffice.models import (
    Change,
    Conflict,
    Customer,
    Interaction,
    SheetBase,
    SheetConnection,
    SyncRun,
    Ticket,
    User,
)
from sync import gateway, layout
from sync.columns import TABLES
from sync.registered import run_sheet_cycle
from tests.factories import make_customer, make_plan

A_SID, B_SID = "rep-a-sheet", "rep-b-sheet"


def tabs(settings: dict) -> dict[str, str]:
    """Every synced tab's title, as the settings name them."""
    return {t.key: settings["sheet"][t.tab_setting] for t in TABLES}


class RepSheet:
    """A rep's registered sheet, read and typed like the test's Book."""

    def __init__(self, emulator, settings, connection: SheetConnection) -> None:
        self.emulator, self.settings, self.connection = emulator, settings, connection
        self.sid = connection.spreadsheet_id

    def rows(self, tab: str = "Customers") -> list[list]:
        return self.emulator.values(self.sid, tab)

    def records(self, tab: str = "Customers") -> list[dict]:
        rows = self.rows(tab)
        header = rows[0]
        return [{"_row": n, **{h: (r[i] if i < len(r) else "") for i, h in enumerate(header) if h}}
                for n, r in enumerate(rows[1:], start=2) if any(str(c).strip() for c in r)]

    def ids(self, tab: str = "Customers") -> set[str]:
        return {r["ID"] for r in self.records(tab)}

    def find(self, ref: str, tab: str = "Customers") -> dict:
        return next(r for r in self.records(tab) if r["ID"] == ref)

    def type(self, tab: str, row: int, header: str, value) -> None:
        col = gateway.column_letters(self.rows(tab)[0].index(header))
        self.emulator.set_cell(self.sid, tab, f"{col}{row}", value, user_entered=True)

    def add_row(self, tab: str, values: dict) -> int:
        header = self.rows(tab)[0]
        row = len(self.rows(tab)) + 1
        self.emulator.set_values(self.sid, tab, f"A{row}", [[values.get(h, "") for h in header]])
        return row

    def delete_row(self, tab: str, row: int) -> None:
        self.emulator.set_values(self.sid, tab, f"A{row}", [[""] * len(self.rows(tab)[0])])

    def sync(self) -> SyncRun:
        return run_sheet_cycle(self.settings, SheetConnection.get_by_id(self.connection.id), "cli")


def _rep_sheet(emulator, settings, sid: str, person: User, **options) -> RepSheet:
    emulator.create_spreadsheet(f"{person.name}'s customers", id=sid)
    connection = SheetConnection.create(spreadsheet_id=sid, scope="owner", person=person, **options)
    spreadsheet = gateway.open_cached(gateway.settings_for({**settings["sheet"], "spreadsheet_id": sid}))
    layout.init_sheet(spreadsheet, tabs(settings), rows=40)
    return RepSheet(emulator, settings, connection)


@pytest.fixture
def three(book, emulator, sync_settings):
    """The managers' sheet (the settings' one), rep A's and rep B's, each with a customer and a plan."""
    rep_a = User.create(email="a@example.com", name="Rep A", role="rep", password_hash="x")
    rep_b = User.create(email="b@example.com", name="Rep B", role="rep", password_hash="x")
    alpha = make_customer(name="Alpha Ltd", owner=rep_a, phone="+8613800138000", email="buyer@alpha.cn")
    beta = make_customer(name="Beta Ltd", owner=rep_b)
    for n in range(5):  # one row of six deleted stays under the mass-archive guard
        make_customer(name=f"Beta's other customer {n}", owner=rep_b)
    make_plan(alpha, title="Alpha call")
    make_plan(beta, title="Beta call")
    sheets = {"a": _rep_sheet(emulator, sync_settings, A_SID, rep_a),
              "b": _rep_sheet(emulator, sync_settings, B_SID, rep_b)}
    return book, sheets, {"alpha": alpha, "beta": beta, "rep_a": rep_a, "rep_b": rep_b}


def _all(book, sheets, first: str = ""):
    """One cycle of every sheet; `first`: the sheet just typed in goes first, so one round carries its edit."""
    order = [first] if first else []
    runs = [sheets[k].sync() for k in order] + [book.sync()] + [sheets[k].sync() for k in ("a", "b") if k not in order]
    assert [r.status for r in runs] == ["ok"] * 3, [r.error for r in runs]
    return runs


def test_each_sheet_holds_exactly_the_records_its_scope_holds(three):
    book, sheets, rec = three
    _all(book, sheets)
    assert {r["Name"] for r in book.records()} == {c.name for c in Customer.select()}
    assert sheets["a"].ids() == {rec["alpha"].ref}
    assert sheets["b"].ids() == {rec["beta"].ref} | {c.ref for c in Customer.select().where(
        Customer.name.startswith("Beta's"))}
    assert {r["Title"] for r in sheets["a"].records("Care plans")} == {"Alpha call"}
    assert {r["Title"] for r in sheets["b"].records("Care plans")} == {"Beta call"}
    # each sheet has its own base, and a run of its own
    assert SheetBase.select().where(SheetBase.sheet == sheets["a"].connection.id).count() == 2
    assert SyncRun.select().where(SyncRun.sheet == sheets["b"].connection.id).count() == 1
    assert [r.status for r in _all(book, sheets)] == ["ok"] * 3  # quiet: nothing more to do


def test_an_edit_in_a_reps_sheet_reaches_the_managers_sheet_as_that_rep(three):
    book, sheets, rec = three
    _all(book, sheets)
    row = sheets["a"].find(rec["alpha"].ref)["_row"]
    sheets["a"].type("Customers", row, "Needs", "Two presses by June")
    _all(book, sheets, first="a")
    assert Customer.get_by_id(rec["alpha"].id).needs == "Two presses by June"
    assert book.find(rec["alpha"].ref)["Needs"] == "Two presses by June"
    change = Change.get(Change.record_id == rec["alpha"].id, Change.field == "needs")
    assert (change.actor_kind, change.user_id) == ("sheet", rec["rep_a"].id)
    assert change.actor_label == "a@example.com via the sheet"


def test_reassignment_moves_a_customer_and_its_plans_without_archiving(three):
    book, sheets, rec = three
    _all(book, sheets)
    alpha = Customer.get_by_id(rec["alpha"].id)
    alpha.owner = rec["rep_b"]
    alpha.save()
    for plan in alpha.care_plans:
        plan.owner = rec["rep_b"]
        plan.save()
    runs = _all(book, sheets)
    assert sum(r.archived for r in runs) == 0
    assert not Customer.get_by_id(alpha.id).archived
    assert sheets["a"].ids() == set() and sheets["a"].ids("Care plans") == set()
    assert {rec["alpha"].ref, rec["beta"].ref} <= sheets["b"].ids()
    assert {r["Title"] for r in sheets["b"].records("Care plans")} == {"Alpha call", "Beta call"}
    assert book.find(rec["alpha"].ref)["Owner"] == "b@example.com"


def test_a_row_a_rep_deletes_still_archives(three):
    book, sheets, rec = three
    _all(book, sheets)
    sheets["b"].delete_row("Customers", sheets["b"].find(rec["beta"].ref)["_row"])
    run = sheets["b"].sync()
    assert run.archived == 1
    assert Customer.get_by_id(rec["beta"].id).archived
    book.sync()
    assert rec["beta"].ref not in {r["ID"] for r in book.records()}


def test_owner_is_read_only_in_a_reps_sheet_and_the_status_says_why(three):
    book, sheets, rec = three
    _all(book, sheets)
    row = sheets["a"].find(rec["alpha"].ref)["_row"]
    sheets["a"].type("Customers", row, "Owner", "b@example.com")
    sheets["a"].sync()
    shown = sheets["a"].find(rec["alpha"].ref)
    assert shown["Owner"] == "a@example.com"
    assert "owner is set in the panel" in shown["Sync status"]
    assert Customer.get_by_id(rec["alpha"].id).owner_id == rec["rep_a"].id


def test_a_new_row_in_a_reps_sheet_belongs_to_that_rep(three):
    book, sheets, rec = three
    _all(book, sheets)
    sheets["a"].add_row("Customers", {"Name": "Gamma Ltd", "Owner": "b@example.com"})
    run = sheets["a"].sync()
    assert run.created == 1, run.error
    gamma = Customer.get(Customer.name == "Gamma Ltd")
    assert gamma.owner_id == rec["rep_a"].id
    assert "belongs to a@example.com" in sheets["a"].find(gamma.ref)["Sync status"]
    _all(book, sheets)
    assert gamma.ref in sheets["a"].ids() and gamma.ref not in sheets["b"].ids()
    assert Change.get(Change.record_id == gamma.id, Change.field == "name").user_id == rec["rep_a"].id


def test_another_reps_customer_pasted_into_a_sheet_is_refused(three):
    book, sheets, rec = three
    _all(book, sheets)
    row = sheets["a"].add_row("Customers", {"ID": rec["beta"].ref, "Name": "Beta renamed"})
    run = sheets["a"].sync()
    assert run.rejected == 1
    assert Customer.get_by_id(rec["beta"].id).name == "Beta Ltd"
    assert "not in this sheet's book" in sheets["a"].rows()[row - 1][sheets["a"].rows()[0].index("Sync status")]


def test_masked_contacts_show_their_last_four_and_the_mask_never_overwrites(three, emulator, sync_settings):
    book, sheets, rec = three
    sheets["a"].connection.mask_contacts = True
    sheets["a"].connection.save()
    _all(book, sheets)
    shown = sheets["a"].find(rec["alpha"].ref)
    assert shown["Phone"].endswith("8000") and "138" not in shown["Phone"]
    assert shown["Email"] == "**********" + "a.cn"[-4:] or shown["Email"].endswith("a.cn")
    assert "buyer" not in shown["Email"]
    sheets["a"].type("Customers", shown["_row"], "Needs", "More")  # another edit in the row
    _all(book, sheets)
    alpha = Customer.get_by_id(rec["alpha"].id)
    assert (alpha.phone, alpha.email, alpha.needs) == ("+8613800138000", "buyer@alpha.cn", "More")
    sheets["a"].type("Customers", shown["_row"], "Phone", "13900139000")  # a new number is a new number
    _all(book, sheets, first="a")
    assert Customer.get_by_id(alpha.id).phone == "+8613900139000"
    assert sheets["a"].find(alpha.ref)["Phone"].endswith("9000")
    assert "139" not in str(sheets["a"].find(alpha.ref)["Phone"])
    assert book.find(alpha.ref)["Phone"] == "139 0013 9000"


def test_a_sheet_showing_some_columns_syncs_those_and_keeps_the_rest(three, emulator, sync_settings):
    book, sheets, rec = three
    emulator.create_spreadsheet("narrow", id="narrow-sheet")
    narrow = SheetConnection.create(spreadsheet_id="narrow-sheet", scope="owner", person=rec["rep_a"],
                                    columns="name,stage,needs,owner")
    spreadsheet = gateway.open_cached(gateway.settings_for({**sync_settings["sheet"], "spreadsheet_id": "narrow-sheet"}))
    layout.init_sheet(spreadsheet, tabs(sync_settings), rows=40)
    header = emulator.values("narrow-sheet", "Customers")[0]
    for name in [h for h in header if h not in ("ID", "Name", "Stage", "Needs", "Owner", "Sync status")]:
        header[header.index(name)] = ""  # columns it does not show: their headers removed
    emulator.set_values("narrow-sheet", "Customers", "A1", [header])
    sheet = RepSheet(emulator, sync_settings, narrow)
    rec["alpha"].region = "East China"
    rec["alpha"].save()
    run = sheet.sync()
    assert run.status == "ok", run.error
    row = sheet.find(rec["alpha"].ref)
    assert row["Name"] == "Alpha Ltd" and row["Needs"] == ""
    sheet.type("Customers", row["_row"], "Needs", "Typed in the narrow sheet")
    assert sheet.sync().status == "ok"
    alpha = Customer.get_by_id(rec["alpha"].id)
    assert (alpha.needs, alpha.region, alpha.phone) == ("Typed in the narrow sheet", "East China", "+8613800138000")


def test_a_teams_sheet_and_a_regions_sheet_hold_their_customers(three, emulator, sync_settings):
    book, sheets, rec = three
    User.update(team="East").where(User.id == rec["rep_a"].id).execute()
    rec["beta"].region = "North China"
    rec["beta"].save()
    made = {}
    for sid, scope, value in (("team-sheet", "team", "East"), ("region-sheet", "region", "north china")):
        emulator.create_spreadsheet(sid, id=sid)
        connection = SheetConnection.create(spreadsheet_id=sid, scope=scope, scope_value=value)
        layout.init_sheet(gateway.open_cached(gateway.settings_for({**sync_settings["sheet"], "spreadsheet_id": sid})),
                          tabs(sync_settings), rows=40)
        made[scope] = RepSheet(emulator, sync_settings, connection)
        assert made[scope].sync().status == "ok"
    assert made["team"].ids() == {rec["alpha"].ref}  # rep A is the East team
    assert made["region"].ids() == {rec["beta"].ref}  # the region matched whatever its case
    rec["beta"].region = "South China"
    rec["beta"].save()
    run = made["region"].sync()
    assert (run.archived, made["region"].ids()) == (0, set())  # left the region: left the sheet


def test_a_reps_sheet_reads_only_its_book_from_the_database(three):
    """The scope is in the snapshot's queries: rep A's cycle never reads rep B's records."""
    from sync.registered import scope_for
    from sync.scope import Scope
    book, sheets, rec = three
    ticket = Ticket.create(customer=rec["beta"], title="Press jammed", assignee=rec["rep_a"])
    snapshot = scope_for(sheets["a"].connection).load("CN", dt.datetime(2026, 3, 10, 4, 0))
    customers, plans, tickets = (snapshot.sides[k] for k in ("customer", "care plan", "ticket"))
    assert set(customers.ids) == {rec["alpha"].ref} and set(customers.database) == {rec["alpha"].ref}
    assert set(plans.ids) == {p.ref for p in rec["alpha"].care_plans}
    assert set(tickets.ids) == {ticket.ref}  # given to rep A: in A's book, as in the panel
    Customer.update(region="East China").where(Customer.id == rec["beta"].id).execute()
    region = Scope(sheet_id=sheets["b"].connection.id, kind="region", region=" east china")
    assert set(region.load("CN", None).sides["customer"].ids) == {rec["beta"].ref}


def test_an_open_conflict_shows_only_on_the_sheet_where_it_happened(three):
    book, sheets, rec = three
    _all(book, sheets)
    sheets["a"].type("Customers", sheets["a"].find(rec["alpha"].ref)["_row"], "Needs", "Two presses")
    Customer.update(needs="One press").where(Customer.id == rec["alpha"].id).execute()
    _all(book, sheets, first="a")
    conflict = Conflict.get()
    assert conflict.run.sheet_id == sheets["a"].connection.id
    assert "changed here and in the panel" in sheets["a"].find(rec["alpha"].ref)["Sync status"]
    assert "changed here" not in book.find(rec["alpha"].ref)["Sync status"]
    _all(book, sheets)
    assert "changed here and in the panel" in sheets["a"].find(rec["alpha"].ref)["Sync status"]
    assert "changed here" not in book.find(rec["alpha"].ref)["Sync status"]


def test_a_stopped_reps_sheet_is_confirmed_on_its_own(three, client, auth, monkeypatch):
    from backoffice.admin import sync_views
    from tests.conftest import make_user
    book, sheets, rec = three
    _all(book, sheets)
    for row in sorted((r["_row"] for r in sheets["b"].records()), reverse=True):
        sheets["b"].delete_row("Customers", row)
    stopped = sheets["b"].sync()
    assert stopped.status == "stopped" and "missing from the sheet" in stopped.error
    assert book.sync().status == "ok" and sheets["a"].sync().status == "ok"  # later runs of other sheets
    make_user()
    auth.login()
    page = client.get("/admin/sync_runs/").get_data(as_text=True)
    assert f'data-sheet="{sheets["b"].connection.id}"' in page and "6 of 6 customers are missing" in page
    monkeypatch.setattr(sync_views, "queue_cycle", lambda trigger: True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(f"/admin/sync_runs/confirm-archive/{stopped.id}/", data={"csrf_token": token})
    assert SyncRun.get_by_id(stopped.id).status == "confirmed"
    assert sheets["b"].sync().archived == 6
    assert not Customer.get_by_id(rec["alpha"].id).archived
    assert 'id="sync-stopped"' not in client.get("/admin/sync_runs/").get_data(as_text=True)


def test_a_plan_marked_done_in_a_reps_sheet_is_logged_as_that_rep(three):
    book, sheets, rec = three
    with clock.pinned(dt.datetime(2026, 3, 10, 4, 0)):
        _all(book, sheets)
        [plan] = rec["alpha"].care_plans
        row = sheets["a"].find(plan.ref, "Care plans")["_row"]
        sheets["a"].type("Care plans", row, "Done on", "2026-03-09")
        run = sheets["a"].sync()
    assert run.status == "ok", run.error
    [touch] = Interaction.select().where(Interaction.care_plan == plan.id)
    assert touch.user_id == rec["rep_a"].id
    change = Change.get((Change.record_ref == plan.ref) & (Change.field == "next_due") & (Change.action == "update"))
    assert (change.actor_label, change.user_id) == ("a@example.com via the sheet", rec["rep_a"].id)
    assert "done on 2026-03-09" in sheets["a"].find(plan.ref, "Care plans")["Sync status"]
