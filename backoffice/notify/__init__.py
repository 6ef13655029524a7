"""Reminders that reach people: daily digests and immediate alerts by e-mail, WeCom and DingTalk.

Each notification is recorded before it is sent and sent at most once (`outbox`); the worker
plans digests and alerts every minute (`planner`, `tasks`); `channels` talk SMTP and the robots'
webhooks. This module stays import-light: the settings check reads `addresses` at start.
"""
from __future__ import annotations

# What a notification is about: people may mute any kind but the test message.
KINDS = ("digest", "ticket_late", "negative_feedback", "first_touch")
CHANNELS = ("email", "wecom", "dingtalk")

