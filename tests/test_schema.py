"""One declaration per field: the sheet, CSV files, the rules and the panel all read backoffice.schema."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from backoffice import rules, schema, words
from backoffice.admin import labels
from backoffice.admin.care import PLAN_RULE_FIELDS, CarePlanView
from backoffice.admin.customers import RULE_FIELDS, CustomerView
from backoffice.admin.tickets import SELECTS, TICKET_RULE_FIELDS, TicketView
from backoffice.csvio import cells, reading
from backoffice.csvio import columns as export_columns
from backoffice.i18n import _l, speaking
from backoffice.models import base
from backoffice.tickets import columns as ticket_columns
from backoffice.values import as_text
from sync import columns as sheet_columns

DECLARED = schema.CUSTOMERS


def test_every_list_of_customer_fields_is_read_from_the_declaration():
    fields = DECLARED.fields
    assert sheet_columns.CUSTOMERS.fields == tuple(f.name for f in fields if f.sheet)
    assert tuple(rules.customer_rules(rules.Context())) == tuple(f.name for f in fields if f.checked)
    assert reading.IMPORTABLE == tuple(f.name for f in fields if f.importable and f.checked)
    assert reading.REQUIRED == tuple(f.name for f in fields if f.required)
    assert [c.header for c in export_columns.CUSTOMERS] == [f.name for f in fields if f.exported]
    assert CustomerView.form_columns == tuple(f.name for f in fields if f.form)
    assert set(RULE_FIELDS) == {f.name for f in fields if f.form in schema.FORM_WIDGETS}
    assert set(CustomerView.column_list) == {f.name for f in fields if f.listed}
    assert all(labels.FIELD_LABELS[f.name] is f.label for f in fields)


def test_every_list_of_care_plan_fields_is_read_from_the_declaration():
    fields = schema.PLANS.fields
    assert sheet_columns.PLANS.fields == tuple(f.name for f in fields if f.sheet)
    assert sheet_columns.PLANS.rules == schema.PLANS.rules
    assert tuple(rules.plan_rules(rules.Context())) == tuple(f.name for f in fields if f.checked)
    assert [c.header for c in export_columns.CARE_PLANS] == [f.name for f in fields if f.exported]
    assert CarePlanView.form_columns == tuple(f.name for f in fields if f.form)
    assert set(PLAN_RULE_FIELDS) == {f.name for f in fields if f.form in schema.FORM_WIDGETS}
    assert CarePlanView.column_list == schema.PLANS.listed
    assert {n if isinstance(n, str) else n[0] for n in CarePlanView.column_sortable_list} == {
        f.name for f in fields if f.listed and f.sortable}
    assert all(CarePlanView.enum_columns[f.name] == f.domain for f in fields if f.kind == "choice")
    for name in schema.PLANS.listed:  # a plan's ref and owner read as a customer's
        assert str(labels.FIELD_LABELS[name]) == str(schema.PLANS[name].label)


def test_every_list_of_ticket_fields_is_read_from_the_declaration():
    fields = schema.TICKETS.fields
    assert sheet_columns.TICKETS.fields == tuple(f.name for f in fields if f.sheet)
    assert sheet_columns.TICKETS.rules == schema.TICKETS.rules
    assert tuple(rules.ticket_rules(rules.Context())) == tuple(f.name for f in fields if f.checked)
    exported = [ticket_columns.HEADERS.get(f.name, f.name) for f in fields if f.exported]
    assert [c.header for c in ticket_columns.TICKETS] == exported
    assert set(ticket_columns.IMPORTABLE) == {f.name for f in fields if f.importable}
    assert set(TicketView.form_columns) == {f.name for f in fields if f.form}
    assert set(TICKET_RULE_FIELDS) == {f.name for f in fields if f.form in schema.FORM_WIDGETS}
    assert set(SELECTS) == {f.name for f in fields if f.form == "select"}
    assert TicketView.column_list == schema.TICKETS.listed
    assert {n if isinstance(n, str) else n[0] for n in TicketView.column_sortable_list} == {
        f.name for f in fields if f.listed and f.sortable}
    assert all(TicketView.column_labels[n] is schema.TICKETS[n].label
               for n in (*TicketView.column_list, *TicketView.form_columns))


def test_a_ticket_form_keeps_its_own_order_and_its_channel_its_sheet_header():
    assert TicketView.form_columns == ("customer", "title", "description", "category", "priority",
                                       "department", "channel", "assignee", "status", "resolution",
                                       "satisfaction")
    assert sheet_columns.TICKETS.column("channel").header == "Channel"
    with speaking("en"):
        assert str(TicketView.column_labels["channel"]) == "Came in by"


def test_a_ticket_dropdown_takes_the_words_an_admin_gave_it():
    words = rules.TicketWords(departments=("warehouse",), zh={"仓库": "warehouse"})
    department = rules.ticket_rules(rules.Context(tickets=words))["department"]
    assert department.clean("仓库") == department.clean("Warehouse") == "warehouse"
    with pytest.raises(rules.RuleError):
        department.clean("technical")


SHEET_FIELDS = [(record, f) for record in schema.RECORDS for f in record.sheet_fields]
SHEET_TABLES = {t.key: t for t in sheet_columns.TABLES}


@pytest.mark.parametrize(("record", "declared"), SHEET_FIELDS, ids=lambda v: getattr(v, "name", ""))
def test_a_sheet_column_says_what_its_field_declares(record, declared):
    column = SHEET_TABLES[record.key].column(declared.name)
    with speaking("en"):
        assert column.header == (declared.heading or str(declared.label))
    assert column.aliases == declared.aliases and column.read_only == declared.derived
    assert column.domain == declared.domain and column.many == declared.many
    assert column.options == (declared.options if declared.kind == "choice" else ())
    assert column.zh == words.headers_zh(declared.name, record.key)
    if declared.zh and declared.name != "name":  # a customer's name reads 客户 too in the sheet
        assert column.zh == declared.zh


@pytest.mark.parametrize("declared", [f for f in DECLARED.fields if f.zh], ids=lambda f: f.name)
def test_csv_headers_in_chinese_are_the_declared_ones(declared):
    assert words.header(declared.name, "zh_CN") == declared.zh[0]
    assert words.field_for_header(declared.zh[-1]) == declared.name


def test_adding_a_field_is_one_declaration():
    added = schema.Field("wechat", _l("Name"), _l("name"), max_length=50, form="input", listed=99)
    record = replace(DECLARED, fields=(*DECLARED.fields, added))
    assert "wechat" in record.rules(rules.Context())
    assert "wechat" in record.importable and "wechat" in record.exported
    assert "wechat" in record.form_columns and record.listed[-1] == "wechat"
    assert sheet_columns._from_field(record["wechat"]).field == "wechat"
    with pytest.raises(rules.RuleError):
        record.rules(rules.Context())["wechat"].clean("x" * 51)


@pytest.mark.parametrize("value", [None, True, False, Decimal("5"), Decimal("1200000.5"), 42, "text",
                                   dt.date(2024, 5, 1)])
def test_sheet_csv_and_history_write_a_value_as_the_same_text(value):
    assert sheet_columns.as_text(value) == as_text(value) == cells.as_cell(value)
    assert base.as_text(value) == (None if value is None else as_text(value))


def test_a_download_shows_a_time_in_office_time_while_the_sheet_and_history_keep_it_in_utc():
    moment = dt.datetime(2024, 5, 1, 2, 30)  # stored naive UTC: 10:30 in Shanghai
    assert as_text(moment) == base.as_text(moment) == "2024-05-01T02:30:00"
    assert cells.as_cell(moment) == "2024-05-01 10:30:00"
