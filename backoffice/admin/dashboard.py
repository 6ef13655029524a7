"""The dashboard: the monthly review for a chosen month and slice, as charts, CSVs, a workbook
and a printable page."""
from __future__ import annotations

import csv
import io
from urllib.parse import quote

from flask import Response, abort, request
from flask_admin import expose
from flask_login import current_user

from .. import reports, rules
from ..csvio.cells import neutralise
from ..csvio.export import BOM
from ..i18n import current_locale
from ..models import Customer, Industry, User
from ..review import workbook
from ..review.figures import word
from ..review.slices import Slice, chosen_month, months_back
from .base import SecureView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choices() -> dict[str, list[tuple[str, str]]]:
    """What each filter offers; a rep's own book needs no owner or team."""
    found = {"tier": [(t, word("tier", t)) for t in rules.TIERS],
             "industry": [(str(i.id), word("industry", i.name))
                          for i in Industry.select().order_by(Industry.name)],
             "region": [(r, r) for (r,) in Customer.select(Customer.region).where(Customer.region.is_null(False))
                        .distinct().order_by(Customer.region).tuples()]}
    if current_user.sees_all_customers:
        people = User.select(User.id, User.name, User.email).where(User.active).order_by(User.name)
        found["owner"] = [(str(u.id), u.name or u.email) for u in people]
        found["team"] = [(t, t) for (t,) in User.select(User.team).where(User.team.is_null(False))
                         .distinct().order_by(User.team).tuples()]
    return found


def disposition(filename: str) -> str:
    """An attachment header that keeps a Chinese region's name (RFC 6266) with an ASCII fallback."""
    plain = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


class DashboardView(SecureView):
    """Reps see their own book; managers and admins see every customer."""

    def _review(self) -> tuple[dict, Slice]:
        slice_ = Slice.from_args(request.args, current_user)
        month = chosen_month(request.args.get("month"))
        return reports.cached_review(current_user, month, slice_, current_locale()), slice_

    def _filename(self, result: dict, slice_: Slice, ext: str) -> str:
        parts = [result["month"], *(f"{k}-{v}" for k, v in slice_.args().items()
                                    if current_user.sees_all_customers or k != "owner")]
        return "-".join(["monthly-review", *parts]).replace(" ", "_") + f".{ext}"

    def _download(self, body, mimetype: str, filename: str) -> Response:
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition(filename)})

    @expose("/")
    def index(self):
        result, slice_ = self._review()
        return self.render("admin/dashboard.html", review=result, figures=result["figures"],
                           chosen=slice_.args(), choices=_choices(), sync=reports.sync_health(),
                           months=months_back(chosen_month(None), 36)[::-1])

    @expose("/report")
    def report(self):
        result, slice_ = self._review()
        return self.render("admin/dashboard_report.html", review=result, chosen=slice_.args(),
                           choices=_choices())

    @expose("/report.xlsx")
    def report_xlsx(self):
        result, slice_ = self._review()
        body = workbook.build(result, slice_.args(), _choices())
        return self._download(body, XLSX, self._filename(result, slice_, "xlsx"))

    @expose("/<figure_name>.csv")
    def figure_csv(self, figure_name: str):
        name = figure_name  # Flask-Admin keeps the word "name" for itself
        result, slice_ = self._review()
        if name not in result["figures"]:
            abort(404)
        figure = result["figures"][name]
        out = io.StringIO()
        out.write(BOM)  # Excel reads the file as UTF-8 only with it: Chinese names stay readable
        writer = csv.writer(out)
        series = list(figure["series"])
        writer.writerow([figure["x"], *(figure["series_labels"][s] for s in series)])
        for i, label in enumerate(figure["labels"]):
            writer.writerow([neutralise(str(label)), *(figure["series"][s][i] for s in series)])
        filename = self._filename(result, slice_, "csv").replace("monthly-review", name)
        return Response(out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": disposition(filename), "Content-Type": "text/csv; charset=utf-8"})
