"""Who may talk to the emulator: loopback Host names, its own Origin, JSON bodies, and a token."""

from __future__ import annotations

import hmac
from typing import Any

from werkzeug.wrappers import Request

from .errors import ApiError

TOKEN_HEADER = "X-Emulator-Token"
TOKEN_ENV = "SHEETS_EMULATOR_TOKEN"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})
# Pages and files a person's browser loads; everything else needs the token when one is set.
OPEN_PATHS = ("/_emulator/health", "/_emulator/static/")


def _host_name(host: str) -> str:
    """'127.0.0.1:8099' -> '127.0.0.1', '[::1]:8099' -> '::1'."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


class Guard:
    """Refuses what a foreign web page (or a DNS-rebound name) could send through a browser."""

    def __init__(self, bind_host: str, token: str | None) -> None:
        self.hosts = set(LOOPBACK_NAMES)
        if bind_host not in WILDCARDS:
            self.hosts.add(bind_host.strip("[]"))
        self.token = token or None

    def check(self, request: Request, path: str) -> None:
        """Raise ApiError unless the request may go on."""
        host = request.headers.get("Host", "")
        if _host_name(host).lower() not in self.hosts:
            # A DNS-rebound name reaches this socket with its own Host: never answer it.
            raise ApiError(403, f"Host {host!r} is not served here; use 127.0.0.1 or localhost.")
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"http://{host}":
            raise ApiError(403, f"Requests from {origin!r} are not accepted.")
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and _has_body(request.environ):
            if request.mimetype != "application/json":
                raise ApiError(415, "Request bodies must be JSON (Content-Type: application/json).",
                               "INVALID_ARGUMENT")
        if self.token and not self._is_open(request, path):
            given = request.headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                # 403, not 401: google-auth answers a 401 by refreshing credentials, then fails obscurely.
                raise ApiError(403, "This emulator needs its access token (X-Emulator-Token).")

    @staticmethod
    def _is_open(request: Request, path: str) -> bool:
        if request.method != "GET":
            return False
        if path == "/" or path.startswith("/sheets/"):
            return True  # the page for people: it carries the token to its own script
        return path == OPEN_PATHS[0] or path.startswith(OPEN_PATHS[1])


def _has_body(environ: dict[str, Any]) -> bool:
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        return True
    try:
        return int(environ.get("CONTENT_LENGTH") or 0) > 0
    except ValueError:
        return True
