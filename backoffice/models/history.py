"""The field-level change history: who or what changed which field of which record, and when."""
from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .. import actors
from .base import BaseModel, utcnow
from .users import User


class Change(BaseModel):
    at = DateTimeField(default=utcnow, index=True)
    actor_kind = CharField(max_length=10, index=True)  # user | sheet | import | system
    actor_label = CharField(max_length=254)
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    table = CharField(max_length=20)
    record_id = IntegerField()
    record_ref = CharField(max_length=20, null=True, index=True)
    action = CharField(max_length=10)  # create | update | archive | restore
    field = CharField(max_length=50, null=True)
    old = TextField(null=True)
    new = TextField(null=True)

    class Meta:
        # (field, action, at): the monthly review reads stage changes by month without the rest.
        indexes = ((("table", "record_id", "at"), False), (("field", "action", "at"), False))

    @staticmethod
    def rows_for(record, before: dict | None, after: dict, actor=None) -> list[dict]:
        """History rows for one record going from `before` (None: created) to `after`."""
        actor = actor or actors.current()
        common = {"at": utcnow(), "actor_kind": actor.kind, "actor_label": actor.label,
                  "user": actor.user_id, "table": record.history_table,
                  "record_id": record._pk, "record_ref": getattr(record, "ref", None)}
        if before is None:
            return [{**common, "action": "create", "field": name, "old": None, "new": value}
                    for name, value in after.items() if value is not None]
        rows = []
        for name, value in after.items():
            if before.get(name) == value or name == "archived_at":
                continue
            action = "update"
            if name == "archived":
                action = "archive" if value == "yes" else "restore"
            rows.append({**common, "action": action, "field": name,
                         "old": before.get(name), "new": value})
        return rows

    @classmethod
    def record(cls, record, before: dict | None, after: dict, actor=None) -> int:
        rows = cls.rows_for(record, before, after, actor)
        if rows:
            cls.insert_many(rows).execute()
        return len(rows)

    @classmethod
    def of(cls, record):
        return (cls.select().where(cls.table == record.history_table, cls.record_id == record._pk)
                .order_by(cls.at.desc(), cls.id.desc()))
