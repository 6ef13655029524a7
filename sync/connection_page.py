"""The panel's Sheet connection page: which spreadsheet, as whom, whether it answers, what to do if not."""
from __future__ import annotations

from flask import current_app, request
from flask_admin import expose

from backoffice.admin.base import SecureView

from .check import LOCAL, check
from .preview import preview


class SheetConnectionView(SecureView):
    """Admins see the connection checked live (a few read requests); a sheet that already holds
    data and was never synced offers a dry run of the first cycle, which writes nothing."""
    roles = ("admin",)

    @expose("/", methods=("GET", "POST"))
    def index(self):
        settings = current_app.config["BACKOFFICE"]
        report = check(settings)
        tabs = preview(settings) if request.method == "POST" and report.ok else None
        return self.render("admin/sheet_connection.html", report=report, local=report.account == LOCAL,
                           tabs=tabs)
