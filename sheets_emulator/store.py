"""The emulator's state: spreadsheets behind one lock, all-or-nothing mutation and JSON persistence."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import secrets
import string
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .errors import not_found
from .model import Book

T = TypeVar("T")
_ID_CHARS = string.ascii_letters + string.digits + "-_"


def new_spreadsheet_id() -> str:
    """44 characters, the shape of real spreadsheet ids."""
    return "".join(secrets.choice(_ID_CHARS) for _ in range(44))


class Store:
    def __init__(self, data_file: str | os.PathLike[str] | None = None) -> None:
        self.lock = threading.RLock()
        self.books: dict[str, Book] = {}
        self.today: dt.date | None = None  # TODAY() for every spreadsheet, set by a test
        self.data_file = Path(data_file) if data_file else None
        if self.data_file and self.data_file.exists():
            self.load()

    def set_today(self, day: dt.date | None) -> None:
        """Fix TODAY() (None: the real date in each spreadsheet's time zone)."""
        with self.lock:
            self.today = day
            for book in self.books.values():
                book.fixed_today = day

    def book(self, spreadsheet_id: str) -> Book:
        book = self.books.get(spreadsheet_id)
        if book is None:
            raise not_found()
        return book

    def read(self, spreadsheet_id: str, fn: Callable[[Book], T]) -> T:
        with self.lock:
            return fn(self.book(spreadsheet_id))

    def mutate(self, spreadsheet_id: str, fn: Callable[[Book], T]) -> T:
        """Run fn on a copy and keep the copy only if fn succeeds: a failing batch changes nothing."""
        with self.lock:
            work = copy.deepcopy(self.book(spreadsheet_id))
            result = fn(work)
            self.books[spreadsheet_id] = work
            self.save()
            return result

    def create(self, title: str, spreadsheet_id: str | None = None) -> Book:
        with self.lock:
            sid = spreadsheet_id or new_spreadsheet_id()
            book = Book.new(sid, title)
            book.fixed_today = self.today
            self.books[sid] = book
            self.save()
            return book

    def delete(self, spreadsheet_id: str) -> None:
        with self.lock:
            self.book(spreadsheet_id)
            del self.books[spreadsheet_id]
            self.save()

    def save(self) -> None:
        """Write the whole state atomically (temp file + rename) so a crash never leaves half a file."""
        if self.data_file is None:
            return
        data = {"spreadsheets": [b.to_json() for b in self.books.values()]}
        self.data_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".emulator-", dir=self.data_file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, self.data_file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self) -> None:
        assert self.data_file is not None
        with self.data_file.open(encoding="utf-8") as fh:
            data: dict[str, Any] = json.load(fh)
        with self.lock:
            self.books = {b["id"]: Book.from_json(b) for b in data.get("spreadsheets", [])}
            for book in self.books.values():
                book.fixed_today = self.today
