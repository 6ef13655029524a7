"""Command line: python -m sheets_emulator --port PORT [--data FILE] [--quota N|--no-quota] [--latency-ms N]."""

from __future__ import annotations

import argparse
import os
import sys

from .guard import TOKEN_ENV
from .server import EmulatorServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sheets_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument(
        "--data", help="JSON file the state is loaded from and saved to after each change"
    )
    quota = parser.add_mutually_exclusive_group()
    quota.add_argument(
        "--quota", type=int, default=60, help="read and write requests per minute (each)"
    )
    quota.add_argument("--no-quota", action="store_true", help="never answer 429 for quota")
    parser.add_argument(
        "--latency-ms", type=float, default=0, help="delay added to every API request"
    )
    parser.add_argument(
        "--create", metavar="TITLE", help="create a spreadsheet at start if none exists"
    )
    parser.add_argument("--id", help="id for the --create spreadsheet")
    parser.add_argument(
        "--journal", action="store_true",
        help="journal people's edits in a hidden _journal tab, as the sheet's script does",
    )
    args = parser.parse_args(argv)

    srv = EmulatorServer(
        host=args.host,
        port=args.port,
        quota_per_minute=None if args.no_quota else args.quota,
        latency_ms=args.latency_ms,
        data_file=args.data,
        access_log=True,
        # From the environment, not argv: other users of the machine can read argv.
        token=os.environ.get(TOKEN_ENV) or None,
        journal=args.journal,
    )
    if args.create and (
        args.id not in srv.spreadsheet_ids() if args.id else not srv.spreadsheet_ids()
    ):
        sid = srv.create_spreadsheet(args.create, args.id)
        print(f"created spreadsheet {sid}", file=sys.stderr)
    srv.bind()
    # Printed once the port is bound, so a script can wait for this line (and learn a --port 0 port).
    print(f"Sheets emulator on {srv.base_url}/", file=sys.stderr, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
