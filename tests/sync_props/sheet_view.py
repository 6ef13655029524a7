"""Reading the Customers tab the way the contract describes it: by header text, first row wins."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fields import HEADERS, READ_ONLY

ID, STATUS = "ID", "Sync status"


class Formula(str):
    """A cell that holds a formula (its text as the FORMULA view reads it), not text."""


def shown(value: Any) -> str:
    """A cell as text, numbers without a spurious '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


@dataclass
class SheetView:
    grid: list[list[Any]]
    columns: dict[str, int] = field(default_factory=dict)  # header text -> index
    first: dict[str, int] = field(default_factory=dict)  # ref -> row number of its first row
    copies: dict[str, list[int]] = field(default_factory=dict)  # ref -> later row numbers

    def __post_init__(self) -> None:
        header = self.grid[0] if self.grid else []
        self.columns = {shown(h): i for i, h in enumerate(header) if shown(h)}
        rows: dict[str, list[int]] = {}
        for number, row in enumerate(self.grid[1:], start=2):
            ref = shown(self.at(row, ID)).strip()
            if ref:
                rows.setdefault(ref, []).append(number)
        for ref, numbers in rows.items():
            # The record's own row is the one not flagged as a copy, whatever the order (docs/sync.md).
            own = next((n for n in numbers if not self.flagged(n, ref)), numbers[0])
            self.first[ref] = own
            if len(numbers) > 1:
                self.copies[ref] = [n for n in numbers if n != own]

    def at(self, row: list[Any], header: str) -> Any:
        index = self.columns.get(header)
        return row[index] if index is not None and index < len(row) else ""

    def cell(self, number: int, header: str) -> Any:
        return self.at(self.grid[number - 1], header)

    def field_cell(self, number: int, name: str) -> Any:
        return self.cell(number, HEADERS.get(name) or READ_ONLY[name])

    def flagged(self, number: int, ref: str) -> bool:
        """Whether the row's status is the sync's "also on row" flag for `ref`."""
        status = self.status(number)
        return ref in status and "also on row" in status

    def status(self, number: int) -> str:
        return shown(self.cell(number, STATUS))

    def data_rows(self) -> list[int]:
        """Row numbers holding anything in a synced column."""
        synced = [self.columns[h] for h in self.columns if h in (ID, STATUS, *HEADERS.values())]
        return [n for n, row in enumerate(self.grid[1:], start=2)
                if any(i < len(row) and shown(row[i]).strip() for i in synced)]

    def column(self, header: str) -> int:
        return self.columns[header]
