"""The monthly customer analysis report (月度客户分析报告) as an XLSX workbook: a summary sheet of
headline numbers, then one sheet per figure, every label in the reader's language."""
from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .. import clock
from ..i18n import _

FORMATS = {"percent": "0.0%", "money": '"¥"#,##0.00', "number": "0.00", "count": "0"}
BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = BAD_TITLE.sub(" ", title)[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def filters_text(chosen: dict[str, str], choices: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The slice as people read it: ("Owner", "Li Wei"), ..."""
    names = {"owner": _("Owner"), "team": _("Team"), "region": _("Region"), "tier": _("Tier"),
             "industry": _("Industry")}
    rows = []
    for key, label in names.items():
        value = chosen.get(key)
        if value is not None:
            rows.append((label, dict(choices.get(key, [])).get(value, value)))
    return rows


def _widths(sheet) -> None:
    for i, column in enumerate(sheet.columns, start=1):
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[get_column_letter(i)].width = min(max(10, longest * 1.3 + 2), 60)


def build(result: dict, chosen: dict[str, str], choices: dict) -> bytes:
    book = Workbook()
    summary = book.active
    taken: set[str] = set()
    summary.title = sheet_title(_("Summary"), taken)
    bold = Font(bold=True)
    summary.append([_("Monthly customer analysis report")])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_("Month"), result["month"]])
    for label, value in filters_text(chosen, choices):
        _append(summary, [label, value])
    if result.get("taken_at"):
        summary.append([_("Figures as of"), clock.show(result["taken_at"])])
    summary.append([])
    summary.append([_("Figure"), _("This month"), _("Month before"), _("Change")])
    for cell in summary[summary.max_row]:
        cell.font = bold
    for line in result["headlines"]:
        summary.append([line["label"], _cell(line["value"]), _cell(line["previous"]), _cell(line["change"])])
        for cell in summary[summary.max_row][1:]:
            cell.number_format = FORMATS[line["format"]]
    _widths(summary)
    for figure in result["figures"].values():
        sheet = book.create_sheet(sheet_title(figure["title"], taken))
        series = list(figure["series"])
        sheet.append([figure["title"]])
        sheet["A1"].font = bold
        sheet.append([figure["x"], *(figure["series_labels"][s] for s in series)])
        for cell in sheet[2]:
            cell.font = bold
        for i, label in enumerate(figure["labels"]):
            _append(sheet, [str(label), *(figure["series"][s][i] for s in series)])
        _widths(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(sheet, values) -> None:
    """A row whose text stays text: a region or a name typed as '=...' is never a formula."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _cell(value):
    return float(value) if value is not None and not isinstance(value, int) else value
