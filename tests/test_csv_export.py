"""Downloads hold exactly the filtered rows of every page, safe cells, masked contacts, one's own book."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from backoffice.csvio.cells import mask, neutralise, render
from backoffice.models import Change
from tests.conftest import make_user
from tests.factories import make_customer, make_interaction, make_plan


def _rows(response) -> list[dict]:
    text = response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "\nx",
                                  "  =HYPERLINK(\"x\")", " \t=1"])
def test_formula_like_text_is_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Hengda", "a=b", "e-mail", "华信食品"])
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text


def test_typed_values_are_never_touched():
    assert render(Decimal("-5.50"), "typed", mask_contacts=False) == "-5.50"
    assert render(dt.date(2026, 1, 2), "typed", mask_contacts=False) == "2026-01-02"
    assert render("+8613800138000", "phone", mask_contacts=False) == "+8613800138000"


def test_contacts_are_masked_to_the_last_four_characters():
    assert mask("+8613800138000") == "**********8000"
    assert render("wang@example.com", "email", mask_contacts=True) == "************.com"
    assert mask("abc") == "***"


@pytest.fixture
def book(app):
    manager = make_user("boss@example.com", role="manager")
    rep = make_user("rep@example.com", role="rep")
    other = make_user("other@example.com", role="rep")
    for n in range(45):
        make_customer(name=f"Deal {n:02d}", stage="deal", owner=rep)
    make_customer(name="=HYPERLINK(\"http://evil\")", stage="potential", owner=rep,
                  phone="+8613800138000", email="li@example.com", annual_purchase=Decimal("1234.50"))
    make_customer(name="华信食品 Huaxin Foods", stage="potential", owner=other, phone="+8613900139000")
    make_customer(name="Archived deal", stage="deal", owner=rep, archived=True)
    return {"manager": manager, "rep": rep, "other": other}


def test_export_holds_exactly_the_filtered_rows_of_all_pages(client, auth, book):
    auth.login("boss@example.com")
    page = client.get("/admin/customers/?flt1_stage_equals=deal").get_data(as_text=True)
    assert "export.csv" in page
    # The list pages 20 at a time; the download has all 45 working deal customers.
    response = client.get("/admin/customers/export.csv?flt1_stage_equals=deal")
    assert response.status_code == 200
    names = sorted(r["name"] for r in _rows(response))
    assert names == [f"Deal {n:02d}" for n in range(45)]


def test_export_follows_the_search_too(client, auth, book):
    auth.login("boss@example.com")
    rows = _rows(client.get("/admin/customers/export.csv?search=Huaxin"))
    assert [r["name"] for r in rows] == ["华信食品 Huaxin Foods"]


def test_export_filename_names_the_view_and_the_day(app, client, auth, book):
    app.config["CLOCK"] = lambda: dt.datetime(2026, 11, 25, 9, 0)
    auth.login("boss@example.com")
    response = client.get("/admin/customers/export.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="customers-2026-11-25.csv"'
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_the_excel_download_starts_with_a_byte_order_mark(client, auth, book):
    auth.login("boss@example.com")
    assert client.get("/admin/customers/export.csv?bom=1").get_data().startswith(b"\xef\xbb\xbf")
    assert not client.get("/admin/customers/export.csv").get_data().startswith(b"\xef\xbb\xbf")


def test_export_neutralises_formulas_but_keeps_numbers(client, auth, book):
    auth.login("boss@example.com")
    rows = {r["ref"]: r for r in _rows(client.get("/admin/customers/export.csv?search=HYPERLINK"))}
    (row,) = rows.values()
    assert row["name"] == "'=HYPERLINK(\"http://evil\")"
    assert row["annual_purchase"] == "1234.50"


def test_contacts_are_masked_for_users_without_the_right(client, auth, book):
    auth.login("boss@example.com")
    (row,) = _rows(client.get("/admin/customers/export.csv?search=HYPERLINK"))
    assert (row["phone"], row["email"]) == ("**********8000", "**********.com")


def test_contacts_are_plain_for_users_with_the_right(client, auth, book):
    make_user("exporter@example.com", role="manager", can_export_contacts=True)
    auth.login("exporter@example.com")
    (row,) = _rows(client.get("/admin/customers/export.csv?search=HYPERLINK"))
    assert (row["phone"], row["email"]) == ("+8613800138000", "li@example.com")


def test_a_reps_export_never_holds_another_reps_customer(client, auth, book):
    auth.login("rep@example.com")
    rows = _rows(client.get("/admin/customers/export.csv?search=Huaxin"))
    assert rows == []
    everything = _rows(client.get("/admin/customers/export.csv"))
    assert len(everything) == 46 and not any("Huaxin" in r["name"] for r in everything)
    other = book["other"]
    assert all(r["owner"] == "rep@example.com" for r in everything) and other.email not in str(everything)


def test_a_rep_cannot_widen_the_export_with_an_owner_filter(client, auth, book):
    auth.login("rep@example.com")
    other_id = book["other"].id
    rows = _rows(client.get(f"/admin/customers/export.csv?flt1_owner_equals={other_id}"))
    assert rows == []


def test_care_plans_and_interactions_exports_are_scoped_to_the_reps_book(client, auth, book):
    from backoffice.models import Customer
    mine = Customer.get(Customer.name == "Deal 00")
    theirs = Customer.get(Customer.name == "华信食品 Huaxin Foods")
    make_plan(mine, title="My call")
    make_plan(theirs, title="Their call")
    make_interaction(mine, summary="=cmd|' /C calc'!A0")
    make_interaction(theirs, summary="Their touch")
    auth.login("rep@example.com")
    plans = _rows(client.get("/admin/care_plans/export.csv"))
    assert [p["title"] for p in plans] == ["My call"]
    touches = _rows(client.get("/admin/interactions/export.csv"))
    assert [t["summary"] for t in touches] == ["'=cmd|' /C calc'!A0"]


def test_change_history_export_masks_changed_contacts(client, auth, book):
    auth.login("boss@example.com")
    rows = _rows(client.get("/admin/history/export.csv?search=phone"))
    phones = [r["new"] for r in rows if r["field"] == "phone"]
    assert phones and all(p.startswith("*") for p in phones)
    assert Change.select().count() > len(rows)


def test_exports_refuse_anonymous_users_and_wrong_roles(client, auth, book):
    response = client.get("/admin/customers/export.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login("rep@example.com")
    assert client.get("/admin/history/export.csv").status_code == 403


def test_export_streams_in_chunks_over_many_rows(app, client, auth, book):
    from backoffice.csvio import export
    from backoffice.models import Customer
    Customer.insert_many([{"ref": f"CU-X{n:06d}", "name": f"Bulk {n}", "stage": "intent",
                           "annual_purchase": 0, "owner": book["rep"].id} for n in range(2500)]).execute()
    export.CHUNK, before = 700, export.CHUNK
    try:
        auth.login("rep@example.com")
        response = client.get("/admin/customers/export.csv?flt1_stage_equals=intent")
        assert response.is_streamed
        assert len(_rows(response)) == 2500
    finally:
        export.CHUNK = before
