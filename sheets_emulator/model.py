"""In-memory spreadsheets: sheets, sparse cells, range resolution and formula-aware reads."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import a1
from .cells import EPOCH, Cell, literal
from .errors import bad_request, unable_to_parse
from .formula import FormulaError, Scalar, evaluate

DEFAULT_ROWS = 1000
DEFAULT_COLS = 26
EPOCH_DATE = EPOCH.date()


def now_rfc3339() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Sheet:
    props: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    protected: list[dict[str, Any]] = field(default_factory=list)
    conditional: list[dict[str, Any]] = field(default_factory=list)  # ConditionalFormatRules, in order

    @property
    def id(self) -> int:
        return int(self.props["sheetId"])

    @property
    def title(self) -> str:
        return str(self.props["title"])

    @property
    def grid(self) -> dict[str, Any]:
        return self.props.setdefault("gridProperties", {})

    @property
    def rows(self) -> int:
        return int(self.grid.get("rowCount", 0))

    @property
    def cols(self) -> int:
        return int(self.grid.get("columnCount", 0))

    def extent(self) -> tuple[int, int]:
        """(rows, cols) actually holding a value: the data area trimmed of trailing blanks."""
        rows = cols = 0
        for (r, c), cell in self.cells.items():
            if cell.get("uv"):
                rows, cols = max(rows, r + 1), max(cols, c + 1)
        return rows, cols

    def to_json(self) -> dict[str, Any]:
        cells = [[r, c, cell] for (r, c), cell in sorted(self.cells.items()) if cell]
        return {"properties": self.props, "cells": cells, "protectedRanges": self.protected,
                "conditionalFormats": self.conditional}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sheet:
        cells = {(int(r), int(c)): cell for r, c, cell in data.get("cells", [])}
        return cls(data["properties"], cells, data.get("protectedRanges", []),
                   data.get("conditionalFormats", []))


@dataclass
class Book:
    """One spreadsheet."""

    id: str
    props: dict[str, Any]
    sheets: list[Sheet] = field(default_factory=list)
    created: str = field(default_factory=now_rfc3339)
    modified: str = field(default_factory=now_rfc3339)
    fixed_today: dt.date | None = field(default=None, compare=False)  # a test's TODAY(); never saved
    permissions: list[dict[str, Any]] = field(default_factory=list)  # Drive's, as permissions.list gives them

    def today(self) -> float:
        """TODAY() as a serial number: the date in the spreadsheet's time zone, as Google has it."""
        day = self.fixed_today
        if day is None:
            try:
                zone = ZoneInfo(str(self.props.get("timeZone") or "Etc/GMT"))
            except (ZoneInfoNotFoundError, ValueError):
                zone = ZoneInfo("Etc/GMT")
            day = dt.datetime.now(zone).date()
        return float((day - EPOCH_DATE).days)

    @classmethod
    def new(cls, spreadsheet_id: str, title: str) -> Book:
        props = {
            "title": title,
            "locale": "en_US",
            "autoRecalc": "ON_CHANGE",
            "timeZone": "Etc/GMT",
        }
        book = cls(spreadsheet_id, props)
        book.add_sheet({"sheetId": 0, "title": "Sheet1"})
        return book

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.props["index"] = i

    def new_sheet_id(self) -> int:
        taken = {s.id for s in self.sheets}
        while True:
            candidate = random.randint(1, 2**31 - 1)
            if candidate not in taken:
                return candidate

    def add_sheet(self, props: dict[str, Any]) -> Sheet:
        title = props.get("title") or f"Sheet{len(self.sheets) + 1}"
        if self.find(title, exact=True) is not None:
            raise bad_request(
                f'Invalid requests[0].addSheet: A sheet with the name "{title}" already exists. Please enter another name.'
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = self.new_sheet_id()
        elif any(s.id == sheet_id for s in self.sheets):
            raise bad_request(
                f"Invalid requests[0].addSheet: Sheet with id {sheet_id} already exists."
            )
        grid = dict(props.get("gridProperties") or {})
        grid.setdefault("rowCount", DEFAULT_ROWS)
        grid.setdefault("columnCount", DEFAULT_COLS)
        clean = {
            "sheetId": sheet_id,
            "title": title,
            "index": 0,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        for key in ("hidden", "tabColorStyle", "rightToLeft"):
            if props.get(key):
                clean[key] = props[key]
        sheet = Sheet(clean)
        index = props.get("index")
        self.sheets.insert(
            len(self.sheets) if index is None else max(0, min(index, len(self.sheets))), sheet
        )
        self.reindex()
        return sheet

    def find(self, title: str, exact: bool = False) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        if exact:
            return None
        # Sheets resolves titles in ranges case-insensitively.
        for sheet in self.sheets:
            if sheet.title.lower() == title.lower():
                return sheet
        return None

    def sheet_by_id(self, sheet_id: Any, request: str = "") -> Sheet:
        for sheet in self.sheets:
            if sheet.id == sheet_id:
                return sheet
        prefix = f"Invalid requests[0].{request}: " if request else ""
        raise bad_request(f"{prefix}No grid with id: {sheet_id}")

    def first_visible(self) -> Sheet:
        return next((s for s in self.sheets if not s.props.get("hidden")), self.sheets[0])

    def resolve(self, text: str) -> tuple[Sheet, a1.Area]:
        """A1 text -> (sheet, area); unknown titles or bad refs give 'Unable to parse range'."""
        title, ref = a1.split_sheet(text)
        if title is None:
            assert ref is not None
            sheet = self.find(ref)
            if sheet is not None:
                return sheet, a1.WHOLE
            return self.first_visible(), a1.parse_area(ref, text)
        sheet = self.find(title)
        if sheet is None:
            raise unable_to_parse(text)
        if ref is None:
            return sheet, a1.WHOLE
        return sheet, a1.parse_area(ref, text)

    def touch(self) -> None:
        self.modified = now_rfc3339()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "properties": self.props,
            "sheets": [s.to_json() for s in self.sheets],
            "created": self.created,
            "modified": self.modified,
            **({"permissions": self.permissions} if self.permissions else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Book:
        sheets = [Sheet.from_json(s) for s in data.get("sheets", [])]
        return cls(
            data["id"],
            data["properties"],
            sheets,
            data.get("created", now_rfc3339()),
            data.get("modified", now_rfc3339()),
            permissions=list(data.get("permissions", [])),
        )


class Evaluator:
    """Effective values of a book's cells, with formulas evaluated once per request."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.cache: dict[tuple[int, int, int], Scalar | FormulaError] = {}
        self.active: set[tuple[int, int, int]] = set()

    def value(self, sheet: Sheet, row: int, col: int) -> Scalar | FormulaError:
        key = (sheet.id, row, col)
        if key in self.cache:
            return self.cache[key]
        cell = sheet.cells.get((row, col)) or {}
        uv = cell.get("uv") or {}
        if "formulaValue" not in uv:
            return literal(uv)
        if key in self.active:
            return FormulaError("#REF!", "REF", "Circular dependency detected.")
        self.active.add(key)
        try:
            result = evaluate(uv["formulaValue"], self._lookup(sheet), self._range_lookup(sheet),
                              self.book.today)
        finally:
            self.active.discard(key)
        # A formula's empty result reads as 0 in Sheets when it references an empty cell.
        self.cache[key] = 0.0 if result is None else result
        return self.cache[key]

    def _target(self, sheet: Sheet, title: str | None) -> Sheet:
        if title is None:
            return sheet
        target = self.book.find(title)
        if target is None:
            raise _RefMissing
        return target

    def _lookup(self, sheet: Sheet):  # type: ignore[no-untyped-def]
        def lookup(title: str | None, row: int, col: int) -> Scalar | FormulaError:
            try:
                return self.value(self._target(sheet, title), row, col)
            except _RefMissing:
                return FormulaError("#REF!", "REF", f"Unresolved sheet name '{title}'.")

        return lookup

    def _range_lookup(self, sheet: Sheet):  # type: ignore[no-untyped-def]
        def lookup(
            title: str | None, r0: int, r1: int, c0: int, c1: int
        ) -> list[Scalar | FormulaError]:
            try:
                target = self._target(sheet, title)
            except _RefMissing:
                return [FormulaError("#REF!", "REF", f"Unresolved sheet name '{title}'.")]
            return [
                self.value(target, r, c)
                for (r, c) in list(target.cells)
                if r0 <= r < r1 and c0 <= c < c1
            ]

        return lookup


class _RefMissing(Exception):
    pass
