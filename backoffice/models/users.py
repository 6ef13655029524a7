"""Staff accounts, roles and login attempts."""
from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import db
from ..rules import ROLES
from ..rules import password as password_rule
from .base import BaseModel, utcnow

PASSWORD_METHOD = "scrypt"  # a slow, memory-hard KDF


class User(UserMixin, BaseModel):
    email = CharField(unique=True, max_length=254)
    name = CharField(max_length=100)
    role = CharField(choices=[(r, r) for r in ROLES], default="rep", index=True)
    password_hash = CharField(max_length=255)
    can_export_contacts = BooleanField(default=False)
    active = BooleanField(default=True)
    is_sales_lead = BooleanField(default=False)
    must_change_password = BooleanField(default=False)  # set by an admin's password; cleared by the user's own
    locale = CharField(max_length=10, null=True)  # zh_CN | en; empty: the office's app.locale
    team = CharField(max_length=100, null=True, index=True)  # the sales team the review filters by
    google_account = CharField(max_length=254, null=True)  # the sheets made for them are shared with it
    created_at = DateTimeField(default=utcnow)

    sign_in_token: str | None = None  # the browser's sign-in this request came with

    def __str__(self) -> str:
        return self.email

    def get_id(self) -> str | None:
        # Flask-Login keeps this in the session and the remember cookie: with the sign-in's
        # token in it, a cookie stops working as soon as its sign-in ends.
        return f"{self.id}:{self.sign_in_token}" if self.sign_in_token else None

    def save(self, *args, **kwargs):
        """Save; a new password, another role or deactivation signs the user out everywhere."""
        from .sign_ins import SignIn
        with db.atomic():
            before = None
            if self._pk is not None and not kwargs.get("force_insert"):
                before = (type(self).select(User.password_hash, User.role, User.active)
                          .where(User.id == self._pk).first())
            result = super().save(*args, **kwargs)
            if before is not None and (before.password_hash != self.password_hash
                                       or before.role != self.role
                                       or (before.active and not self.active)):
                SignIn.end_all(self._pk)
        return result

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        """Hash a new password that the password rule accepts (RuleError, a ValueError, if not)."""
        password_rule(password, personal=(self.email, self.name))
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def sees_all_customers(self) -> bool:
        return self.role in ("admin", "manager")

    @property
    def may_export_contacts(self) -> bool:
        return self.role == "admin" or self.can_export_contacts

    @classmethod
    def logins(cls) -> frozenset[str]:
        return frozenset(u.email for u in cls.select(cls.email).where(cls.active))


class LoginAttempt(BaseModel):
    at = DateTimeField(default=utcnow, index=True)
    email = CharField(max_length=254, index=True)
    address = CharField(max_length=64, index=True)
    succeeded = BooleanField(default=False)

    @classmethod
    def begin(cls, email: str, address: str, minutes: int, most: int) -> LoginAttempt | None:
        """Record an attempt before its password is checked; None if the account or the
        address already had `most` failures in the window.

        Recording first and counting after is what makes it hold for parallel guesses: of
        any two attempts let through, the one counted later sees the other's row, so at most
        `most` are checked whatever the timing. A refused attempt's row goes again, so
        waiting out the pause is enough.
        """
        attempt = cls.create(email=email, address=address, succeeded=False)
        by_account, by_address = cls.recent_failures(email, address, minutes)
        if max(by_account, by_address) > most:
            attempt.delete_instance()
            return None
        return attempt

    def settle(self, succeeded: bool) -> None:
        if succeeded:
            type(self).update(succeeded=True).where(type(self).id == self.id).execute()

    @classmethod
    def recent_failures(cls, email: str, address: str, minutes: int) -> tuple[int, int]:
        """Failures in the window, per account and per address."""
        since = utcnow() - dt.timedelta(minutes=minutes)
        failed = cls.select().where(cls.at >= since, ~cls.succeeded)
        return (failed.where(cls.email == email).count(),
                failed.where(cls.address == address).count())
