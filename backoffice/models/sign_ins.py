"""Signed-in browsers: a session lives only while its row does, so ending one is a delete."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from peewee import CharField, DateTimeField, ForeignKeyField

from .base import BaseModel, utcnow
from .users import User


def _digest(token: str) -> str:
    # Only a digest is stored: a copy of the table alone does not let anyone in.
    return hashlib.sha256(token.encode()).hexdigest()


class SignIn(BaseModel):
    """One browser's sign-in; its session cookie and remember cookie carry the token."""
    user = ForeignKeyField(User, backref="sign_ins", on_delete="CASCADE", index=True)
    token_hash = CharField(max_length=64, unique=True)
    started_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(index=True)

    @classmethod
    def start(cls, user: User, days: int) -> str:
        """A new sign-in for `user` lasting `days`; returns its token."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        cls.delete().where(cls.expires_at <= now).execute()  # tidy up as we go
        cls.create(user=user, token_hash=_digest(token), started_at=now,
                   expires_at=now + dt.timedelta(days=days))
        return token

    @classmethod
    def user_for(cls, user_id: int, token: str) -> User | None:
        """The active user of a sign-in that has not ended or expired, in one query."""
        user = (User.select().join(cls)
                .where(User.id == user_id, User.active, cls.token_hash == _digest(token),
                       cls.expires_at > utcnow())
                .first())
        if user is not None:
            user.sign_in_token = token
        return user

    @classmethod
    def end(cls, token: str | None) -> None:
        if token:
            cls.delete().where(cls.token_hash == _digest(token)).execute()

    @classmethod
    def end_all(cls, user_id: int) -> int:
        """Sign the user out everywhere; returns how many sign-ins ended."""
        return cls.delete().where(cls.user == user_id).execute()
