"""The office clock: every "now", "today" and "this month" of the product reads this module.

Storage stays naive UTC. Days are cut, and times shown, in the office's zone
(`app.timezone`, default Asia/Shanghai), so a call at 10:00 in Beijing shows 10:00 and
"today" turns over at Beijing midnight whatever the server's own clock or TZ says.
A test pins the instant with `app.config["CLOCK"]` (a callable returning naive UTC), or
outside an app with `pinned(...)`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Shanghai"

_zone = ZoneInfo(DEFAULT_ZONE)
_pinned: Callable[[], dt.datetime] | None = None


def zone_named(name: str) -> ZoneInfo:
    """The zone of an IANA name; ValueError for an unknown one (config turns it into one line)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)") from None


def configure(settings: dict) -> None:
    """Set the office's zone for code that runs outside an app (the worker, the CLI)."""
    global _zone
    _zone = zone_named(settings["app"].get("timezone") or DEFAULT_ZONE)


def zone() -> ZoneInfo:
    if has_app_context():
        settings = current_app.config.get("BACKOFFICE")
        if settings:
            return zone_named(settings["app"].get("timezone") or DEFAULT_ZONE)
    return _zone


def _reader() -> Callable[[], dt.datetime] | None:
    if has_app_context():
        pinned = current_app.config.get("CLOCK")
        if pinned is not None:
            return pinned
    return _pinned


def now() -> dt.datetime:
    """The current instant as stored: naive UTC."""
    reader = _reader()
    if reader is not None:
        value = reader()
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def local(value: dt.datetime | None = None) -> dt.datetime | None:
    """A stored (naive UTC) instant as an aware time in the office's zone; now if not given."""
    if value is None:
        value = now()
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone())


def today() -> dt.date:
    """The office's calendar day."""
    return local(now()).date()


def month_start(day: dt.date | None = None) -> dt.date:
    return (day or today()).replace(day=1)


def to_stored(value: dt.datetime) -> dt.datetime:
    """A time typed in the office's zone (naive) or any aware time, as stored (naive UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone())
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def day_start(day: dt.date) -> dt.datetime:
    """The stored instant at which the office's `day` begins."""
    return to_stored(dt.datetime.combine(day, dt.time()))


def day_of(value: dt.datetime) -> dt.date:
    """The office's calendar day of a stored instant."""
    return local(value).date()


def show(value: dt.datetime | dt.date | None, seconds: bool = False) -> str:
    """A stored instant as people read it: the office's wall time, no zone label."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    return local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


@contextlib.contextmanager
def pinned(instant: dt.datetime) -> Iterator[None]:
    """Pin now() outside an app context (worker code under test)."""
    global _pinned
    previous, _pinned = _pinned, (lambda: instant)
    try:
        yield
    finally:
        _pinned = previous


def init_app(app) -> None:
    configure(app.config["BACKOFFICE"])
    app.jinja_env.filters["local_time"] = show
    app.jinja_env.globals["office_today"] = today
