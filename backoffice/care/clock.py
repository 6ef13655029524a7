"""The one clock the care workflows read, so tests can pin "today" to a fixed date."""
from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context

from ..models import utcnow


def now() -> dt.datetime:
    """The current time as stored (naive UTC); an app may pin it with config["CLOCK"]."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return utcnow()


def today() -> dt.date:
    if has_app_context() and current_app.config.get("CLOCK") is not None:
        return current_app.config["CLOCK"]().date()
    return dt.date.today()  # the office's calendar day, not UTC's
