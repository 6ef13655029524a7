"""The base model and the history-keeping save shared by customers and care plans."""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from peewee import DecimalField, Model

from .. import clock, values
from ..db import db

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


def utcnow() -> dt.datetime:
    """Now, as stored (naive UTC), from the office clock so tests can pin it."""
    return clock.now()


def new_ref(prefix: str) -> str:
    """A stable record id for the sheet's ID column; random so it is never re-used."""
    # 32 letters: the low five bits of a random byte pick one without bias, and one call
    # for the 8 bytes is what keeps bulk imports of hundreds of thousands of records fast.
    return prefix + "-" + "".join(REF_ALPHABET[b & 31] for b in secrets.token_bytes(8))


def as_text(value) -> str | None:
    """A field value as history stores it: the one canonical text (values.as_text), None for nothing."""
    return None if value is None else values.as_text(value)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class TrackedModel(BaseModel):
    """A model whose every create, update, archive and restore lands in the change history."""

    history_table = "record"
    untracked = frozenset({"id", "created_at", "updated_at"})

    def tracked_values(self) -> dict[str, str | None]:
        values = {}
        for name, model_field in self._meta.fields.items():
            if name in self.untracked:
                continue
            value = self.__data__.get(name)
            if isinstance(model_field, DecimalField) and value is not None:
                value = Decimal(str(value))  # 5 and 5.00 are the same amount
            values[name] = as_text(value)
        return values

    def save(self, *args, **kwargs):
        from .history import Change

        # A form that loaded the record says what it held (`loaded_values`); else it is read again.
        before = self.__dict__.pop("loaded_values", None)
        if before is None and self._pk is not None and not kwargs.get("force_insert"):
            previous = type(self).get_or_none(type(self)._meta.primary_key == self._pk)
            before = previous.tracked_values() if previous else None
        if "updated_at" in self._meta.fields:
            self.updated_at = utcnow()
        with db.atomic():
            result = super().save(*args, **kwargs)
            after = self.tracked_values()
            Change.record(self, before, after)
        # What this save changed, for the work that follows it (None: a new record).
        self.changed_fields = None if before is None else {k for k, v in after.items() if before.get(k) != v}
        return result

    def delete_instance(self, *args, **kwargs):
        raise PermissionError("records are archived, never deleted")
