"""A deliberately small formula evaluator: arithmetic, comparisons, &, cell refs, SUM, and the
functions conditional formats use (AND, OR, NOT, IF, ISNUMBER, ISBLANK, ISTEXT, TODAY)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .a1 import col_to_letters, letters_to_col, split_sheet

Scalar = str | float | bool | None


@dataclass(frozen=True)
class FormulaError:
    """An error value such as #NAME? (Sheets shows the code, the API gives type + message)."""

    code: str
    kind: str
    message: str


# Resolves (sheet title or None, row, col) to the referenced cell's effective value.
Lookup = Callable[[str | None, int, int], "Scalar | FormulaError"]
RangeLookup = Callable[[str | None, int, int, int, int], "list[Scalar | FormulaError]"]

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|
    (?P<str>"(?:[^"]|"")*")|
    (?P<ref>(?:'(?:[^']|'')+'!|[A-Za-z_][A-Za-z0-9_]*!)?\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)|
    (?P<name>[A-Za-z_][A-Za-z0-9_.]*)|
    (?P<op><>|<=|>=|[-+*/^&=<>(),])|
    (?P<other>[^\s])
    )""",
    re.VERBOSE,
)
_REF_PART = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


class _Fail(Exception):
    def __init__(self, err: FormulaError) -> None:
        self.err = err


def _name_error(name: str) -> FormulaError:
    return FormulaError("#NAME?", "NAME", f"Unknown function: '{name}'.")


def _parse_error() -> FormulaError:
    return FormulaError("#ERROR!", "ERROR", "Formula parse error.")


class _Parser:
    def __init__(self, text: str, lookup: Lookup, range_lookup: RangeLookup,
                 today: Callable[[], float] | None = None) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise _Fail(_parse_error())
            kind = m.lastgroup or "op"
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0
        self.lookup = lookup
        self.range_lookup = range_lookup
        self.today = today

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise _Fail(_parse_error())
        self.i += 1
        return tok

    def expect(self, op: str) -> None:
        if self.take() != ("op", op):
            raise _Fail(_parse_error())

    def parse(self) -> Scalar:
        value = self.comparison()
        if self.peek() is not None:
            raise _Fail(_parse_error())
        return value

    def comparison(self) -> Scalar:
        left = self.concat()
        while (
            (tok := self.peek()) and tok[0] == "op" and tok[1] in ("=", "<>", "<", ">", "<=", ">=")
        ):
            self.take()
            right = self.concat()
            a, b = _comparable(left, right)
            left = {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[
                tok[1]
            ]
        return left

    def concat(self) -> Scalar:
        left = self.additive()
        while self.peek() == ("op", "&"):
            self.take()
            left = _text(left) + _text(self.additive())
        return left

    def additive(self) -> Scalar:
        left = self.term()
        while (tok := self.peek()) and tok in (("op", "+"), ("op", "-")):
            self.take()
            right = self.term()
            left = _num(left) + _num(right) if tok[1] == "+" else _num(left) - _num(right)
        return left

    def term(self) -> Scalar:
        left = self.power()
        while (tok := self.peek()) and tok in (("op", "*"), ("op", "/")):
            self.take()
            right = _num(self.power())
            if tok[1] == "/" and right == 0:
                raise _Fail(
                    FormulaError(
                        "#DIV/0!", "DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero."
                    )
                )
            left = _num(left) * right if tok[1] == "*" else _num(left) / right
        return left

    def power(self) -> Scalar:
        left = self.unary()
        while self.peek() == ("op", "^"):
            self.take()
            left = _num(left) ** _num(self.unary())
        return left

    def unary(self) -> Scalar:
        if self.peek() in (("op", "-"), ("op", "+")):
            sign = self.take()[1]
            value = _num(self.unary())
            return -value if sign == "-" else value
        return self.atom()

    def atom(self) -> Scalar:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            sheet, ref = split_sheet(text)
            if ":" in ref:
                raise _Fail(
                    FormulaError("#VALUE!", "VALUE", "A range cannot be used as a single value.")
                )
            row, col = _ref_cell(ref)
            value = self.lookup(sheet, row, col)
            if isinstance(value, FormulaError):
                raise _Fail(value)
            return value
        if kind == "name":
            upper = text.upper()
            if upper in ("TRUE", "FALSE") and self.peek() != ("op", "("):
                return upper == "TRUE"
            return self.call(upper, text)
        if (kind, text) == ("op", "("):
            value = self.comparison()
            self.expect(")")
            return value
        raise _Fail(_parse_error())

    def call(self, upper: str, name: str) -> Scalar:
        if upper in _FUNCTIONS:
            return self.function(upper)
        if upper != "SUM":  # Sheets reports an unknown name before looking at its arguments
            raise _Fail(_name_error(name))
        self.expect("(")
        total = 0.0
        while True:
            tok = self.peek()
            if tok and tok[0] == "ref" and ":" in tok[1]:
                self.take()
                sheet, ref = split_sheet(tok[1])
                start, end = ref.split(":")
                (ra, ca), (rb, cb) = _ref_cell(start), _ref_cell(end)
                for value in self.range_lookup(
                    sheet, min(ra, rb), max(ra, rb) + 1, min(ca, cb), max(ca, cb) + 1
                ):
                    if isinstance(value, FormulaError):
                        raise _Fail(value)
                    if isinstance(value, float) and not isinstance(value, bool):
                        total += value  # SUM skips text and booleans inside ranges
            elif tok != ("op", ")"):
                total += _num(self.comparison())
            tok = self.take()
            if tok == ("op", ")"):
                return total
            if tok != ("op", ","):
                raise _Fail(_parse_error())


    def function(self, upper: str) -> Scalar:
        self.expect("(")
        args: list[Scalar] = []
        if self.peek() != ("op", ")"):
            while True:
                args.append(self.comparison())
                if self.peek() != ("op", ","):
                    break
                self.take()
        self.expect(")")
        low, high = _FUNCTIONS[upper]
        if not low <= len(args) <= high:
            raise _Fail(FormulaError("#N/A", "N_A", f"Wrong number of arguments to {upper}."))
        if upper == "TODAY":
            if self.today is None:
                raise _Fail(_name_error("TODAY"))
            return self.today()
        if upper == "AND":
            return all(_truth(a) for a in args)
        if upper == "OR":
            return any(_truth(a) for a in args)
        if upper == "NOT":
            return not _truth(args[0])
        if upper == "IF":
            chosen = args[1] if _truth(args[0]) else (args[2] if len(args) > 2 else False)
            return chosen
        if upper == "ISNUMBER":
            return isinstance(args[0], float) and not isinstance(args[0], bool)
        if upper == "ISTEXT":
            return isinstance(args[0], str)
        return args[0] is None  # ISBLANK: an empty cell, not "" typed


_FUNCTIONS = {"TODAY": (0, 0), "AND": (1, 255), "OR": (1, 255), "NOT": (1, 1), "IF": (2, 3),
              "ISNUMBER": (1, 1), "ISTEXT": (1, 1), "ISBLANK": (1, 1)}


def _truth(value: Scalar) -> bool:
    if isinstance(value, str):
        if value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        if value == "":
            return False
    return bool(_num(value))


def _comparable(a: Scalar, b: Scalar) -> tuple[tuple[int, object], tuple[int, object]]:
    """Sheets' comparison: an empty cell is "" beside text, 0 beside a number, FALSE beside a
    boolean; text compares without case; across types numbers < text < booleans."""
    if a is None:
        a = "" if isinstance(b, str) else False if isinstance(b, bool) else 0.0
    if b is None:
        b = "" if isinstance(a, str) else False if isinstance(a, bool) else 0.0

    def key(v: Scalar) -> tuple[int, object]:
        if isinstance(v, bool):
            return (2, v)
        if isinstance(v, float | int):
            return (0, float(v))
        return (1, str(v).lower())

    return key(a), key(b)


def shift(formula: str, rows: int, cols: int) -> str:
    """The formula as it applies `rows` down and `cols` right of where it was written: relative
    references move, `$`-anchored parts stay (how a conditional format's formula reads each cell)."""
    if not rows and not cols:
        return formula
    out, pos = [], 0
    text = formula
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            return formula  # unparseable: left for the evaluator to report
        if m.lastgroup == "ref":
            ref = m.group("ref")
            cut = ref.rfind("!") + 1  # the sheet's name, if any, stays as it is
            moved = _REF_SHIFT.sub(lambda p: _shifted(p, rows, cols), ref[cut:])
            out.append(text[pos:m.start("ref")] + ref[:cut] + moved)
        else:
            out.append(m.group(0))
        pos = m.end()
    return "".join(out)


_REF_SHIFT = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)(\d+)")


def _shifted(m: re.Match[str], rows: int, cols: int) -> str:
    dollar_col, letters, dollar_row, number = m.groups()
    col = letters_to_col(letters) + (0 if dollar_col else cols)
    row = int(number) + (0 if dollar_row else rows)
    if col < 0 or row < 1:
        return "#REF!"
    return f"{dollar_col}{col_to_letters(col)}{dollar_row}{row}"


def _ref_cell(ref: str) -> tuple[int, int]:
    m = _REF_PART.fullmatch(ref)
    if not m:
        raise _Fail(_parse_error())
    return int(m.group(2)) - 1, letters_to_col(m.group(1))


def _num(value: Scalar) -> float:
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float | int):
        return float(value)
    try:
        return float(value)
    except ValueError:
        raise _Fail(
            FormulaError(
                "#VALUE!",
                "VALUE",
                f"Function expects number values. But '{value}' is a text and cannot be coerced to a number.",
            )
        ) from None


def _text(value: Scalar) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_general(value)
    return value


def format_general(value: float) -> str:
    """Sheets' 'General' number display for plain numbers."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def evaluate(formula: str, lookup: Lookup, range_lookup: RangeLookup,
             today: Callable[[], float] | None = None) -> Scalar | FormulaError:
    """Evaluate '=…'; unsupported functions give #NAME? as Sheets does for unknown names.
    `today` gives TODAY()'s serial number (the spreadsheet's date in its time zone)."""
    try:
        return _Parser(formula.lstrip("="), lookup, range_lookup, today).parse()
    except _Fail as fail:
        return fail.err
    except (OverflowError, ZeroDivisionError):
        return FormulaError("#NUM!", "NUM", "Result is not a finite number.")
