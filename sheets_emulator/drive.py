"""The slice of Drive v3 gspread uses: create, get, list and delete spreadsheet files, and their permissions."""

from __future__ import annotations

import re
import secrets
from typing import Any

from . import fieldmask
from .errors import ApiError, bad_request
from .model import Book
from .store import Store

SHEETS_MIME = "application/vnd.google-apps.spreadsheet"
OWNER = "owner@emulator.local"  # who "created" a file: its first permission, as Google lists the creator's
ROLES = ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")
TYPES = ("user", "group", "domain", "anyone")


class DriveError(ApiError):
    """Drive v3 errors carry an `errors` list instead of a status."""

    def envelope(self) -> dict[str, Any]:
        reason = "notFound" if self.code == 404 else "badRequest"
        detail = {"message": self.message, "domain": "global", "reason": reason}
        if self.code == 404:
            detail.update({"locationType": "parameter", "location": "fileId"})
        return {"error": {"code": self.code, "message": self.message, "errors": [detail]}}


def _file(book: Book) -> dict[str, Any]:
    return {
        "kind": "drive#file",
        "id": book.id,
        "name": book.props.get("title", ""),
        "mimeType": SHEETS_MIME,
        "createdTime": book.created,
        "modifiedTime": book.modified,
    }


def _brief(book: Book) -> dict[str, Any]:
    full = _file(book)
    return {k: full[k] for k in ("kind", "id", "name", "mimeType")}


def create(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    mime = body.get("mimeType", SHEETS_MIME)
    if mime != SHEETS_MIME:
        raise bad_request("The emulator only creates Google Sheets files.")
    book = store.create(body.get("name") or "Untitled spreadsheet")
    with store.lock:
        book.permissions.append({"kind": "drive#permission", "id": _permission_id(), "type": "user",
                                 "emailAddress": OWNER, "role": "owner"})
        store.save()
    return _brief(book)


def get(store: Store, file_id: str, params: Any) -> dict[str, Any]:
    with store.lock:
        book = store.books.get(file_id)
        if book is None:
            raise DriveError(404, f"File not found: {file_id}.")
        reply = _file(book)
    mask = fieldmask.parse(params.get("fields", ""))
    return fieldmask.apply(reply, mask) if mask else _brief(book)


def delete(store: Store, file_id: str) -> None:
    with store.lock:
        if file_id not in store.books:
            raise DriveError(404, f"File not found: {file_id}.")
        store.delete(file_id)


def list_files(store: Store, params: Any) -> dict[str, Any]:
    query = params.get("q", "")
    name = re.search(r"name\s*=\s*[\"']((?:[^\"'\\]|\\.)*)[\"']", query)
    with store.lock:
        books = list(store.books.values())
    files = [_file(b) for b in books if name is None or b.props.get("title") == name.group(1)]
    reply = {"kind": "drive#fileList", "incompleteSearch": False, "files": files}
    mask = fieldmask.parse(params.get("fields", ""))
    if mask is None:
        reply["files"] = [{k: f[k] for k in ("kind", "id", "name", "mimeType")} for f in files]
        return reply
    return fieldmask.apply(reply, mask)


# -- permissions: create, list, delete, shaped as Drive v3 gives them ---------------------

def _permission_id() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(20))


def _book(store: Store, file_id: str) -> Book:
    book = store.books.get(file_id)
    if book is None:
        raise DriveError(404, f"File not found: {file_id}.")
    return book


def _shown(permission: dict[str, Any], params: Any) -> dict[str, Any]:
    mask = fieldmask.parse(params.get("fields", ""))
    if mask is None:  # Drive's default fields
        return {k: permission[k] for k in ("kind", "id", "type", "role") if k in permission}
    return fieldmask.apply(permission, mask)


def create_permission(store: Store, file_id: str, body: dict[str, Any], params: Any) -> dict[str, Any]:
    kind, role = body.get("type"), body.get("role")
    if kind not in TYPES:
        raise DriveError(400, "The permission type field is required." if not kind
                         else f"Invalid permission type: {kind}.")
    if role not in ROLES:
        raise DriveError(400, "The permission role field is required." if not role
                         else f"The provided role is invalid: {role}.")
    permission: dict[str, Any] = {"kind": "drive#permission", "type": kind, "role": role}
    if kind in ("user", "group"):
        address = str(body.get("emailAddress") or "").strip().lower()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
            raise DriveError(400, "A valid email address is required for this permission type.")
        permission["emailAddress"] = address
    elif kind == "domain":
        permission["domain"] = str(body.get("domain") or "")
    with store.lock:
        book = _book(store, file_id)
        same = next((p for p in book.permissions if p["type"] == kind
                     and p.get("emailAddress") == permission.get("emailAddress")
                     and p.get("domain") == permission.get("domain")), None)
        if same is not None:  # Drive updates the role of the grantee's existing permission
            same["role"] = role
            permission = same
        else:
            permission["id"] = "anyoneWithLink" if kind == "anyone" else _permission_id()
            book.permissions.append(permission)
        store.save()
        return _shown(permission, params)


def list_permissions(store: Store, file_id: str, params: Any) -> dict[str, Any]:
    with store.lock:
        permissions = [dict(p) for p in _book(store, file_id).permissions]
    reply: dict[str, Any] = {"kind": "drive#permissionList", "permissions": permissions}
    mask = fieldmask.parse(params.get("fields", ""))
    if mask is None:
        reply["permissions"] = [_shown(p, {}) for p in permissions]
        return reply
    return fieldmask.apply(reply, mask)


def delete_permission(store: Store, file_id: str, permission_id: str) -> None:
    with store.lock:
        book = _book(store, file_id)
        found = next((p for p in book.permissions if p["id"] == permission_id), None)
        if found is None:
            raise DriveError(404, f"Permission not found: {permission_id}.")
        book.permissions.remove(found)
        store.save()
