"""Import customers from CSV in the panel: upload, a checked preview, then confirm.

The worker checks and imports (a file of 100,000 rows takes longer than a web request may);
the pages show its progress. Managers and admins only: an import creates many records and
names their owners, which is the managers' call; a rep who has a list of prospects hands it
to a manager. An import is seen and confirmed only by whoever uploaded it, and by admins.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Response, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from ..csvio.reading import BadFile, decode, rows, template
from ..i18n import _
from ..models import ImportJob
from .base import SecureView


def readable(data: bytes) -> None:
    """Fail at once, with the reason, for a file the worker could not read at all."""
    if next(rows(decode(data)), None) is None:
        raise BadFile(_("The file has a header but no customer rows."))


def _store(data: bytes, filename: str) -> ImportJob:
    folder = Path(current_app.config["BACKOFFICE"]["app"]["instance_path"]) / "imports"
    folder.mkdir(exist_ok=True)
    path = folder / f"{current_user.id}-{secrets.token_hex(16)}.csv"
    path.write_bytes(data)
    return ImportJob.create(user=current_user.id, filename=(filename or "upload.csv")[:255], path=str(path))


class CustomerImportView(SecureView):
    roles = ("admin", "manager")

    def _settings(self) -> tuple[str, dict]:
        settings = current_app.config["BACKOFFICE"]
        return settings["phone"]["default_region"], dict(settings["tiers"])

    def _job(self, job_id: int) -> ImportJob:
        job = ImportJob.visible_to(current_user).where(ImportJob.id == job_id).first()
        if job is None:
            abort(404)  # someone else's import looks exactly like a missing one
        return job

    def _page(self, status: int = 200):
        recent = list(ImportJob.visible_to(current_user).order_by(ImportJob.id.desc()).limit(5))
        return self.render("admin/customer_import.html", recent=recent), status

    @expose("/", methods=("GET", "POST"))
    def index(self):
        if request.method == "GET":
            return self._page()
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        try:
            readable(data)
        except BadFile as exc:
            flash(str(exc), "error")
            return self._page(400)
        from ..csvio import jobs  # the queue is built on first use, not when the panel starts
        job = _store(data, upload.filename if upload else "")
        jobs.check_upload(job.id, self._settings()[0])
        return redirect(url_for(".job", job_id=job.id))

    @expose("/<int:job_id>/")
    def job(self, job_id: int):
        from ..csvio import jobs
        job = self._job(job_id)
        done, total = jobs.progress_of(job)
        return self.render("admin/customer_import_job.html", job=job, done=done, total=total,
                           problems=job.problems, stalled=jobs.stalled(job))

    @expose("/<int:job_id>/status.json")
    def status(self, job_id: int):
        from ..csvio import jobs
        job = self._job(job_id)
        done, total = jobs.progress_of(job)
        return jsonify(status=job.status, done=done, total=total, stalled=jobs.stalled(job))

    @expose("/<int:job_id>/restart", methods=("POST",))
    def restart(self, job_id: int):
        from ..csvio import jobs
        job = self._job(job_id)
        if not jobs.stalled(job):
            flash(_("This import is not stuck: it is still moving, or already finished."), "error")
        else:
            flash(jobs.restart(job, self._settings()[0]), "info")
        return redirect(url_for(".job", job_id=job.id))

    @expose("/<int:job_id>/confirm", methods=("POST",))
    def confirm(self, job_id: int):
        from ..csvio import jobs
        job = self._job(job_id)
        if not job.good_rows or not ImportJob.move(job.id, "ready", "importing"):
            flash(_("This import was already confirmed, or has no row to import."), "error")
            return redirect(url_for(".job", job_id=job.id))
        try:
            jobs.import_upload(job.id, *self._settings())
        except Exception:
            ImportJob.move(job.id, "importing", "ready")  # the queue is down: let them try again
            raise
        return redirect(url_for(".job", job_id=job.id))

    @expose("/template.csv")
    def template_csv(self):
        return Response("\ufeff" + template(), mimetype="text/csv", headers={
            "Content-Disposition": 'attachment; filename="customers-template.csv"',
            "Content-Type": "text/csv; charset=utf-8"})
