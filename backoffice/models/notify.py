"""Who wants which reminders where, the teams' group robots, and the record of every message.

A Notification row is written before its message leaves and is the only way one leaves, so
the table is the complete record of what was sent (or why not). One row per event, recipient
and channel: the unique index is what makes a second planner or consumer harmless.
"""
from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, utcnow
from .users import User

ROBOT_KINDS = (("wecom", "WeCom"), ("dingtalk", "DingTalk"))
# pending: waiting for its time (or a quiet period); sending: a consumer holds it;
# retrying: a temporary failure, tried again later; sent; failed: will not be tried again;
# unconfirmed: the consumer stopped while handing it over, so it may have arrived and is not
# sent again without an admin; skipped: nothing to send (an empty digest).
STATUSES = ("pending", "sending", "retrying", "sent", "failed", "unconfirmed", "skipped")


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class GroupRobot(BaseModel):
    """A team's WeCom or DingTalk group robot: the team's alerts are posted to its group."""
    team = CharField(max_length=100, unique=True)
    kind = CharField(max_length=10, choices=ROBOT_KINDS)
    webhook_url = CharField(max_length=500)
    secret = CharField(max_length=200, null=True)  # DingTalk 加签: every post is signed with it
    active = BooleanField(default=True)

    def __str__(self) -> str:
        return self.team


class NotifyPreference(BaseModel):
    """One person's choices; a person without a row gets e-mail at the office's digest time."""
    user = ForeignKeyField(User, unique=True, backref="notify_preferences", on_delete="CASCADE")
    channels = CharField(max_length=100, default="email")  # "email, wecom, dingtalk"
    muted = CharField(max_length=200, default="")  # kinds not wanted, e.g. "digest"
    digest_time = CharField(max_length=5, null=True)  # HH:MM office time; empty: notify.digest_time
    quiet_from = CharField(max_length=5, null=True)  # HH:MM: messages wait until quiet_until
    quiet_until = CharField(max_length=5, null=True)
    wecom_webhook = CharField(max_length=500, null=True)  # the person's own robot, if any
    dingtalk_webhook = CharField(max_length=500, null=True)
    dingtalk_secret = CharField(max_length=200, null=True)
    team_robot = ForeignKeyField(GroupRobot, null=True, backref="members", on_delete="SET NULL")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def channel_list(self) -> list[str]:
        return _list(self.channels)

    @property
    def muted_list(self) -> list[str]:
        return _list(self.muted)

    @classmethod
    def of(cls, user) -> NotifyPreference:
        """The person's saved choices, or the defaults (unsaved)."""
        found = cls.get_or_none(cls.user == user.id)
        return found or cls(user=user, channels="email", muted="")


class Notification(BaseModel):
    event = CharField(max_length=120)  # what it is about, e.g. digest:2026-05-01, negative-feedback:42
    kind = CharField(max_length=20, index=True)  # digest | ticket_late | negative_feedback | first_touch | test
    recipient = CharField(max_length=60)  # user:5 | robot:2 | office:wecom | a test's address
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    robot = ForeignKeyField(GroupRobot, null=True, on_delete="SET NULL")
    channel = CharField(max_length=10)  # email | wecom | dingtalk | none (nothing to send)
    address = CharField(max_length=500, default="")  # where it went last (webhook tokens masked)
    locale = CharField(max_length=10, default="zh_CN")
    subject = CharField(max_length=300)
    body_text = TextField()
    body_html = TextField(null=True)
    status = CharField(max_length=12, default="pending")
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    claim = CharField(max_length=40, null=True)  # the consumer run holding it while it sends
    claimed_at = DateTimeField(null=True)
    handed_over_at = DateTimeField(null=True)  # from here on the message may have arrived
    sent_at = DateTimeField(null=True)
    last_error = TextField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("event", "recipient", "channel"), True),
                   (("status", "next_attempt_at"), False))

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} by {self.channel}"
