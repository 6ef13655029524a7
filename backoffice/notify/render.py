"""Messages in the recipient's language: the subject, plain text and HTML for e-mail, markdown
for the robots.

The words come from `content()`, run while speaking the recipient's language (i18n.speaking),
so the worker renders without a web app or a request. The templates only lay the words out.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import i18n

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "notify"
LOCAL_PANEL = "http://127.0.0.1:5000"  # `backoffice run`'s panel, when app.public_url is not set

_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                   trim_blocks=False, keep_trailing_newline=True)


def locale_of(user, settings: dict) -> str:
    """The person's own language, else the office's."""
    chosen = getattr(user, "locale", None) if user is not None else None
    return chosen if chosen in i18n.LOCALES else settings["app"].get("locale") or "zh_CN"


def panel_url(settings: dict, path: str) -> str:
    base = (settings["app"].get("public_url") or LOCAL_PANEL).rstrip("/")
    return base + path


def render(locale: str, channel: str, content) -> tuple[str, str, str | None]:
    """(subject, text, html) for e-mail, (title, markdown, None) for a robot.

    `content()` returns the message as plain data: {"subject", "intro", "sections": [{"title",
    "lines": [{"text", "link"}], "more"}], "link", "link_label", "footer"}.
    """
    with i18n.speaking(locale):
        message = {"lang": locale.replace("_", "-"), "intro": "", "link": "", "footer": "", **content()}
    subject = message["subject"]
    if channel == "email":
        return (subject, _env.get_template("message.txt").render(m=message).strip() + "\n",
                _env.get_template("message.html").render(m=message))
    return subject, _env.get_template("message.md").render(m=message).strip(), None
