"""The Notifications page (what was sent, what failed and why, send again), the teams' group robots,
everyone's own notification settings, and the Outbox of the local mail server."""
from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from wtforms import ValidationError

from ..i18n import _, _l
from ..models import GroupRobot, Notification, NotifyPreference
from ..notify import CHANNELS, KINDS, addresses, checks, localmail, outbox
from .base import SecureModelView, SecureView

STATUS_WORDS = {
    "pending": _l("waiting for its time"), "sending": _l("being sent"), "retrying": _l("will be tried again"),
    "sent": _l("sent"), "failed": _l("failed"), "unconfirmed": _l("may have arrived: not sent again"),
    "skipped": _l("nothing to send"),
}
KIND_WORDS = {"digest": _l("Daily digest"), "ticket_late": _l("Ticket past its SLA"),
              "negative_feedback": _l("Negative feedback"), "first_touch": _l("New customer without follow-up"),
              "test": _l("Test message")}
CHANNEL_WORDS = {"email": _l("E-mail"), "wecom": _l("WeCom"), "dingtalk": _l("DingTalk"), "none": "—"}


def _settings() -> dict:
    return current_app.config["BACKOFFICE"]


def queue_sends(ids) -> None:
    """Hand the sends to the worker (inline when the queue runs in immediate mode)."""
    from ..notify.tasks import send_notification
    for notification_id in ids:
        send_notification(notification_id)


class NotificationView(SecureModelView):
    roles = ("admin",)
    can_create = can_edit = False
    list_template = "admin/notifications.html"
    column_list = ("created_at", "kind", "address", "channel", "status", "attempts", "next_attempt_at",
                   "sent_at", "last_error")
    column_details_list = ("created_at", "event", "kind", "recipient", "address", "channel", "locale",
                           "status", "attempts", "next_attempt_at", "handed_over_at", "sent_at", "last_error",
                           "subject", "body_text")
    column_labels = {"created_at": _l("Recorded"), "kind": _l("About"), "address": _l("To"),
                     "channel": _l("Channel"), "status": _l("Status"), "attempts": _l("Attempts"),
                     "next_attempt_at": _l("Next attempt"), "sent_at": _l("Sent"), "last_error": _l("Why"),
                     "handed_over_at": _l("Handed over"), "body_text": _l("Message"), "subject": _l("Subject")}
    column_formatters = {
        "status": lambda v, c, m, n: STATUS_WORDS.get(m.status, m.status),
        "kind": lambda v, c, m, n: KIND_WORDS.get(m.kind, m.kind),
        "channel": lambda v, c, m, n: CHANNEL_WORDS.get(m.channel, m.channel),
        "address": lambda v, c, m, n: m.address or m.recipient,
    }
    column_filters = ("status", "kind", "channel")
    column_default_sort = ("created_at", True)
    column_searchable_list = ("address", "subject", "event")

    def render(self, template, **kwargs):
        kwargs.setdefault("problems", checks.problems(_settings()))
        return super().render(template, **kwargs)

    def after_model_change(self, form, model, is_created):
        pass  # nothing here is synced

    @action("send_again", _l("Send again"),
            _l("Send the selected failed or unconfirmed notifications again? An unconfirmed one may "
               "then arrive twice."))
    def action_send_again(self, ids):
        wanted = [int(i) for i in ids if str(i).isdigit()]
        count = outbox.send_again(wanted, _settings())
        queue_sends(n.id for n in Notification.select(Notification.id).where(
            Notification.id.in_(wanted), Notification.status == "pending"))
        flash(_("%(count)d notification(s) queued to be sent again.", count=count))


class GroupRobotView(SecureModelView):
    roles = ("admin",)
    column_list = ("team", "kind", "webhook_url", "active")
    column_labels = {"team": _l("Team"), "kind": _l("Robot"), "webhook_url": _l("Webhook address"),
                     "secret": _l("Signing secret (DingTalk)"), "active": _l("Active")}
    column_formatters = {"webhook_url": lambda v, c, m, n: addresses.masked(m.webhook_url),
                         "kind": lambda v, c, m, n: CHANNEL_WORDS.get(m.kind, m.kind)}
    column_descriptions = {"team": _l("The team's name as in each user's Team; its alerts are posted here."),
                           "secret": _l("Only for DingTalk robots with 加签 security: SEC…")}
    form_columns = ("team", "kind", "webhook_url", "secret", "active")

    def on_model_change(self, form, model, is_created):
        try:
            model.webhook_url = addresses.webhook(model.kind, model.webhook_url)
            if model.kind == "dingtalk" and model.secret:
                model.secret = addresses.dingtalk_secret(model.secret)
            elif model.kind == "wecom":
                model.secret = None
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def after_model_change(self, form, model, is_created):
        pass


class MyNotificationsView(SecureView):
    """Everyone's own choices: channels, what to mute, the digest's time, a quiet period."""

    @expose("/", methods=("GET", "POST"))
    def index(self):
        user = current_user._get_current_object()
        pref = NotifyPreference.of(user)
        problems: dict[str, str] = {}
        if request.method == "POST":
            problems = self._save(pref, request.form)
            if not problems:
                flash(_("Your notification settings are saved."))
                return redirect(url_for(".index"))
        return self.render("admin/my_notifications.html", pref=pref, problems=problems, kinds=KINDS,
                           channels=CHANNELS, kind_words=KIND_WORDS, channel_words=CHANNEL_WORDS,
                           robots=list(GroupRobot.select().where(GroupRobot.active).order_by(GroupRobot.team)),
                           default_time=_settings()["notify"]["digest_time"])

    def _save(self, pref: NotifyPreference, form) -> dict[str, str]:
        problems = {}
        pref.channels = ", ".join(c for c in CHANNELS if c in form.getlist("channels"))
        pref.muted = ", ".join(k for k in KINDS if k in form.getlist("muted"))
        for name in ("digest_time", "quiet_from", "quiet_until"):
            value = form.get(name, "").strip()
            try:
                setattr(pref, name, addresses.time_of_day(value).strftime("%H:%M") if value else None)
            except ValueError as exc:
                problems[name] = str(exc)
        if bool(pref.quiet_from) != bool(pref.quiet_until):
            problems["quiet_until"] = _("Give both ends of the quiet period, or neither.")
        for kind in ("wecom", "dingtalk"):
            value = form.get(f"{kind}_webhook", "").strip()
            try:
                setattr(pref, f"{kind}_webhook", addresses.webhook(kind, value) if value else None)
            except ValueError as exc:
                problems[f"{kind}_webhook"] = str(exc)
            if kind in pref.channel_list and not value:
                problems[f"{kind}_webhook"] = _("Give the robot's webhook address to receive messages there.")
        secret = form.get("dingtalk_secret", "").strip()
        try:
            pref.dingtalk_secret = addresses.dingtalk_secret(secret) if secret else None
        except ValueError as exc:
            problems["dingtalk_secret"] = str(exc)
        robot = form.get("team_robot", "")
        pref.team_robot = GroupRobot.get_or_none(GroupRobot.id == int(robot)) if robot.isdigit() else None
        if not problems:
            pref.save()
        return problems


class OutboxView(SecureView):
    """The local mail server's messages (`backoffice run` without an SMTP server of its own)."""
    roles = ("admin",)

    def _folder(self) -> str:
        return _settings()["app"]["instance_path"]

    def is_visible(self) -> bool:
        return localmail.maildir(self._folder()).exists()

    @expose("/")
    def index(self):
        messages = localmail.read(self._folder())
        chosen = request.args.get("key")
        shown = next((m for m in messages if m.key == chosen), messages[0] if messages else None)
        return self.render("admin/outbox.html", messages=messages, shown=shown)
