"""Sign-in and sign-out, with throttling of repeated failures and safe `next` redirects."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_required
from werkzeug.security import check_password_hash, generate_password_hash

from . import sessions
from .i18n import _
from .models import LoginAttempt, User
from .models.users import PASSWORD_METHOD

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see this page."
login_manager.session_protection = "strong"


login_manager.user_loader(sessions.load_user)
_DUMMY_HASH: list[str] = []


def _password_matches(user: User | None, password: str) -> bool:
    """The password check, as slow for an unknown or inactive account as for a real one:
    the time an answer takes must not tell which accounts exist."""
    if user is None or not user.active:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(generate_password_hash("not anyone's password", method=PASSWORD_METHOD))
        check_password_hash(_DUMMY_HASH[0], password)
        return False
    return user.check_password(password)


from .redirects import safe_next  # noqa: E402 - the one check; importers of auth.safe_next keep working


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
        # Counted and recorded before the password is checked, so parallel guesses count too.
        attempt = LoginAttempt.begin(email, _client_address(), limits["login_window_minutes"],
                                     limits["login_max_failures"])
        if attempt is None:
            error = _("Too many failed sign-ins. For your safety, sign-in is paused for "
                      "%(minutes)d minutes. Try again later.", minutes=limits["login_window_minutes"])
            status = 429
        else:
            user = User.get_or_none(User.email == email)
            ok = _password_matches(user, password)
            attempt.settle(ok)
            if ok:
                sessions.sign_in(user, remember=bool(request.form.get("remember")))
                return redirect(safe_next(request.args.get("next")))
            error, status = _("The email or password is not right."), 401
    return render_template("auth/login.html", error=error, email=email), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.sign_out()
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


def init_app(app) -> None:
    login_manager.init_app(app)
    sessions.init_app(app)
    app.register_blueprint(bp)
