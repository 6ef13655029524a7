"""Sessions that end: each sign-in is a row its cookies point at, checked on every request.

Signing out ends this browser's sign-in; a new password, another role or deactivation ends
all of the user's (models/users.py). Signed-in pages are never stored by the browser, and an
account whose password an admin set is sent to change it before anything else.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, g, redirect, request, url_for
from flask_login import current_user, login_user, logout_user

from .models.sign_ins import SignIn

SIGN_IN_DAYS = 14  # how long a sign-in and its remember cookie last, at most

# What an account that must change its password may still open.
OPEN_ENDPOINTS = frozenset({"password.index", "auth.logout", "auth.login", "i18n.choose_language",
                            "static", "admin.static"})


def load_user(alternative_id: str):
    """The user of a session or remember cookie, if its sign-in is still on."""
    user_id, _, token = alternative_id.partition(":")
    if not user_id.isdigit() or not token:
        return None  # a cookie from before sign-ins could end: sign in again
    return SignIn.user_for(int(user_id), token)


def sign_in(user, remember: bool = False) -> None:
    """Start a sign-in for this browser."""
    user.sign_in_token = SignIn.start(user, SIGN_IN_DAYS)
    login_user(user, remember=remember, duration=dt.timedelta(days=SIGN_IN_DAYS))


def sign_out() -> None:
    """End this browser's sign-in: its session and remember cookies stop working anywhere."""
    SignIn.end(getattr(current_user, "sign_in_token", None))
    logout_user()


def start_again(user) -> None:
    """After the user's own password change ended every sign-in: keep this browser in."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    sign_in(user, remember=remembered)


def _signed_in() -> bool:
    # Only a user this request already loaded: static files need no database query.
    user = g.get("_login_user")
    return bool(user is not None and user.is_authenticated)


def _no_store(response):
    if _signed_in():
        response.headers["Cache-Control"] = "no-store"
    return response


def _password_first():
    endpoint = request.endpoint or ""
    if endpoint in OPEN_ENDPOINTS or endpoint.endswith(".static"):
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("password.index", next=target))
    return None


def init_app(app) -> None:
    app.config.setdefault("REMEMBER_COOKIE_DURATION", dt.timedelta(days=SIGN_IN_DAYS))
    app.before_request(_password_first)
    app.after_request(_no_store)
