"""A local SMTP server that keeps what it receives (aiosmtpd), and reading it back for the Outbox.

`backoffice run` starts one when no SMTP server is configured, so a newcomer sees the digests
in the panel's Outbox page without any mail account. Messages are kept as a Maildir in the
instance folder (`instance/outbox`), one file per message, readable by any mail tool too.
"""
from __future__ import annotations

import email
import mailbox
import socket
from dataclasses import dataclass
from email import policy
from email.utils import parsedate_to_datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

FOLDER = "outbox"


def maildir(instance_path: str) -> Path:
    return Path(instance_path) / FOLDER


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _usable(host: str, port: int) -> int:
    """`port` if it is free, else any free port: a second local run must not fail on it."""
    if port:
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
                return port
            except OSError:
                pass
    return free_port(host)


def start(instance_path: str, port: int = 0, host: str = "127.0.0.1") -> Controller:
    """Serve SMTP on host:port (another free port if taken), keeping each message in the outbox folder."""
    folder = maildir(instance_path)
    folder.parent.mkdir(parents=True, exist_ok=True)
    mailbox.Maildir(folder, create=True)
    controller = Controller(Mailbox(folder), hostname=host, port=_usable(host, port))
    controller.start()
    return controller


@dataclass
class Kept:
    key: str
    date: object
    sender: str
    to: str
    subject: str
    text: str
    html: str | None


def read(instance_path: str, limit: int = 100) -> list[Kept]:
    """The messages kept, newest first."""
    folder = maildir(instance_path)
    if not folder.exists():
        return []
    box = mailbox.Maildir(folder, factory=None, create=False)
    found = []
    for key in box.keys():
        with box.get_file(key) as handle:
            message = email.message_from_binary_file(handle, policy=policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        try:
            date = parsedate_to_datetime(message["Date"]) if message["Date"] else None
        except (TypeError, ValueError):
            date = None
        found.append(Kept(key, date, str(message["From"] or ""), str(message["To"] or ""),
                          str(message["Subject"] or ""), text.get_content() if text else "",
                          html.get_content() if html else None))
    found.sort(key=lambda m: (m.date is not None, m.date and m.date.timestamp(), m.key), reverse=True)
    return found[:limit]


def find(instance_path: str, key: str) -> Kept | None:
    return next((m for m in read(instance_path, limit=10_000) if m.key == key), None)


def use_local(instance_path: str, port: int, configured_host: str) -> Controller | None:
    """Without an SMTP server in the settings, start the local one and point every process of
    `backoffice run` at it (the worker inherits the environment). None when one is configured."""
    import os
    if configured_host:
        return None
    controller = start(instance_path, port)
    os.environ.update(BACKOFFICE_NOTIFY__SMTP_HOST="127.0.0.1", BACKOFFICE_NOTIFY__SMTP_PORT=str(controller.port),
                      BACKOFFICE_NOTIFY__SMTP_SECURITY="none")
    return controller
