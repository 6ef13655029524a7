"""The panel's customer import runs as worker jobs: upload, checked preview, confirm, progress."""
from __future__ import annotations

import io
import re

import pytest

from backoffice.csvio import importer, jobs
from backoffice.models import CarePlan, Change, Customer, ImportJob
from backoffice.queue import huey
from tests.conftest import make_user
from tests.test_csv_import import mixed_file  # noqa: F401 - the shared file of good, bad and duplicate rows

IMPORT = "/admin/customers/import/"


@pytest.fixture
def immediate():
    """Tasks run inline, inside the request, against the test's database."""
    huey.immediate = True
    yield
    huey.immediate = False


@pytest.fixture
def manager(app):
    return make_user("boss@example.com", role="manager")


def _upload(client, auth, data: bytes, filename="customers.csv"):
    return client.post(IMPORT, data={"csrf_token": auth.csrf_token(IMPORT), "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _job_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _confirm(client, auth, job_url: str):
    return client.post(job_url + "confirm", data={"csrf_token": auth.csrf_token(job_url)})


def test_upload_is_checked_by_a_job_and_the_preview_gives_counts_and_reasons(
        client, auth, manager, mixed_file, immediate):  # noqa: F811
    auth.login("boss@example.com")
    job_url = _job_url(_upload(client, auth, mixed_file))
    job = ImportJob.get()
    assert (job.status, job.user_id, job.total_rows, job.good_rows, job.bad_rows, job.duplicate_rows) == (
        "ready", manager.id, 8, 3, 3, 2)
    page = client.get(job_url).get_data(as_text=True)
    assert re.search(r'id="count-good">3<', page) and re.search(r'id="count-duplicates">2<', page)
    assert "same name and phone as line 6" in page and "is not the login of an active user" in page
    assert "Import the 3 good row(s)" in page
    assert Customer.select().count() == 1  # the check saved nothing


def test_confirm_imports_exactly_the_good_rows_once_and_names_the_importer(
        client, auth, manager, mixed_file, immediate):  # noqa: F811
    auth.login("boss@example.com")
    job_url = _job_url(_upload(client, auth, mixed_file))
    assert _confirm(client, auth, job_url).status_code == 302
    names = sorted(c.name for c in Customer.select().where(Customer.name != "Existing"))
    assert names == ["Anda", "Twin", "华信食品"]
    huaxin = Customer.get(Customer.name == "华信食品")
    assert (huaxin.phone, huaxin.tier, huaxin.owner.email, huaxin.industry.name) == (
        "+8613800138000", "strategic", "boss@example.com", "retail")
    assert {c.actor_label for c in Change.of(huaxin)} == {"import by boss@example.com"}
    assert CarePlan.select().where(CarePlan.customer == huaxin).count() == 4
    job = ImportJob.get()
    assert (job.status, job.imported, job.progress_done, job.progress_total) == ("done", 3, 14, 14)
    page = client.get(job_url).get_data(as_text=True)
    assert "Imported 3 customer(s)" in page and 'id="imported-customers"' in page
    # A second confirm (a double click, a replayed form) imports nothing more.
    _confirm(client, auth, job_url)
    assert Customer.select().count() == 4


def test_a_failing_insert_leaves_nothing_and_the_page_says_so(
        client, auth, manager, mixed_file, immediate, monkeypatch):  # noqa: F811
    from backoffice.care import playbook
    auth.login("boss@example.com")
    job_url = _job_url(_upload(client, auth, mixed_file))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(playbook, "for_new_customers", broken)  # after the customers were inserted
    _confirm(client, auth, job_url)
    assert Customer.select().count() == 1 and Change.select().where(Change.actor_kind == "import").count() == 0
    job = ImportJob.get()
    assert job.status == "failed" and "disk full" in job.error
    assert "Nothing was imported: disk full" in client.get(job_url).get_data(as_text=True)


def test_progress_moves_forward_to_the_total(client, auth, manager, mixed_file, immediate, monkeypatch):  # noqa: F811
    seen = []
    real_save = jobs.Progress._save

    def watching(progress):
        seen.append((progress.done, progress.total))
        real_save(progress)
    monkeypatch.setattr(jobs.Progress, "_save", watching)
    monkeypatch.setattr(importer, "CHUNK", 1)  # a report per customer
    auth.login("boss@example.com")
    _confirm(client, auth, _job_url(_upload(client, auth, mixed_file)))
    checking = [done for done, total in seen if total == 8]  # the preview: 8 rows
    importing = [done for done, total in seen if total == 14]  # 8 rows again, 3 saved, 3 planned
    assert len(checking) + len(importing) == len(seen)
    assert checking == sorted(checking) and checking[-1] == 8
    assert importing == sorted(importing) and importing[-1] == 14 and len(set(importing)) >= 5


def test_the_status_shows_live_progress_while_the_job_runs(app, manager, client, auth, immediate):
    job = ImportJob.create(user=manager, filename="big.csv", path="unused", status="importing")
    progress = jobs.Progress(job.id, 100_000)
    progress(42_000)
    auth.login("boss@example.com")
    status = client.get(f"{IMPORT}{job.id}/status.json").get_json()
    assert status == {"status": "importing", "done": 42_000, "total": 100_000, "stalled": False}
    page = client.get(f"{IMPORT}{job.id}/").get_data(as_text=True)
    assert 'id="import-refresh"' in page and "customer-import.js" in page and 'value="42000"' in page
    assert "<script>" not in page and " onclick=" not in page


def test_another_manager_cannot_see_or_confirm_the_job_but_an_admin_can(
        client, auth, manager, mixed_file, immediate):  # noqa: F811
    auth.login("boss@example.com")
    job_url = _job_url(_upload(client, auth, mixed_file))
    token = auth.csrf_token(job_url)
    auth.logout()
    make_user("other@example.com", role="manager")
    auth.login("other@example.com")
    assert client.get(job_url).status_code == 404
    assert client.get(job_url + "status.json").status_code == 404
    assert client.post(job_url + "confirm", data={"csrf_token": auth.csrf_token(IMPORT)}).status_code == 404
    assert "customers.csv" not in client.get(IMPORT).get_data(as_text=True)
    auth.logout()
    make_user("rep@example.com", role="rep")
    auth.login("rep@example.com")
    assert client.get(job_url).status_code == 403
    auth.logout()
    make_user("root@example.com", role="admin")
    auth.login("root@example.com")
    assert client.get(job_url).status_code == 200
    assert token and Customer.select().count() == 1


def test_confirm_without_the_csrf_token_is_refused(client, auth, manager, mixed_file, immediate):  # noqa: F811
    auth.login("boss@example.com")
    job_url = _job_url(_upload(client, auth, mixed_file))
    assert client.post(job_url + "confirm").status_code == 400
    assert ImportJob.get().status == "ready" and Customer.select().count() == 1


def test_a_file_that_cannot_be_read_is_refused_before_any_job(client, auth, manager):
    auth.login("boss@example.com")
    response = _upload(client, auth, b"nom,stage\nA,deal\n")
    assert response.status_code == 400 and "Unknown column(s): nom" in response.get_data(as_text=True)
    assert ImportJob.select().count() == 0


def test_an_existing_database_gets_the_import_jobs_table(app):
    from backoffice import migrations
    from backoffice.db import db
    db.drop_tables([ImportJob])
    migrations.SchemaVersion.delete().where(migrations.SchemaVersion.version > 1).execute()
    assert "migrated to version 2: customer import jobs" in migrations.migrate()
    assert ImportJob.table_exists() and migrations.migrate() == []


def _stall(job: ImportJob) -> None:
    """The job's worker went away: no progress, and its last change long ago."""
    huey.delete(jobs._key(job.id))
    job = ImportJob.get_by_id(job.id)
    ImportJob.update(updated_at=job.updated_at - jobs.STALLED_AFTER * 2).where(ImportJob.id == job.id).execute()


def test_a_stalled_import_imported_nothing_and_goes_back_to_its_preview(
        client, auth, manager, mixed_file, immediate, monkeypatch):  # noqa: F811
    auth.login("boss@example.com")
    job_url = _job_url(_upload(client, auth, mixed_file))
    monkeypatch.setattr(jobs, "import_upload", lambda *args: None)  # queued, but the worker dies
    _confirm(client, auth, job_url)
    job = ImportJob.get()
    assert job.status == "importing" and not jobs.stalled(job)
    assert 'id="restart-import"' not in client.get(job_url).get_data(as_text=True)
    refused = client.post(job_url + "restart", data={"csrf_token": auth.csrf_token(job_url)})
    assert refused.status_code == 302 and ImportJob.get().status == "importing"  # still alive: left alone

    _stall(job)
    page = client.get(job_url).get_data(as_text=True)
    assert 'id="import-stalled"' in page and "Nothing has been imported yet" in page
    assert client.get(job_url + "status.json").get_json()["stalled"] is True
    client.post(job_url + "restart", data={"csrf_token": auth.csrf_token(job_url)})
    assert ImportJob.get().status == "ready" and Customer.select().count() == 1
    assert "nothing was imported. Confirm it again below." in client.get(job_url).get_data(as_text=True)
    monkeypatch.undo()
    _confirm(client, auth, job_url)
    assert ImportJob.get().status == "done" and Customer.select().count() == 4


def test_a_run_that_was_started_again_meanwhile_imports_nothing(app, manager, mixed_file):  # noqa: F811
    job = ImportJob.create(user=manager, filename="c.csv", path=str(app.instance_path) + "/c.csv", status="ready",
                           good_rows=3)
    with open(job.path, "wb") as f:
        f.write(mixed_file)
    ImportJob.move(job.id, "ready", "importing")
    slow_run = ImportJob.get_by_id(job.id)  # what the first worker read when it started
    ImportJob.move(job.id, "importing", "ready")  # stalled, restarted from the panel...
    ImportJob.move(job.id, "ready", "importing")  # ...and confirmed again
    real_get = ImportJob.get_by_id
    ImportJob.get_by_id = classmethod(lambda cls, pk: slow_run)
    try:
        jobs.import_job(job.id, "CN", {"strategic_from": 1_000_000, "key_from": 100_000})
    finally:
        ImportJob.get_by_id = real_get
    assert Customer.select().count() == 1 and ImportJob.get_by_id(job.id).status == "importing"
    jobs.import_job(job.id, "CN", {"strategic_from": 1_000_000, "key_from": 100_000})  # the live run
    assert Customer.select().count() == 4 and ImportJob.get_by_id(job.id).status == "done"


def test_a_stalled_check_is_queued_again(client, auth, manager, mixed_file, immediate, monkeypatch):  # noqa: F811
    auth.login("boss@example.com")
    monkeypatch.setattr(jobs, "check_upload", lambda *args: None)  # the worker never picks it up
    job_url = _job_url(_upload(client, auth, mixed_file))
    job = ImportJob.get()
    _stall(job)
    monkeypatch.undo()
    client.post(job_url + "restart", data={"csrf_token": auth.csrf_token(job_url)})
    assert ImportJob.get().status == "ready"
