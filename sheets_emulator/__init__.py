"""A local emulator of the Google Sheets API v4 (and the Drive v3 calls gspread makes)."""

from .control import FAULT_KINDS, Clock, Fault, Hook
from .errors import ApiError
from .server import EmulatorServer

# Request kinds counted by EmulatorServer.counts().
REQUEST_KINDS = (
    "spreadsheets.create",
    "spreadsheets.get",
    "spreadsheets.batchUpdate",
    "values.get",
    "values.batchGet",
    "values.update",
    "values.batchUpdate",
    "values.append",
    "values.clear",
    "values.batchClear",
    "drive.files.create",
    "drive.files.list",
    "drive.files.get",
    "drive.files.delete",
    "drive.permissions.create",
    "drive.permissions.list",
    "drive.permissions.delete",
)

__all__ = ["FAULT_KINDS", "REQUEST_KINDS", "ApiError", "Clock", "EmulatorServer", "Fault", "Hook"]
