"""Customer-care back-office: the Flask application factory."""
from __future__ import annotations

from flask import Flask, redirect, url_for

from . import config as settings_module


def create_app(test_config: dict | None = None, settings: dict | None = None) -> Flask:
    """Build the web app: settings first, then Flask's own overrides from `test_config`."""
    settings = settings or settings_module.load()
    app = Flask(__name__, template_folder="templates", static_folder="static",
                instance_path=settings["app"]["instance_path"])
    secure = settings["app"]["public_url"].startswith("https://")
    app.config.from_mapping(
        SECRET_KEY=settings["app"]["secret_key"],
        BACKOFFICE=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        SYNC_ON_SAVE=True,
    )
    if test_config:
        app.config.update(test_config)
    from .proxies import TrustedProxies
    # Always wrapped: with no proxy configured, forwarded headers are dropped, never believed.
    app.wsgi_app = TrustedProxies(app.wsgi_app, settings["app"].get("trusted_proxies", []))

    from . import admin, auth, cli, clock, db, errors, i18n, security
    from .queue import init_queue
    clock.init_app(app)
    i18n.init_app(app)
    db.init_app(app)
    init_queue(settings)  # the panel queues tasks; the worker calls it too
    security.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    admin.init_app(app)
    cli.init_app(app)
    from . import extensions
    extensions.init_app(app)  # the sheet sync, found through its entry point

    @app.route("/")
    def home():
        return redirect(url_for("admin.index"))

    return app
