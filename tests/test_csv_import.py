"""An import previews bad and duplicate rows with reasons, then imports exactly the good ones."""
from __future__ import annotations

import io

import pytest

from backoffice.csvio import importer
from backoffice.csvio.reading import decode
from backoffice.models import Customer
from tests.conftest import make_user
from tests.factories import make_customer

HEADER = "name,stage,phone,email,credit_code,owner,annual_purchase,industry\n"
GOOD_CODE = "91350100M000100Y43"


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def manager(app):
    return make_user("boss@example.com", role="manager")


@pytest.fixture
def mixed_file(app, manager):
    make_customer(name="Existing", email="taken@example.com")
    return _csv(
        "华信食品,deal,13800138000,li@example.com,,boss@example.com,1200000,retail",   # 2 good
        "Bad phone,deal,12345,,,,,",                                                     # 3 bad
        ",intent,,,,,,",                                                                 # 4 no name
        "Copycat,potential,,taken@example.com,,,,",                                      # 5 dup in db
        "Twin,potential,13900139000,,,,,",                                               # 6 good
        "Twin,potential,+86 139 0013 9000,,,,,",                                         # 7 dup in file
        "Jinlong,intent,,,,nobody@example.com,,",                                        # 8 bad owner
        "Anda,potential,,,,,,",                                                          # 9 good
    )


def _preview(client, auth, data: bytes, filename="customers.csv"):
    token = auth.csrf_token("/admin/customers/import/")
    return client.post("/admin/customers/import/", data={
        "csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data")


def test_check_separates_good_bad_and_duplicate_rows_with_reasons(app, mixed_file):
    checked = importer.check(decode(mixed_file))
    assert [line for line, _ in checked.good] == [2, 6, 9]
    reasons = dict(checked.problems)
    assert sorted(reasons) == [3, 4, 5, 7, 8]
    assert "phone" in reasons[3] and "name: is required" in reasons[4]
    assert "already customer" in reasons[5] and "same name and phone as line 6" in reasons[7]
    assert "not the login of an active user" in reasons[8]
    assert (checked.bad, checked.duplicates) == (3, 2)


def test_import_is_all_or_nothing(app, mixed_file, monkeypatch):
    checked = importer.check(decode(mixed_file))
    from backoffice import actors
    from backoffice.care import playbook

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(playbook, "for_new_customers", broken)
    with pytest.raises(RuntimeError):
        importer.import_rows(checked, app.config["BACKOFFICE"], actors.SYSTEM)
    assert Customer.select().count() == 1


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty"),
    (b"name,stage\n", "no customer rows"),
    (b"nom,stage\nA,deal\n", "Unknown column(s): nom"),
    (b"name,phone\nA,1\n", "Missing column(s): stage"),
    (bytes([0xff, 0xfe, 0x00, 0x41, 0x81, 0x30, 0xff, 0xff]), "not text in UTF-8 or GB18030"),
])
def test_bad_files_get_a_clear_message(client, auth, manager, data, message):
    auth.login("boss@example.com")
    response = _preview(client, auth, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_excel_encodings_are_read(app, manager, encoding):
    data = "name,stage\n华信食品,deal\n".encode(encoding)
    checked = importer.check(decode(data))
    assert [v["name"] for _, v in checked.good] == ["华信食品"]


def test_a_file_in_the_export_layout_can_be_imported(app, manager):
    import csv

    from backoffice.csvio.columns import CUSTOMER_FIELDS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CUSTOMER_FIELDS)
    writer.writeheader()
    writer.writerow({"ref": "CU-OLDREF", "name": "Anda", "stage": "deal", "tier": "strategic",
                     "closeness": "tight", "updated_at": "2026-01-01 00:00:00"})
    checked = importer.check(out.getvalue())
    (line, values), = checked.good
    assert values["name"] == "Anda" and "tier" not in values and "ref" not in values


def test_the_template_has_the_importable_headers(client, auth, manager):
    auth.login("boss@example.com")
    text = client.get("/admin/customers/import/template.csv").get_data(as_text=True)
    assert text.lstrip("\ufeff").startswith("name,kind,credit_code,industry,region")


def test_import_refuses_anonymous_users_reps_and_posts_without_csrf(client, auth, manager, mixed_file):
    response = client.get("/admin/customers/import/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    make_user("rep@example.com", role="rep")
    auth.login("rep@example.com")
    assert client.get("/admin/customers/import/").status_code == 403
    auth.logout()
    auth.login("boss@example.com")
    response = client.post("/admin/customers/import/", data={"file": (io.BytesIO(mixed_file), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and Customer.select().count() == 1


def test_duplicate_credit_codes_are_found_in_the_database(app, manager):
    make_customer(name="Holder", credit_code=GOOD_CODE)
    checked = importer.check(decode(_csv(f"Newcomer,deal,,,{GOOD_CODE},,,")))
    (line, reason), = checked.problems
    assert "credit code" in reason and "Holder" in reason


def test_the_command_line_dry_run_saves_nothing_and_the_import_saves(app, runner, manager, mixed_file, tmp_path):
    from backoffice.cli import cli
    path = tmp_path / "customers.csv"
    path.write_bytes(mixed_file)
    result = runner.invoke(cli, ["import-customers", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "8 rows: 3 ready, 3 with errors, 2 duplicates." in result.output
    assert "Dry run" in result.output and Customer.select().count() == 1
    result = runner.invoke(cli, ["import-customers", str(path), "--by", "boss@example.com"])
    assert result.exit_code == 0, result.output
    assert "Imported 3 customers." in result.output and Customer.select().count() == 4


def test_the_command_line_export_writes_every_working_customer(app, runner, tmp_path):
    from backoffice.cli import cli
    make_customer(name="华信食品", phone="+8613800138000")
    make_customer(name="Gone", archived=True)
    path = tmp_path / "out.csv"
    result = runner.invoke(cli, ["export-customers", str(path), "--bom"])
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    # the Excel form: the phone written with spaces, so Excel keeps it as text (not 8.61E+12)
    assert "华信食品" in text and ",138 0013 8000," in text and "Gone" not in text


def test_the_command_line_reports_a_bad_file(app, runner, tmp_path):
    from backoffice.cli import cli
    path = tmp_path / "bad.csv"
    path.write_bytes(b"nom\nx\n")
    result = runner.invoke(cli, ["import-customers", str(path)])
    assert result.exit_code == 1 and "Unknown column(s): nom" in result.output
