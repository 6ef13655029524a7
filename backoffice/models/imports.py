"""A customers CSV import run by the worker: who uploaded it, where it stands, what it found."""
from __future__ import annotations

import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, utcnow
from .users import User

STATUSES = ("queued", "checking", "ready", "importing", "done", "failed")
RUNNING = frozenset({"queued", "checking", "importing"})


class ImportJob(BaseModel):
    user = ForeignKeyField(User, backref="import_jobs", on_delete="CASCADE")
    filename = CharField(max_length=255)  # as the user named it, for the page
    path = CharField(max_length=1000)  # where the upload is kept: the instance's imports folder
    status = CharField(max_length=10, choices=[(s, s) for s in STATUSES], default="queued", index=True)
    total_rows = IntegerField(default=0)
    good_rows = IntegerField(default=0)
    bad_rows = IntegerField(default=0)
    duplicate_rows = IntegerField(default=0)
    imported = IntegerField(default=0)
    progress_done = IntegerField(default=0)
    progress_total = IntegerField(default=0)
    problem_count = IntegerField(default=0)
    problems_json = TextField(default="[]")  # the first problems: [[line, reason], ...]
    error = TextField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)

    @property
    def problems(self) -> list[tuple[int, str]]:
        return [(line, reason) for line, reason in json.loads(self.problems_json or "[]")]

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @classmethod
    def visible_to(cls, user):
        """Admins see every import; anyone else only their own uploads."""
        query = cls.select()
        return query if user.role == "admin" else query.where(cls.user == user.id)

    @classmethod
    def move(cls, job_id: int, from_status: str, to_status: str, **values) -> bool:
        """Change the status only if it still is `from_status`: a double click queues one import."""
        changed = (cls.update(status=to_status, updated_at=utcnow(), **values)
                   .where(cls.id == job_id, cls.status == from_status).execute())
        return changed == 1
