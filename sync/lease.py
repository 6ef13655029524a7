"""A named lock with an expiry, kept in the database: one cycle at a time, and none stuck after a crash."""
from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from peewee import IntegrityError

from backoffice.db import db
from backoffice.models import Lease, utcnow

SYNC = "sheet-sync"


def new_holder() -> str:
    """Who holds the lease: host, process and a random part (threads of one worker differ too)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(name: str, holder: str, ttl_seconds: float) -> bool:
    """Take the lease if it is free or expired; False when someone else holds it."""
    now = utcnow()
    expires = now + dt.timedelta(seconds=ttl_seconds)
    with db.atomic():
        taken = (Lease.update(holder=holder, expires_at=expires)
                 .where(Lease.name == name, (Lease.expires_at < now) | (Lease.holder == holder))
                 .execute())
        if taken:
            return True
        try:
            with db.atomic():
                Lease.insert(name=name, holder=holder, expires_at=expires).execute()
        except IntegrityError:
            return False  # another consumer holds it (or took it a moment ago)
    return True


def held(name: str, holder: str) -> bool:
    """Still ours and not expired: checked before a cycle writes anything."""
    return Lease.select().where(Lease.name == name, Lease.holder == holder,
                                Lease.expires_at > utcnow()).exists()


def release(name: str, holder: str) -> None:
    with db.atomic():
        Lease.delete().where(Lease.name == name, Lease.holder == holder).execute()
