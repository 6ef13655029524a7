"""Spreadsheets synced beside the configured one: each with a scope, its person and its own base."""
from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from .base import BaseModel, utcnow
from .users import User

SCOPES = ("everyone", "owner", "team", "region")


class SheetConnection(BaseModel):
    """A spreadsheet an admin registered: which records it holds (its scope) and for whom.

    `sheet.spreadsheet_id` stays the one everyone-sheet of the settings; these are the others
    (a rep's book, a team's, a region's, or another managers' sheet). Each keeps its own base
    (SheetBase) and its own runs (SyncRun.sheet), so the database is the hub between them.
    """
    spreadsheet_id = CharField(max_length=200, unique=True)
    title = CharField(max_length=200, default="")
    scope = CharField(max_length=10, choices=[(s, s) for s in SCOPES], default="owner")
    scope_value = CharField(max_length=200, null=True)  # the team or region; the owner is `person`
    person = ForeignKeyField(User, null=True, on_delete="SET NULL")  # whose sheet: new rows are theirs
    columns = TextField(null=True)  # the fields it shows, comma-separated; empty: every column
    mask_contacts = BooleanField(default=False)  # phone and e-mail shown as their last 4 characters
    created_by_product = BooleanField(default=False)  # made through Drive: we share it, and unshare it
    shared_with = CharField(max_length=254, null=True)  # the Google account given writer access
    permission_id = CharField(max_length=200, null=True)  # Drive's id of that permission
    active = BooleanField(default=True, index=True)
    created_at = DateTimeField(default=utcnow)

    def __str__(self) -> str:
        return self.title or self.spreadsheet_id

    @property
    def shown(self) -> tuple[str, ...]:
        """The fields chosen to show; () for all."""
        return tuple(f.strip() for f in (self.columns or "").split(",") if f.strip())


class SheetBase(BaseModel):
    """What one registered sheet and the database last agreed on, per record (SyncBase's twin)."""
    sheet = ForeignKeyField(SheetConnection, on_delete="CASCADE")
    table = CharField(max_length=20)
    ref = CharField(max_length=20)
    data = TextField()  # JSON of the synced fields as canonical text

    class Meta:
        indexes = ((("sheet", "table", "ref"), True),)
