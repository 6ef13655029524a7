"""The one check every `next` and `url` return address goes through before the panel redirects there."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for

MAX_LENGTH = 2000


def is_safe(target: str | None) -> bool:
    """A path on this site: not another host, not a scheme, nothing a browser or a header would bend."""
    if not target or len(target) > MAX_LENGTH or not target.startswith("/") or target.startswith("//"):
        return False
    # Browsers read "\" as "/" ("/\evil" is "//evil"); CR/LF would split the Location header.
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str | None = None) -> str:
    """`target` when it is a path on this site, else `fallback` (the panel's home page)."""
    return target if is_safe(target) else (fallback or url_for("admin.index"))


def return_address(param_name: str = "url") -> str | None:
    """Flask-Admin's `url=` return address, through the same check (None: its list page)."""
    target = request.values.get(param_name)
    return target if is_safe(target) else None


def guard_flask_admin() -> None:
    """Flask-Admin's own check lets CR/LF through (a 500 on redirect): its views use ours instead."""
    import flask_admin.actions
    import flask_admin.model.base
    flask_admin.model.base.get_redirect_target = return_address
    flask_admin.actions.get_redirect_target = return_address
