"""The sync a team would script by hand: get_all_records() per tab, then one update() per changed row.

It is given its best fair shot: worksheets are opened once, it remembers what it read last
time (so an unchanged row is not rewritten), and rows changed in the database since its last
run are found with one query per table. Sheet edits go to the database row by row; panel
edits go to the sheet with one `update` call per row. No validation, no conflicts, no status.
"""
from __future__ import annotations

import time

from backoffice.models import CarePlan, Customer, utcnow
from sync import gateway, sheets
from sync.columns import CUSTOMERS, ID, PLANS, STATUS, as_text

SKIP = {ID, STATUS, "owner", "industry", "customer_ref", "customer_name", "tier", "closeness"}


def _db_text(model, name: str) -> str:
    if name == "ref":
        return model.ref
    if name == "owner":
        return model.owner.email if model.owner_id else ""
    if name == "industry":
        return model.industry.name if model.industry_id else ""
    if name == "customer_ref":
        return model.customer.ref
    if name == "customer_name":
        return model.customer.name
    return as_text(getattr(model, name, None))


class NaiveSync:
    def __init__(self, settings: sheets.SheetSettings, titles: dict[str, str]) -> None:
        self.spreadsheet = sheets.open_spreadsheet(settings)
        self.tables = [(CUSTOMERS, Customer, titles[CUSTOMERS.key]), (PLANS, CarePlan, titles[PLANS.key])]
        self.sheets = {title: self.spreadsheet.worksheet(title) for _t, _m, title in self.tables}
        self.seen: dict[str, dict[str, dict]] = {}
        self.last_run = None

    def calls(self) -> int:
        return sheets.call_counter(self.spreadsheet).calls

    def cycle(self) -> dict:
        """One pass; returns time, API calls (reads, writes) and rows written each way."""
        before = self.calls()
        started, start_time = utcnow(), time.perf_counter()
        reads = writes = to_db = 0
        for table, model, title in self.tables:
            ws = self.sheets[title]
            records = ws.get_all_records()
            reads += 1
            header = list(records[0]) if records else []
            by_header = {c.header: c.field for c in table.all_columns}
            current = {str(r["ID"]): (n, r) for n, r in enumerate(records, start=2)}
            seen = self.seen.get(title)
            if seen is not None:
                for ref, (_n, record) in current.items():
                    old = seen.get(ref)
                    if old is None or old == record:
                        continue
                    changed = {by_header[h]: str(v) for h, v in record.items()
                               if h in by_header and old.get(h) != v and by_header[h] not in SKIP}
                    if changed:
                        model.update(changed).where(model.ref == ref).execute()
                        to_db += 1
            if self.last_run is not None:
                last = gateway.column_letters(len(header) - 1)
                for row in model.select().where(model.updated_at > self.last_run):
                    if row.ref not in current:
                        continue
                    number, record = current[row.ref]
                    values = [_db_text(row, by_header[h]) if by_header.get(h, STATUS) != STATUS else record[h]
                              for h in header]
                    ws.update([values], f"A{number}:{last}{number}", raw=True)
                    writes += 1
                    del current[row.ref]  # gspread reads numbers back as numbers: re-learn the row next time
            self.seen[title] = {ref: record for ref, (_n, record) in current.items()}
        self.last_run = started
        return {"seconds": time.perf_counter() - start_time, "api_calls": self.calls() - before,
                "reads": reads, "writes": writes, "rows_to_db": to_db}

    def close(self) -> None:
        sheets.close(self.spreadsheet)
