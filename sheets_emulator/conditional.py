"""Conditional formats: the batchUpdate requests that lay them out, and the format they give a cell.

Boolean rules only (gradient rules are stored and returned, never applied). Conditions:
CUSTOM_FORMULA (its relative references read each cell of the range as Sheets does, the
first cell of the range being where it was written), BLANK, NOT_BLANK, TEXT_EQ,
TEXT_CONTAINS, NUMBER_EQ / NOT_EQ / GREATER / GREATER_THAN_EQ / LESS / LESS_THAN_EQ,
DATE_EQ / BEFORE / AFTER with a relativeDate of TODAY, YESTERDAY or TOMORROW or a
userEnteredValue date. The first rule that holds gives its format, as in Sheets.
"""

from __future__ import annotations

import copy
from typing import Any

from .cells import parse_input
from .errors import bad_request
from .formula import FormulaError, Scalar, evaluate, shift
from .model import Book, Evaluator, Sheet

_RELATIVE = {"TODAY": 0, "YESTERDAY": -1, "TOMORROW": 1}
_NUMBER_OPS = {"NUMBER_EQ": "==", "NUMBER_NOT_EQ": "!=", "NUMBER_GREATER": ">", "NUMBER_GREATER_THAN_EQ": ">=",
               "NUMBER_LESS": "<", "NUMBER_LESS_THAN_EQ": "<="}
_DATE_OPS = {"DATE_EQ": "==", "DATE_BEFORE": "<", "DATE_AFTER": ">"}


def _sheet_of(book: Book, rule: dict[str, Any], request: str) -> Sheet:
    ranges = rule.get("ranges") or []
    if not ranges:
        raise bad_request(f"Invalid requests[0].{request}: A conditional format rule must have at least one range.")
    ids = {r.get("sheetId", 0) for r in ranges}
    if len(ids) > 1:
        raise bad_request(f"Invalid requests[0].{request}: All ranges must be on the same sheet.")
    if "booleanRule" not in rule and "gradientRule" not in rule:
        raise bad_request(f"Invalid requests[0].{request}: A rule needs a booleanRule or a gradientRule.")
    condition = (rule.get("booleanRule") or {}).get("condition") or {}
    if condition.get("type") == "CUSTOM_FORMULA":
        values = condition.get("values") or [{}]
        if not str(values[0].get("userEnteredValue", "")).startswith("="):
            raise bad_request(f"Invalid requests[0].{request}: Invalid ConditionValue.userEnteredValue: "
                              f"{values[0].get('userEnteredValue', '')}")
    return book.sheet_by_id(ids.pop(), request)


def _at(sheet: Sheet, index: Any, request: str, adding: bool = False) -> int:
    at = int(index or 0)
    limit = len(sheet.conditional) + (1 if adding else 0)
    if not 0 <= at < max(limit, 1) or (not adding and at >= len(sheet.conditional)):
        raise bad_request(f"Invalid requests[0].{request}: No conditional format on sheet: {sheet.id} at index: {at}")
    return at


def add_rule(book: Book, req: dict[str, Any]) -> None:
    rule = copy.deepcopy(req.get("rule") or {})
    sheet = _sheet_of(book, rule, "addConditionalFormatRule")
    sheet.conditional.insert(_at(sheet, req.get("index"), "addConditionalFormatRule", adding=True), rule)


def delete_rule(book: Book, req: dict[str, Any]) -> dict[str, Any]:
    sheet = book.sheet_by_id(req.get("sheetId", 0), "deleteConditionalFormatRule")
    removed = sheet.conditional.pop(_at(sheet, req.get("index"), "deleteConditionalFormatRule"))
    return {"deleteConditionalFormatRule": {"rule": removed}}


def update_rule(book: Book, req: dict[str, Any]) -> dict[str, Any]:
    sheet = book.sheet_by_id(req.get("sheetId", 0), "updateConditionalFormatRule")
    index = _at(sheet, req.get("index"), "updateConditionalFormatRule")
    old = sheet.conditional[index]
    if "rule" in req:
        new = copy.deepcopy(req["rule"])
        _sheet_of(book, new, "updateConditionalFormatRule")
        sheet.conditional[index] = new
        return {"updateConditionalFormatRule": {"newRule": new, "oldRule": old, "newIndex": index,
                                                "oldIndex": index}}
    moved = int(req.get("newIndex", index))
    sheet.conditional.insert(moved, sheet.conditional.pop(index))
    return {"updateConditionalFormatRule": {"newRule": old, "oldRule": old, "newIndex": moved, "oldIndex": index}}


HANDLERS = {"addConditionalFormatRule": add_rule, "deleteConditionalFormatRule": delete_rule,
            "updateConditionalFormatRule": update_rule}


def _origin(sheet: Sheet, rule: dict[str, Any], row: int, col: int) -> tuple[int, int] | None:
    """The top-left of the rule's range holding (row, col), or None when none holds it."""
    for rng in rule.get("ranges") or []:
        r0, c0 = int(rng.get("startRowIndex", 0)), int(rng.get("startColumnIndex", 0))
        r1, c1 = int(rng.get("endRowIndex", sheet.rows)), int(rng.get("endColumnIndex", sheet.cols))
        if r0 <= row < r1 and c0 <= col < c1:
            return r0, c0
    return None


class Formatter:
    """format_of(sheet, row, col): the effective format of one cell (userEnteredFormat, then rules)."""

    def __init__(self, book: Book, ev: Evaluator | None = None) -> None:
        self.book, self.ev = book, ev or Evaluator(book)
        self._formulas: dict[tuple[int, str], Scalar | FormulaError] = {}

    def rule_format(self, sheet: Sheet, row: int, col: int) -> dict[str, Any] | None:
        for rule in sheet.conditional:
            boolean = rule.get("booleanRule")
            origin = _origin(sheet, rule, row, col) if boolean else None
            if origin is not None and self._holds(sheet, boolean.get("condition") or {}, origin, row, col):
                return boolean.get("format") or {}
        return None

    def format_of(self, sheet: Sheet, row: int, col: int) -> dict[str, Any] | None:
        cell = sheet.cells.get((row, col)) or {}
        extra = self.rule_format(sheet, row, col) if sheet.conditional else None
        if extra is None:
            return copy.deepcopy(cell["fmt"]) if cell.get("fmt") else None
        merged = copy.deepcopy(cell.get("fmt") or {})
        merged.update(copy.deepcopy(extra))
        return merged

    def _holds(self, sheet: Sheet, condition: dict[str, Any], origin: tuple[int, int], row: int, col: int) -> bool:
        kind = condition.get("type", "")
        values = [v.get("userEnteredValue", "") for v in condition.get("values") or []]
        if kind == "CUSTOM_FORMULA":
            formula = shift(str(values[0]), row - origin[0], col - origin[1]) if values else ""
            key = (sheet.id, formula)
            if key not in self._formulas:
                self._formulas[key] = evaluate(formula, self.ev._lookup(sheet), self.ev._range_lookup(sheet),
                                               self.book.today)
            result = self._formulas[key]
            return result is True or (isinstance(result, float) and result != 0)
        value = self.ev.value(sheet, row, col)
        if isinstance(value, FormulaError):
            return False
        if kind in ("BLANK", "NOT_BLANK"):
            return (value in (None, "")) == (kind == "BLANK")
        if kind == "TEXT_EQ":
            return isinstance(value, str) and bool(values) and value.lower() == str(values[0]).lower()
        if kind == "TEXT_CONTAINS":
            return isinstance(value, str) and bool(values) and str(values[0]).lower() in value.lower()
        number = value if isinstance(value, float) and not isinstance(value, bool) else None
        if kind in _NUMBER_OPS and number is not None and values:
            given, _fmt = parse_input(values[0], True)
            other = (given or {}).get("numberValue")
            return other is not None and _compare(number, float(other), _NUMBER_OPS[kind])
        if kind in _DATE_OPS and number is not None:
            other = self._date(condition)
            return other is not None and _compare(float(int(number)), other, _DATE_OPS[kind])
        return False

    def _date(self, condition: dict[str, Any]) -> float | None:
        given = (condition.get("values") or [{}])[0]
        if "relativeDate" in given:
            offset = _RELATIVE.get(given["relativeDate"])
            return None if offset is None else self.book.today() + offset
        parsed, _fmt = parse_input(given.get("userEnteredValue", ""), True)
        number = (parsed or {}).get("numberValue")
        return None if number is None else float(int(number))


def _compare(a: float, b: float, op: str) -> bool:
    return {"==": a == b, "!=": a != b, ">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]
