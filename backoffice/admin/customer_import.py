"""Import customers from CSV in the panel: upload, a dry-run preview, then confirm.

Managers and admins only: an import creates many records and names their owners, which is
the managers' call; a rep who has a list of prospects hands it to a manager.
"""
from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Response, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from .. import actors
from ..csvio import importer
from ..csvio.reading import BadFile, decode, template
from .base import SecureView

TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _upload_path(token: str) -> Path:
    folder = Path(current_app.config["BACKOFFICE"]["app"]["instance_path"]) / "imports"
    folder.mkdir(exist_ok=True)
    # The user's id in the name: nobody can confirm someone else's upload.
    return folder / f"{current_user.id}-{token}.csv"


class CustomerImportView(SecureView):
    roles = ("admin", "manager")

    def _check(self, data: bytes):
        region = current_app.config["BACKOFFICE"]["phone"]["default_region"]
        return importer.check(decode(data), region)

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "GET":
            return self.render("admin/customer_import.html", checked=None)
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        try:
            checked = self._check(data)
        except BadFile as exc:
            flash(str(exc), "error")
            return self.render("admin/customer_import.html", checked=None), 400
        token = secrets.token_hex(16)
        _upload_path(token).write_bytes(data)
        return self.render("admin/customer_import.html", checked=checked, token=token,
                           shown=checked.problems[:importer.SHOWN_PROBLEMS],
                           filename=upload.filename if upload else "")

    @expose("/confirm", methods=("POST",))
    def confirm(self):
        token = request.form.get("token", "")
        path = _upload_path(token) if TOKEN.match(token) else None
        if path is None or not path.exists():
            flash("That upload has expired or was already imported; upload the file again.", "error")
            return redirect(url_for(".index"))
        try:
            checked = self._check(path.read_bytes())  # the database may have changed since
        except BadFile as exc:
            flash(str(exc), "error")
            return redirect(url_for(".index"))
        ids = importer.import_rows(checked, current_app.config["BACKOFFICE"],
                                   actors.import_actor(current_user))
        path.unlink()
        flash(f"Imported {len(ids):,} customer(s); skipped {len(checked.problems):,} row(s).")
        return redirect(url_for("customers.index_view"))

    @expose("/template.csv")
    def template_csv(self):
        return Response("\ufeff" + template(), mimetype="text/csv", headers={
            "Content-Disposition": 'attachment; filename="customers-template.csv"',
            "Content-Type": "text/csv; charset=utf-8"})
