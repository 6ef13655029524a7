"""Checks of where messages go: SMTP host, webhook addresses, DingTalk secrets, times of day.

Pure functions raising ValueError with a plain sentence; the settings loader turns one into
`Configuration error: notify.<key>: …`, the robot and preference forms show it beside the field.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$")
# The query parameter each robot's webhook address carries its token in.
TOKEN_PARAM = {"wecom": "key", "dingtalk": "access_token"}


def time_of_day(value: str) -> dt.time:
    """`08:30` (office time) as a time."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value or "")
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"expected a time of day such as 08:30, got {value!r}")
    return dt.time(int(match[1]), int(match[2]))


def smtp_host(value: str) -> str:
    """A bare host name or address: no scheme, port or spaces (the port has its own key)."""
    if not HOST.match(value or ""):
        raise ValueError(f"expected a host name such as smtp.example.com, got {value!r}")
    return value


def webhook(kind: str, value: str) -> str:
    """A robot's webhook address: http(s), a host, and its token (`key=` for WeCom,
    `access_token=` for DingTalk), as the group's robot settings show it."""
    parts = urlsplit((value or "").strip())
    label = {"wecom": "WeCom", "dingtalk": "DingTalk"}[kind]
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"a {label} webhook must be an https:// address, got {value!r}")
    if not parse_qs(parts.query).get(TOKEN_PARAM[kind], [""])[0]:
        raise ValueError(f"a {label} webhook address ends with ?{TOKEN_PARAM[kind]}=…; "
                         f"copy it whole from the group robot's settings")
    return value.strip()


def dingtalk_secret(value: str) -> str:
    """The robot's signing secret (加签), shown by DingTalk as SEC followed by letters and digits."""
    value = (value or "").strip()
    if not re.fullmatch(r"SEC[0-9a-fA-F]{16,}", value):
        raise ValueError("a DingTalk signing secret starts with SEC followed by the robot's key")
    return value


def masked(url: str) -> str:
    """A webhook address as the Notifications page shows it: the token cut to its last 4 characters."""
    parts = urlsplit(url or "")
    query = re.sub(r"((?:key|access_token)=)([^&]*)", lambda m: m[1] + "…" + m[2][-4:], parts.query)
    return parts._replace(query=query).geturl()


def check_settings(settings: dict) -> None:
    """The [notify] settings, checked at start; ValueError('notify.<key>: …') for the first bad one."""
    import os
    from email.utils import parseaddr

    notify = settings["notify"]

    def bad(key: str, message: str):
        return ValueError(f"notify.{key}: {message}")

    checks = [("digest_time", lambda v: time_of_day(v))]
    if notify["smtp_host"]:
        checks.append(("smtp_host", smtp_host))
    for kind in ("wecom", "dingtalk"):
        if notify[f"{kind}_webhook"]:
            checks.append((f"{kind}_webhook", lambda v, kind=kind: webhook(kind, v)))
    if notify["dingtalk_secret"]:
        checks.append(("dingtalk_secret", dingtalk_secret))
    for key, check in checks:
        try:
            check(notify[key])
        except ValueError as exc:
            raise bad(key, str(exc)) from None
    if not 0 <= notify["smtp_port"] <= 65535:
        raise bad("smtp_port", f"must be between 1 and 65535 (0: the usual port), got {notify['smtp_port']}")
    if "@" not in parseaddr(notify["from_address"])[1]:
        raise bad("from_address", f"expected an e-mail address, got {notify['from_address']!r}")
    if notify["smtp_username"] and not notify["smtp_password"]:
        raise bad("smtp_password", "required with smtp_username")
    if notify["smtp_username"] and notify["smtp_security"] == "none":
        raise bad("smtp_security", "a login needs starttls or tls: the password would travel in clear text")
    if notify["smtp_ca_file"] and not os.path.isfile(notify["smtp_ca_file"]):
        raise bad("smtp_ca_file", f"no such file {notify['smtp_ca_file']!r}")
    if notify["max_attempts"] < 1:
        raise bad("max_attempts", "must be at least 1")
