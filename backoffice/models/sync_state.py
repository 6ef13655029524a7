"""What the sheet sync keeps: its runs, the agreed base snapshot, conflicts and the lease lock."""
from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .base import BaseModel, utcnow
from .care import CarePlan, Interaction
from .sheet_connections import SheetConnection
from .users import User


class SyncRun(BaseModel):
    started_at = DateTimeField(default=utcnow, index=True)
    finished_at = DateTimeField(null=True)
    trigger = CharField(max_length=20, default="schedule")  # schedule | save | manual | cli
    status = CharField(max_length=20, default="running", index=True)  # running|ok|failed|stopped|skipped
    rows_read = IntegerField(default=0)
    created = IntegerField(default=0)
    updated = IntegerField(default=0)
    archived = IntegerField(default=0)
    rejected = IntegerField(default=0)
    conflicts = IntegerField(default=0)
    api_calls = IntegerField(default=0)
    error = TextField(null=True)
    # Which registered sheet the cycle was for; none: the settings' everyone-sheet.
    sheet = ForeignKeyField(SheetConnection, null=True, on_delete="CASCADE", backref="runs")
    # The sheet's edit journal as the cycle found it: live | quiet (live, nothing new: only it was
    # read) | absent (not installed) | missed (a full read found an edit it did not show); none: not run.
    journal = CharField(max_length=10, null=True)

    @classmethod
    def latest(cls):
        return cls.select().order_by(cls.started_at.desc(), cls.id.desc()).first()


class SyncBase(BaseModel):
    """The last version both sides agreed on, per record: the base of the three-way merge."""
    table = CharField(max_length=20)
    ref = CharField(max_length=20)
    data = TextField()  # JSON of the synced fields as sheet text

    class Meta:
        indexes = ((("table", "ref"), True),)


class Conflict(BaseModel):
    run = ForeignKeyField(SyncRun, null=True, backref="conflict_list", on_delete="SET NULL")
    at = DateTimeField(default=utcnow, index=True)
    table = CharField(max_length=20)
    ref = CharField(max_length=20, index=True)
    field = CharField(max_length=50)
    base_value = TextField(null=True)
    sheet_value = TextField(null=True)
    database_value = TextField(null=True)
    kept = CharField(max_length=10)  # sheet | database: which side the policy kept
    resolved = BooleanField(default=False, index=True)
    resolved_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    resolved_at = DateTimeField(null=True)
    resolution = CharField(max_length=10, null=True)  # sheet | database


class Lease(BaseModel):
    """A named lock with an expiry, in the database so every consumer sees it."""
    name = CharField(max_length=50, primary_key=True)
    holder = CharField(max_length=100)
    expires_at = DateTimeField()


class SheetCompletion(BaseModel):
    """A care plan marked done from the sheet (its `Done on` cell), kept before the cell is cleared.

    The key is the row's state when it was applied (the date, the outcome and the Next due the
    row showed): a cycle that dies between this commit and its sheet write finds the same row
    again, recognises it here and only clears the cells, so a touch is never logged twice. A
    later completion on the same day shows a moved Next due, so its key differs.
    """
    plan = ForeignKeyField(CarePlan, on_delete="CASCADE")
    done_on = DateField()
    key = CharField(max_length=64)  # sha256 of the row's state, hex
    interaction = ForeignKeyField(Interaction, null=True, on_delete="SET NULL")
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("plan", "key"), True),)


class SheetWrite(BaseModel):
    """The cells a cycle is about to write, per spreadsheet, kept before the write.

    Sheets has no conditional write: a cell a person types after the cycle's read is overwritten
    by its write. The person's edit is in the sheet's edit journal; the next cycle finds it there
    and, with this record of what was written over and the base it replaced, merges it again as
    the edit it was (sync/journal.py). Kept in the database so a worker killed after its write
    still leaves the next one what it needs.
    """
    key = CharField(max_length=200, primary_key=True)  # the spreadsheet's id (and registered sheet)
    data = TextField()  # JSON: whether the journal was read, and {tab: {ref: {field: [column, written, base]}}}
    at = DateTimeField(default=utcnow)
