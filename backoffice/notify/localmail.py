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


def start(instance_path: str, port: int = 0, host: str = "127.0.0.1") -> Controller:
    """Serve SMTP on host:port (a free port for 0), keeping each message in the outbox folder."""
    folder = maildir(instance_path)
    folder.parent.mkdir(parents=True, exist_ok=True)
    mailbox.Maildir(folder, create=True)
    controller = Controller(Mailbox(folder), hostname=host, port=port or free_port(host))
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
