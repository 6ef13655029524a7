"""Error pages in the panel's look: a refused page says so in plain words and offers a way back."""
from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import Forbidden

from .i18n import _


def forbidden(error: Forbidden):
    # A description given on purpose (abort(403, description=...)) is shown; Werkzeug's stock
    # sentence about "read-protected" resources is not written for the people using the panel.
    reason = error.description if error.description != Forbidden.description else None
    return render_template("errors/403.html", reason=reason,
                           title=_("You may not open this page")), 403


def init_app(app) -> None:
    app.register_error_handler(403, forbidden)
