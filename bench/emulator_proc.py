"""The Sheets emulator in a process of its own (as Google is), quota off, for the bench.

One change for the bench only: a write is applied in place instead of to a deep copy of the
whole spreadsheet. The copy (all-or-nothing batches, for the fault tests) costs O(sheet size)
per write request, which Google does not charge; left in, it would dominate every write at
10k+ rows and swamp both the sync's and the naive script's numbers.
"""
from __future__ import annotations

import sys

from sheets_emulator import EmulatorServer
from sheets_emulator.store import Store


def _mutate_in_place(self, spreadsheet_id, fn):
    with self.lock:
        book = self.book(spreadsheet_id)
        result = fn(book)
        self.save()
        return result


def main() -> None:
    Store.mutate = _mutate_in_place
    server = EmulatorServer(port=0, quota_per_minute=None).bind()
    print(server.base_url, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
