"""Staff accounts, roles and login attempts."""
from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField
from werkzeug.security import check_password_hash, generate_password_hash

from ..rules import ROLES
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
    locale = CharField(max_length=10, null=True)  # zh_CN | en; empty: the office's app.locale
    created_at = DateTimeField(default=utcnow)

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        if len(password) < 8:
            raise ValueError("the password must be at least 8 characters")
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
    def recent_failures(cls, email: str, address: str, minutes: int) -> tuple[int, int]:
        """Failures in the window, per account and per address."""
        since = utcnow() - dt.timedelta(minutes=minutes)
        failed = cls.select().where(cls.at >= since, ~cls.succeeded)
        return (failed.where(cls.email == email).count(),
                failed.where(cls.address == address).count())
