"""A1 notation: parsing, normalisation and the ranges the emulator names in its replies."""

from __future__ import annotations

import pytest

from sheets_emulator import ApiError
from sheets_emulator.a1 import (
    Area,
    col_to_letters,
    letters_to_col,
    parse_area,
    quote_title,
    split_sheet,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sheet1!A1:C3", ("Sheet1", "A1:C3")),
        ("'My tab'!A1:C", ("My tab", "A1:C")),
        ("'It''s'!B2", ("It's", "B2")),
        ("'My tab'", ("My tab", None)),
        ("A1:B2", (None, "A1:B2")),
        ("Sheet1", (None, "Sheet1")),
        ("'a!b'!A1", ("a!b", "A1")),
    ],
)
def test_split_sheet(text: str, expected: tuple[str | None, str | None]) -> None:
    assert split_sheet(text) == expected


@pytest.mark.parametrize(
    ("ref", "area"),
    [
        ("A1", Area(0, 1, 0, 1)),
        ("B2:D4", Area(1, 4, 1, 4)),
        ("C3:A1", Area(0, 3, 0, 3)),
        ("A:A", Area(None, None, 0, 1)),
        ("B:A", Area(None, None, 0, 2)),
        ("1:2", Area(0, 2, None, None)),
        ("A2:C", Area(1, None, 0, 3)),
        ("A1:1", Area(0, 1, 0, None)),
        ("aa10:ab11", Area(9, 11, 26, 28)),
    ],
)
def test_parse_area(ref: str, area: Area) -> None:
    assert parse_area(ref, ref) == area


@pytest.mark.parametrize("ref", ["", "A0", "A1:B2:C3", "1A", "A", "A1:%", "!"])
def test_unparseable(ref: str) -> None:
    with pytest.raises(ApiError) as err:
        parse_area(ref, f"Sheet1!{ref}")
    assert err.value.message == f"Unable to parse range: Sheet1!{ref}"


def test_letters_round_trip() -> None:
    for index in (0, 25, 26, 51, 52, 701, 702, 16383):
        assert letters_to_col(col_to_letters(index)) == index
    assert [col_to_letters(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_quote_title() -> None:
    assert quote_title("Sheet1") == "Sheet1"
    assert quote_title("My tab") == "'My tab'"
    assert quote_title("It's") == "'It''s'"
    assert quote_title("A1") == "'A1'"  # would read as a cell
    assert quote_title("Sheet1", always=True) == "'Sheet1'"


@pytest.mark.parametrize(
    ("requested", "normalised"),
    [
        ("Sheet1", "Sheet1!A1:Z1000"),
        ("'Sheet1'", "Sheet1!A1:Z1000"),
        ("sheet1!a1:c3", "Sheet1!A1:C3"),
        ("Sheet1!C3:A1", "Sheet1!A1:C3"),
        ("Sheet1!A:A", "Sheet1!A1:A1000"),
        ("Sheet1!2:3", "Sheet1!A2:Z3"),
        ("Sheet1!A2:C", "Sheet1!A2:C1000"),
        ("Sheet1!A1:1", "Sheet1!A1:Z1"),
        ("Sheet1!B2", "Sheet1!B2"),
        ("Sheet1!B2:B2", "Sheet1!B2"),
        ("A1:B2", "Sheet1!A1:B2"),
        ("Sheet1!A1:AZ2000", "Sheet1!A1:Z1000"),
        ("'My tab'", "'My tab'!A1:Z1000"),
        ("'My tab'!A1:C", "'My tab'!A1:C1000"),
    ],
)
def test_ranges_named_in_replies(sh, requested: str, normalised: str) -> None:  # type: ignore[no-untyped-def]
    if "My tab" in requested:
        sh.add_worksheet("My tab", 1000, 26)
    assert sh.values_get(requested)["range"] == normalised
