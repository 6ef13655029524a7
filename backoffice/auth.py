"""Sign-in and sign-out, with throttling of repeated failures and safe `next` redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from .models import LoginAttempt, User

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see this page."
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(user_id: str):
    return User.get_or_none((User.id == int(user_id)) & User.active) if user_id.isdigit() else None


def safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site, never to another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("admin.index")


def _client_address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    limits = current_app.config["BACKOFFICE"]["security"]
    error, status = None, 200
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "").strip().lower()[:254]
        password = request.form.get("password", "")
        by_account, by_address = LoginAttempt.recent_failures(
            email, _client_address(), limits["login_window_minutes"])
        if max(by_account, by_address) >= limits["login_max_failures"]:
            error = (f"Too many failed sign-ins. For your safety, sign-in is paused for "
                     f"{limits['login_window_minutes']} minutes. Try again later.")
            status = 429
        else:
            user = User.get_or_none(User.email == email)
            ok = bool(user and user.active and user.check_password(password))
            LoginAttempt.create(email=email, address=_client_address(), succeeded=ok)
            if ok:
                login_user(user, remember=bool(request.form.get("remember")))
                return redirect(safe_next(request.args.get("next")))
            error, status = "The email or password is not right.", 401
    return render_template("auth/login.html", error=error, email=email), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("auth.login"))


def init_app(app) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
