"""Google-style API errors raised inside the emulator and their JSON envelope."""

from __future__ import annotations

import re
from typing import Any

STATUS_BY_CODE: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class ApiError(Exception):
    """An error answered to the client as Google's `{"error": {...}}` envelope."""

    def __init__(self, code: int, message: str, status: str | None = None,
                 extra: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_BY_CODE.get(code, "UNKNOWN")
        self.extra = extra or []  # `details` given outright (ErrorInfo of a disabled API)

    def envelope(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        details = self.details()
        if details:
            error["details"] = details
        return {"error": error}

    def details(self) -> list[dict[str, Any]]:
        """Google's `details` for a payload it could not read: a BadRequest naming the field.

        Only the JSON-decoding layer adds them ("Invalid JSON payload received. …" and
        "Invalid value at '…'"); errors the Sheets service itself raises have none.
        """
        if self.extra:
            return self.extra
        if self.code != 400 or not self.message.startswith(("Invalid JSON payload received", "Invalid value at")):
            return []
        violation: dict[str, Any] = {"description": self.message}
        where = re.search(r" at '([^']+)'", self.message)
        if where:
            violation = {"field": where.group(1), **violation}
        return [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}]


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str = "Requested entity was not found.") -> ApiError:
    return ApiError(404, message)


def unable_to_parse(range_text: str) -> ApiError:
    return ApiError(400, f"Unable to parse range: {range_text}")


PROJECT = "123456789012"  # the project number a disabled API's error names


def permission_denied() -> ApiError:
    """A spreadsheet that exists but is not shared with the caller, worded as Google does."""
    return ApiError(403, "The caller does not have permission")


def api_disabled(service: str = "sheets.googleapis.com") -> ApiError:
    """The Sheets API not enabled in the caller's Cloud project: 403 with Google's ErrorInfo."""
    url = f"https://console.developers.google.com/apis/api/{service}/overview?project={PROJECT}"
    name = "Google Sheets API" if service.startswith("sheets") else "Google Drive API"
    message = (f"{name} has not been used in project {PROJECT} before or it is disabled. Enable it by "
               f"visiting {url} then retry. If you enabled this API recently, wait a few minutes for the "
               "action to propagate to our systems and retry.")
    return ApiError(403, message, extra=[
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED",
         "domain": "googleapis.com",
         "metadata": {"consumer": f"projects/{PROJECT}", "service": service, "activationUrl": url}},
        {"@type": "type.googleapis.com/google.rpc.Help",
         "links": [{"description": "Google developers console API activation", "url": url}]}])
