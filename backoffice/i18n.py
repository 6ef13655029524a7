"""Translations: Flask-Babel with a locale per user, defaulting to `app.locale` (zh_CN).

In a request the signed-in person's language is used. Code that runs without one (the sync
worker, an import job, a CLI command) says whose language it speaks with `speaking(locale)`:
the sheet's language for sync statuses, the importing user's for import reasons.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

import flask_babel
from babel import Locale, support
from flask import (
    Blueprint,
    current_app,
    has_app_context,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_babel import Babel
from flask_babel.speaklater import LazyString
from flask_login import current_user, login_required

TRANSLATIONS = Path(__file__).parent / "translations"
LOCALES = ("zh_CN", "en")
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}

_forced: ContextVar[str | None] = ContextVar("backoffice_locale", default=None)
bp = Blueprint("i18n", __name__)

__all__ = ["LOCALES", "_", "_l", "current_locale", "gettext", "init_app", "lazy_gettext",
           "ngettext", "select_locale", "speaking"]


def select_locale() -> str:
    """The signed-in person's own choice, else the office default."""
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        chosen = getattr(current_user, "locale", None)
        if chosen in LOCALES:
            return chosen
    return current_app.config["BACKOFFICE"]["app"].get("locale") or "zh_CN"


def current_locale() -> str:
    """The language being spoken now: a forced one, the request's, or English outside the app."""
    forced = _forced.get()
    if forced:
        return forced
    return select_locale() if has_app_context() else "en"


@contextmanager
def speaking(locale: str | None) -> Iterator[None]:
    """Speak `locale` (zh_CN or en) in this block, whatever the request or app would choose."""
    token = _forced.set(locale if locale in LOCALES else None)
    try:
        yield
    finally:
        _forced.reset(token)


@lru_cache(maxsize=8)
def _catalogue(locale: str) -> support.NullTranslations:
    # Babel reads zh_CN as zh_Hans_CN (its likely script), the name Flask-Admin's catalogue has
    # too; ours is stored under that name so one lookup finds both.
    return support.Translations.load(str(TRANSLATIONS), [Locale.parse(locale)], domain="messages")


def gettext(string: str, **variables) -> str:
    forced = _forced.get()
    if forced is None and has_app_context():
        return flask_babel.gettext(string, **variables)
    text = _catalogue(forced or "en").ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    forced = _forced.get()
    if forced is None and has_app_context():
        return flask_babel.ngettext(singular, plural, num, **variables)
    return _catalogue(forced or "en").ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """For strings built at import time (form labels, column names): translated when shown."""
    return LazyString(gettext, string, **variables)


_ = gettext
_l = lazy_gettext


def word(domain: str, key: str | None) -> str:
    """An enum key as the person reads it (see backoffice.words)."""
    from .words import label
    return label(domain, key, current_locale())


def html_lang() -> str:
    """The `lang` of a page: zh-CN or en."""
    return current_locale().replace("_", "-")


@bp.route("/language", methods=["POST"])
@login_required
def choose_language():
    """A person switches their own panel language; it stays with their account."""
    chosen = request.form.get("locale", "")
    if chosen in LOCALES:
        user = current_user._get_current_object()
        user.locale = chosen
        user.save(only=[type(user).locale])
    target = request.form.get("next", "")
    from .auth import safe_next  # auth imports the models; i18n is imported before them
    return redirect(safe_next(target) if target else url_for("admin.index"))


def _set_html_lang(response):
    # Flask-Admin's base template writes a bare <html>; say which language the page is in.
    if response.mimetype == "text/html" and not response.direct_passthrough:
        data = response.get_data()
        head = data[:200]
        if b"<html>" in head:
            lang = html_lang().encode()
            response.set_data(data.replace(b"<html>", b'<html lang="' + lang + b'">', 1))
    return response


def init_app(app) -> None:
    from . import display
    display.init_app(app)  # money, phones and days the way people write them
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale,
          timezone_selector=lambda: current_app.config["BACKOFFICE"]["app"]["timezone"])
    app.jinja_env.globals.update(html_lang=html_lang, language_names=LANGUAGE_NAMES,
                                 current_locale=current_locale, word=word,
                                 role_label=lambda key: word("role", key))
    app.register_blueprint(bp)
    app.after_request(_set_html_lang)
