"""Serve `backoffice:create_app()` on a loopback port for the browser tests; prints the bound URL."""
from __future__ import annotations

import sys

from werkzeug.serving import make_server

from backoffice import create_app


def main() -> int:
    app = create_app()
    # Port 0: the OS picks a free port, printed once bound so the test can wait for the line.
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"Panel on http://127.0.0.1:{server.port}/", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
