"""Connection to the Google Sheet (or the local emulator); the only module that imports gspread."""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import gspread
import requests
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession
from gspread.exceptions import APIError, WorksheetNotFound
from gspread.http_client import HTTPClient
from requests.adapters import HTTPAdapter

from sheets_emulator.guard import TOKEN_HEADER

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
GOOGLE_HOSTS = ("sheets.googleapis.com", "www.googleapis.com", "oauth2.googleapis.com")
BACKOFF_CAP = 32.0


@dataclass(frozen=True)
class SheetSettings:
    spreadsheet_id: str
    credentials_file: str | None = None
    emulator_url: str | None = None
    timeout: float = 30
    max_retries: int = 5
    backoff_base: float = 0.5
    emulator_token: str | None = None


class SheetError(Exception):
    """Any failure talking to the sheet. `code` is the HTTP status (0 for network errors)."""

    def __init__(self, message: str, code: int = 0, status: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class SheetNotFound(SheetError):
    """The spreadsheet (or a worksheet in it) does not exist or is not shared with us."""


class SheetUnavailable(SheetError):
    """Transient failures (429, 5xx, timeouts, dropped connections) outlasted the retries."""


class SheetForbidden(SheetError):
    """403: the spreadsheet is not shared with the account we act as."""


class SheetApiDisabled(SheetForbidden):
    """403: the Sheets (or Drive) API is not enabled in the account's Cloud project."""

    def __init__(self, message: str, code: int = 403, status: str = "", activation_url: str = "") -> None:
        super().__init__(message, code, status)
        self.activation_url = activation_url  # where to enable it, as Google's error gives it


class CallCounter:
    """API calls made through one client: `calls` logical requests, `attempts` HTTP sends (retries included)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0
        self.attempts = 0
        self.retries = 0

    def _add(self, calls: int = 0, attempts: int = 0, retries: int = 0) -> None:
        with self._lock:
            self.calls += calls
            self.attempts += attempts
            self.retries += retries

    def reset(self) -> None:
        with self._lock:
            self.calls = self.attempts = self.retries = 0


def _from_api_error(err: APIError) -> SheetError:
    error = err.error if isinstance(err.error, Mapping) else {}
    message = str(error.get("message") or err)
    status = str(error.get("status") or "")
    if err.code == 403:
        for detail in error.get("details") or []:
            if isinstance(detail, Mapping) and detail.get("reason") == "SERVICE_DISABLED":
                url = str((detail.get("metadata") or {}).get("activationUrl") or "")
                return SheetApiDisabled(message, 403, status, url)
        if "has not been used in project" in message or "is disabled" in message:
            found = re.search(r"https://\S+?(?=\s|$)", message)
            return SheetApiDisabled(message, 403, status, found.group(0) if found else "")
        return SheetForbidden(message, 403, status)
    cls = SheetNotFound if err.code == 404 else SheetError
    return cls(message, err.code, status)


class ResilientHTTPClient(HTTPClient):
    """gspread's HTTP client with a timeout on every call, bounded jittered retries and a call counter.

    gspread's own BackOffHTTPClient retries 429 without a bound, which would stall the worker.
    """

    def __init__(
        self,
        auth: Any,
        session: requests.Session,
        *,
        settings: SheetSettings,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(auth, session)
        self.settings = settings
        self.sleep = sleep
        self.rand = rand
        self.counter = CallCounter()
        self.set_timeout(settings.timeout)

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt))."""
        return self.rand() * min(BACKOFF_CAP, self.settings.backoff_base * (2**attempt))

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        self.counter._add(calls=1)
        attempt = 0
        while True:
            self.counter._add(attempts=1)
            try:
                return super().request(*args, **kwargs)
            except APIError as err:
                if err.code not in RETRY_STATUSES:
                    raise _from_api_error(err) from err
                failure: SheetError = _from_api_error(err)
            except (requests.ConnectionError, requests.Timeout) as err:
                kind = "timed out" if isinstance(err, requests.Timeout) else "connection failed"
                failure = SheetError(f"request {kind}: {err}", 0, "UNAVAILABLE")
            if attempt >= self.settings.max_retries:
                raise SheetUnavailable(
                    f"gave up after {attempt + 1} attempts: {failure.message}",
                    failure.code,
                    failure.status,
                ) from failure
            self.counter._add(retries=1)
            self.sleep(self.backoff(attempt))
            attempt += 1


class EmulatorAdapter(HTTPAdapter):
    """Sends requests meant for Google's hosts to the emulator instead (same paths, same queries)."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base = urlsplit(base_url.rstrip("/"))

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        parts = urlsplit(request.url or "")
        if parts.hostname in GOOGLE_HOSTS:
            path = self.base.path + parts.path
            request.url = urlunsplit((self.base.scheme, self.base.netloc, path, parts.query, ""))
        return super().send(request, *args, **kwargs)


def _session(settings: SheetSettings) -> requests.Session:
    if settings.emulator_url:
        session = AuthorizedSession(AnonymousCredentials())
        session.trust_env = False  # a proxy from the environment must not see loopback traffic
        if settings.emulator_token:
            session.headers[TOKEN_HEADER] = settings.emulator_token
        adapter = EmulatorAdapter(settings.emulator_url)
        for host in GOOGLE_HOSTS:
            session.mount(f"https://{host}/", adapter)
        return session
    if settings.credentials_file:
        from google.oauth2.service_account import Credentials

        creds = Credentials.from_service_account_file(
            settings.credentials_file, scopes=list(SCOPES)
        )
        return AuthorizedSession(creds)
    raise SheetError("SheetSettings needs credentials_file or emulator_url")


def client(settings: SheetSettings, sleep: Callable[[float], None] = time.sleep) -> gspread.Client:
    """A gspread client whose every call has a timeout, bounded retries and is counted."""
    session = _session(settings)

    def factory(auth: Any, sess: Any) -> ResilientHTTPClient:
        return ResilientHTTPClient(auth, sess, settings=settings, sleep=sleep)

    return gspread.Client(auth=None, session=session, http_client=factory)  # type: ignore[arg-type]


def open_spreadsheet(
    settings: SheetSettings, sleep: Callable[[float], None] = time.sleep
) -> gspread.Spreadsheet:
    """Open the configured spreadsheet (one metadata call). Raises SheetNotFound / SheetUnavailable."""
    gc = client(settings, sleep)
    try:
        return gc.open_by_key(settings.spreadsheet_id)
    except SheetError:
        gc.http_client.session.close()
        raise


def create_spreadsheet(
    settings: SheetSettings, title: str, sleep: Callable[[float], None] = time.sleep
) -> gspread.Spreadsheet:
    """Create a spreadsheet through Drive (meant for the emulator; settings.spreadsheet_id is ignored)."""
    gc = client(settings, sleep)
    return gc.create(title)


def share(settings: SheetSettings, file_id: str, email: str, role: str = "writer",
          sleep: Callable[[float], None] = time.sleep) -> str:
    """Give `email` access to the file (Drive permissions.create, no e-mail sent); its permission id."""
    gc = client(settings, sleep)
    try:
        reply = gc.insert_permission(file_id, email, perm_type="user", role=role, notify=False)
        return str(reply.json()["id"])
    finally:
        close(gc)


def unshare(settings: SheetSettings, file_id: str, permission_id: str,
            sleep: Callable[[float], None] = time.sleep) -> bool:
    """Remove one permission (Drive permissions.delete); False if it was already gone."""
    gc = client(settings, sleep)
    try:
        gc.remove_permission(file_id, permission_id)
        return True
    except SheetNotFound:
        return False
    finally:
        close(gc)


def permissions(settings: SheetSettings, file_id: str,
                sleep: Callable[[float], None] = time.sleep) -> list[dict[str, Any]]:
    """The file's permissions (Drive permissions.list)."""
    gc = client(settings, sleep)
    try:
        return gc.list_permissions(file_id)
    finally:
        close(gc)


def worksheet(spreadsheet: gspread.Spreadsheet, title: str) -> gspread.Worksheet:
    try:
        return spreadsheet.worksheet(title)
    except WorksheetNotFound as err:
        raise SheetNotFound(f"no worksheet titled {title!r}", 404, "NOT_FOUND") from err


def call_counter(spreadsheet: gspread.Spreadsheet | gspread.Client) -> CallCounter:
    """The counter of API calls made through this spreadsheet's client."""
    http = (
        spreadsheet.http_client if isinstance(spreadsheet, gspread.Client) else spreadsheet.client
    )
    assert isinstance(http, ResilientHTTPClient), "not opened through sync.sheets"
    return http.counter


def close(spreadsheet: gspread.Spreadsheet | gspread.Client) -> None:
    """Close the underlying HTTP session (and its connection pool)."""
    http = (
        spreadsheet.http_client if isinstance(spreadsheet, gspread.Client) else spreadsheet.client
    )
    http.session.close()


__all__ = [
    "CallCounter",
    "SheetApiDisabled",
    "SheetError",
    "SheetForbidden",
    "SheetNotFound",
    "SheetSettings",
    "SheetUnavailable",
    "call_counter",
    "close",
    "create_spreadsheet",
    "open_spreadsheet",
    "permissions",
    "share",
    "unshare",
    "worksheet",
]
