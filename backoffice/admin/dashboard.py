"""The dashboard: the monthly review's figures as charts, each downloadable as CSV."""
from __future__ import annotations

import csv
import io

from flask import Response, abort
from flask_admin import expose
from flask_login import current_user

from .. import clock, reports
from ..csvio.cells import neutralise
from .base import SecureView


class DashboardView(SecureView):
    """Reps see their own book; managers and admins see every customer."""

    @expose("/")
    def index(self):
        today = clock.today()
        return self.render("admin/dashboard.html", figures=reports.cached_figures(current_user, today),
                           sync=reports.sync_health(), today=today)

    @expose("/<figure_name>.csv")
    def figure_csv(self, figure_name: str):
        name = figure_name  # Flask-Admin keeps the word "name" for itself
        figures = reports.cached_figures(current_user, clock.today())
        if name not in figures:
            abort(404)
        figure = figures[name]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([figure["x"], *figure["series"]])
        for i, label in enumerate(figure["labels"]):
            writer.writerow([neutralise(str(label)), *(values[i] for values in figure["series"].values())])
        filename = f"{name}-{clock.today().isoformat()}.csv"
        return Response(out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv; charset=utf-8"})
