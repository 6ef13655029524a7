"""Who is making a change: a user in the panel, the sheet sync, an import, or the system."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    kind: str  # user | sheet | import | system
    label: str
    user_id: int | None = None


SYSTEM = Actor("system", "system")
SHEET = Actor("sheet", "sheet sync")

_acting: ContextVar[Actor | None] = ContextVar("acting", default=None)


def user_actor(user) -> Actor:
    return Actor("user", user.email, user.id)


def import_actor(user) -> Actor:
    return Actor("import", f"import by {user.email}", user.id)


@contextmanager
def acting_as(actor: Actor):
    token = _acting.set(actor)
    try:
        yield actor
    finally:
        _acting.reset(token)


def current() -> Actor:
    """The explicit actor if one is set, else the logged-in user, else the system."""
    actor = _acting.get()
    if actor is not None:
        return actor
    from flask import has_request_context
    if has_request_context():
        from flask_login import current_user
        if current_user and current_user.is_authenticated:
            return user_actor(current_user)
    return SYSTEM
