"""Customer imports run by the worker: check an upload, then import its good rows, with progress.

The panel stores the upload and queues `check_upload`; the person reads the preview and
confirms; the panel queues `import_upload`. The command line calls the same functions inline.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from .. import actors, clock
from ..db import connected, db
from ..models import ImportJob, utcnow
from ..queue import huey
from . import importer
from .reading import BadFile, decode

log = logging.getLogger(__name__)

# A running job that has not moved for this long lost its worker (a restart, a crash): the
# page then offers to start it again. Progress moves every few hundred rows, so a live job
# never comes near this, however large its file.
STALLED_AFTER = dt.timedelta(minutes=10)


class Restarted(Exception):
    """The job was started again from the panel while this worker still ran it: this run stops."""


def _key(job_id: int) -> str:
    return f"customer-import-progress:{job_id}"


class Progress:
    """Rows done out of rows to do, kept in the queue's store rather than the database.

    The import holds one write transaction for the whole batch (all or nothing). On SQLite a
    progress row written through a second connection would wait for that very transaction,
    and on PostgreSQL it would stay invisible until the end. The queue's store (its own SQLite
    file, or Redis) takes the write at once, on every setup, and the panel reads it from there.
    """

    def __init__(self, job_id: int, total: int) -> None:
        self.job_id, self.done, self.total = job_id, 0, total
        self._save()

    def __call__(self, rows: int) -> None:
        self.done += rows
        self._save()

    def _save(self) -> None:
        huey.put(_key(self.job_id), (min(self.done, self.total), self.total, clock.now().isoformat()))

    def finish(self) -> dict:
        huey.delete(_key(self.job_id))
        return {"progress_done": self.total, "progress_total": self.total}


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(done, total) while the job runs, from the live store; else what the job row says."""
    live = huey.get(_key(job.id), peek=True) if job.running else None
    return tuple(live[:2]) if live else (job.progress_done, job.progress_total)


def stalled(job: ImportJob, now: dt.datetime | None = None) -> bool:
    """Whether a running job has shown no sign of life for STALLED_AFTER."""
    if not job.running:
        return False
    now = now or utcnow()
    live = huey.get(_key(job.id), peek=True)
    last = dt.datetime.fromisoformat(str(live[2])) if live else job.updated_at
    return now - last > STALLED_AFTER


def restart(job: ImportJob, region: str) -> str:
    """Start a stalled job again; returns what the person should read.

    A check is simply queued again. An import is one transaction that marks the job done, so a
    stalled one imported nothing: the job goes back to its preview, to be confirmed again.
    """
    huey.delete(_key(job.id))
    if job.status == "importing":
        if not ImportJob.move(job.id, "importing", "ready"):
            return "The import moved on meanwhile; nothing was changed."
        return "The import had stopped before it finished, and nothing was imported. Confirm it again below."
    if not ImportJob.move(job.id, job.status, "queued"):
        return "The check moved on meanwhile; nothing was changed."
    check_upload(job.id, region)
    return "The check was started again."


def lines_in(text: str) -> int:
    """Rows to check, counted before reading them (blank lines make it a little high)."""
    return max(text.count("\n") - 1, 1)


def _counts(checked: importer.Checked) -> dict:
    return {"total_rows": checked.total, "good_rows": len(checked.good), "bad_rows": checked.bad,
            "duplicate_rows": checked.duplicates, "problem_count": len(checked.problems),
            "problems_json": json.dumps(checked.problems[:importer.SHOWN_PROBLEMS], ensure_ascii=False)}


def _fail(job_id: int, message: str) -> None:
    ImportJob.update(status="failed", error=message, updated_at=utcnow(), finished_at=utcnow()).where(
        ImportJob.id == job_id).execute()
    huey.delete(_key(job_id))


def check_job(job_id: int, region: str) -> None:
    """Read and check the upload; the job becomes `ready` with its preview, or `failed`."""
    if not ImportJob.move(job_id, "queued", "checking"):
        return  # already checked, or the upload was withdrawn
    job = ImportJob.get_by_id(job_id)
    mine = (ImportJob.id == job_id) & (ImportJob.status == "checking") & (ImportJob.updated_at == job.updated_at)
    try:
        text = decode(Path(job.path).read_bytes())
        progress = Progress(job_id, lines_in(text))
        checked = importer.check(text, region, progress=progress)
    except BadFile as exc:
        _fail(job_id, str(exc))
        return
    except Exception as exc:  # the person sees why on the page; the worker log has the trace
        log.exception("checking import %s failed", job_id)
        _fail(job_id, f"The check stopped: {exc}")
        return
    # Only if this run is still the job's run: one started again meanwhile reports instead.
    ImportJob.update(status="ready", updated_at=utcnow(), **_counts(checked), **progress.finish()).where(
        mine).execute()


def import_job(job_id: int, region: str, tiers: dict) -> None:
    """Check the upload again (the database may have changed since the preview), then import
    its good rows and their plans in one transaction. The job says `done` in that same
    transaction, so it is done exactly when the customers are there."""
    job = ImportJob.get_by_id(job_id)
    if job.status != "importing":
        return
    path = Path(job.path)
    try:
        text = decode(path.read_bytes())
        progress = Progress(job_id, lines_in(text) + 2 * job.good_rows)
        checked = importer.check(text, region, progress=progress)
        progress.total = progress.done + importer.import_steps(checked)
        with db.atomic():
            ids = importer.import_rows(checked, {"tiers": tiers}, actors.import_actor(job.user),
                                       progress=progress)
            # The job's updated_at was set when it was confirmed: if it changed, someone started
            # the job again while this run was slow, and this run's customers must not land too.
            marked = ImportJob.update(status="done", imported=len(ids), updated_at=utcnow(), finished_at=utcnow(),
                                      **_counts(checked), **progress.finish()).where(
                ImportJob.id == job_id, ImportJob.status == "importing",
                ImportJob.updated_at == job.updated_at).execute()
            if marked != 1:
                raise Restarted
    except Restarted:
        log.warning("import %s was started again meanwhile; this run imported nothing", job_id)
        return
    except Exception as exc:
        log.exception("import %s failed", job_id)
        _fail(job_id, f"Nothing was imported: {exc}")
        return
    path.unlink(missing_ok=True)


@huey.task()
def check_upload(job_id: int, region: str) -> None:
    with connected():
        check_job(job_id, region)


@huey.task()
def import_upload(job_id: int, region: str, tiers: dict) -> None:
    with connected():
        import_job(job_id, region, tiers)
