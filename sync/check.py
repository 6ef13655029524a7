"""`sheet check` and the panel's connection page: which spreadsheet, as whom, does it answer, and
what to do about each way it can fail, in plain words."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from backoffice.i18n import _

from . import gateway, sheets
from . import tabs as sheet_tabs
from .columns import TABLES, header_map

LOCAL = "local"  # the account named when the emulator stands in for Google


@dataclass
class Problem:
    what: str  # what is wrong, in plain words
    fix: str  # what to do about it
    link: str = ""  # where to do it, when Google says


@dataclass
class Report:
    spreadsheet_id: str
    account: str = ""  # the service account's email, or LOCAL
    title: str = ""
    url: str = ""
    answers: bool = False
    locale: str = ""
    time_zone: str = ""
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data_rows: dict[str, int] = field(default_factory=dict)  # tab -> rows holding anything
    never_synced: bool = False

    @property
    def ok(self) -> bool:
        return self.answers and not self.problems

    @property
    def offers_dry_run(self) -> bool:
        """A sheet that already holds data and was never synced: see what the first cycle would do."""
        return self.ok and self.never_synced and any(self.data_rows.values())


def service_account(credentials_file: str) -> str:
    """The service account's email from its JSON key (raises OSError or ValueError)."""
    with open(credentials_file, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or not data.get("client_email"):
        raise ValueError("no client_email in it: is it a service account key?")
    return str(data["client_email"])


def check(settings: dict, sleep=None) -> Report:
    """Connect as the sync would and report; makes a few read requests, writes nothing."""
    sheet = settings["sheet"]
    report = Report(sheet["spreadsheet_id"])
    if not sheet["spreadsheet_id"] or not (sheet["credentials_file"] or sheet["emulator_url"]):
        report.problems.append(Problem(_("No sheet is configured."), _(
            "Set sheet.spreadsheet_id and sheet.credentials_file (see docs/sync.md), then check again.")))
        return report
    if not sheet["credentials_file"]:
        report.account = LOCAL
    else:
        try:
            report.account = service_account(sheet["credentials_file"])
        except (OSError, ValueError) as exc:
            report.problems.append(Problem(
                _("The credentials file %(path)s cannot be used: %(error)s", path=sheet["credentials_file"],
                  error=exc),
                _("Download the service account's JSON key in Google Cloud and set sheet.credentials_file "
                  "to its path.")))
            return report
    connection = dataclasses.replace(gateway.settings_for(sheet), max_retries=1)
    try:
        spreadsheet = sheets.open_spreadsheet(connection, **({"sleep": sleep} if sleep else {}))
    except sheets.SheetError as exc:
        report.problems.append(_explain(exc, report))
        return report
    try:
        _look_inside(spreadsheet, settings, report)
    except sheets.SheetError as exc:
        report.problems.append(_explain(exc, report))
    finally:
        sheets.close(spreadsheet)
    return report


def _explain(exc: sheets.SheetError, report: Report) -> Problem:
    if isinstance(exc, sheets.SheetApiDisabled):
        return Problem(_("The Google Sheets API is not enabled in the service account's Cloud project."),
                       _("Enable it at the link below, wait a few minutes, then check again."),
                       exc.activation_url or "https://console.cloud.google.com/apis/library/sheets.googleapis.com")
    if isinstance(exc, sheets.SheetForbidden):
        return Problem(_("The spreadsheet is not shared with %(account)s.", account=report.account),
                       _("Open the spreadsheet, press Share and add %(account)s as Editor.",
                         account=report.account))
    if isinstance(exc, sheets.SheetNotFound):
        return Problem(_("No spreadsheet has the id %(id)s (or it was deleted).", id=report.spreadsheet_id),
                       _("Check sheet.spreadsheet_id: it is the part of the sheet's address between /d/ and "
                         "/edit."))
    return Problem(_("The sheet did not answer: %(error)s", error=exc.message),
                   _("Check the network and try again; the sync retries by itself every cycle."))


def _look_inside(spreadsheet: Any, settings: dict, report: Report) -> None:
    from backoffice.models import SyncBase  # the panel's database: read only

    sheet = settings["sheet"]
    report.answers = True
    report.title, report.url = spreadsheet.title, spreadsheet.url
    meta = spreadsheet.fetch_sheet_metadata()
    props = meta.get("properties", {})
    report.locale, report.time_zone = str(props.get("locale", "")), str(props.get("timeZone", ""))
    office = settings["app"].get("timezone") or "Asia/Shanghai"
    if report.time_zone != office:
        report.notes.append(_(
            "The spreadsheet's time zone is %(sheet)s, the office's %(office)s: overdue and due-today "
            "highlights turn over at the spreadsheet's midnight. Set it in File > Settings.",
            sheet=report.time_zone or "?", office=office))
    if not report.locale.startswith("zh"):
        report.notes.append(_(
            "The spreadsheet's locale is %(locale)s: a date typed as 3/5/2024 is read the %(locale)s way. "
            "Type dates as 2024-03-05, or set the locale to China in File > Settings.",
            locale=report.locale or "?"))
    present = {s["properties"]["title"] for s in meta.get("sheets", [])}
    wanted = sheet_tabs.titles(sheet, present)  # a tab under its other language's title is found too
    for title in wanted.values():
        if title not in present:
            report.problems.append(Problem(_("The tab %(tab)s is missing.", tab=title),
                                           _("Run `backoffice sheet init` to create it.")))
    tabs = gateway.read_tabs(spreadsheet, [t for t in wanted.values() if t in present])
    for table in TABLES:
        tab = tabs.get(wanted[table.key])
        if tab is None:
            continue
        _columns, problems = header_map(table, tab.values[0] if tab.values else [])
        for problem in problems:
            report.problems.append(Problem(f"{tab.title}: {problem}", _(
                "Run `backoffice sheet init` to add the missing columns, or put the header back as it was.")))
        report.data_rows[tab.title] = sum(1 for row in tab.values[1:] if any(str(c).strip() for c in row))
    report.never_synced = not SyncBase.select().exists()
