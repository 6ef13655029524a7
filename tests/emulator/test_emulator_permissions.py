"""Drive permissions (create, list, delete) through gspread, shaped as Drive v3 gives them."""
from __future__ import annotations

import pytest
import requests

from sheets_emulator import EmulatorServer
from sync import sheets


def test_share_list_and_unshare_a_spreadsheet_made_through_drive(emulator: EmulatorServer, sleeps) -> None:
    settings = sheets.SheetSettings("", None, emulator.base_url)
    made = sheets.create_spreadsheet(settings, "Rep A's customers", sleep=sleeps)
    sheets.close(made)
    owner = sheets.permissions(settings, made.id, sleep=sleeps)
    assert [(p["type"], p["role"]) for p in owner] == [("user", "owner")]  # the creator's
    pid = sheets.share(settings, made.id, "Rep.A@Example.com", sleep=sleeps)
    listed = sheets.permissions(settings, made.id, sleep=sleeps)
    mine = next(p for p in listed if p["id"] == pid)
    assert mine == {"kind": "drive#permission", "id": pid, "type": "user", "role": "writer",
                    "emailAddress": "rep.a@example.com"}
    assert sheets.share(settings, made.id, "rep.a@example.com", sleep=sleeps) == pid  # not twice
    assert sheets.unshare(settings, made.id, pid, sleep=sleeps) is True
    assert sheets.unshare(settings, made.id, pid, sleep=sleeps) is False  # already gone: 404
    assert [p["role"] for p in sheets.permissions(settings, made.id, sleep=sleeps)] == ["owner"]
    assert emulator.counts()["drive.permissions.create"] == 2
    assert emulator.counts()["drive.permissions.delete"] == 2


def test_permission_errors_come_in_drives_shape(emulator: EmulatorServer) -> None:
    http = requests.Session()
    http.trust_env = False
    base = f"{emulator.base_url}/drive/v3/files"
    reply = http.post(f"{base}/nope/permissions", json={"type": "user", "role": "writer",
                                                         "emailAddress": "a@example.com"})
    assert reply.status_code == 404
    assert reply.json()["error"]["errors"][0]["reason"] == "notFound"
    sid = emulator.spreadsheet_ids()[0]
    bad = http.post(f"{base}/{sid}/permissions", json={"type": "user", "role": "boss", "emailAddress": "a@b.cn"})
    assert bad.status_code == 400 and "role" in bad.json()["error"]["message"]
    assert http.delete(f"{base}/{sid}/permissions/123").status_code == 404
    assert http.get(f"{base}/{sid}/permissions").json() == {"kind": "drive#permissionList", "permissions": []}


@pytest.mark.parametrize("body", [{"role": "writer"}, {"type": "user", "role": "writer"}])
def test_a_permission_needs_a_type_and_an_address(emulator: EmulatorServer, body) -> None:
    http = requests.Session()
    http.trust_env = False
    sid = emulator.spreadsheet_ids()[0]
    assert http.post(f"{emulator.base_url}/drive/v3/files/{sid}/permissions", json=body).status_code == 400
