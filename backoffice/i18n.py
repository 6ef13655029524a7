"""Translations: Flask-Babel with a locale per user, defaulting to `app.locale` (zh_CN)."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, has_request_context
from flask_babel import Babel, gettext, lazy_gettext, ngettext
from flask_login import current_user

TRANSLATIONS = Path(__file__).parent / "translations"
LOCALES = ("zh_CN", "en")

_ = gettext
_l = lazy_gettext  # for strings built at import time (form labels, column names)
__all__ = ["LOCALES", "_", "_l", "init_app", "ngettext", "select_locale"]


def select_locale() -> str:
    """The signed-in person's own choice, else the office default."""
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        chosen = getattr(current_user, "locale", None)
        if chosen in LOCALES:
            return chosen
    return current_app.config["BACKOFFICE"]["app"].get("locale") or "zh_CN"


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale,
          timezone_selector=lambda: current_app.config["BACKOFFICE"]["app"]["timezone"])
