"""The slice of Drive v3 gspread uses: create, get, list and delete spreadsheet files."""

from __future__ import annotations

import re
from typing import Any

from . import fieldmask
from .errors import ApiError, bad_request
from .model import Book
from .store import Store

SHEETS_MIME = "application/vnd.google-apps.spreadsheet"


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
