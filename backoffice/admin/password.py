"""Everyone's own password page; an account whose password an admin set lands here first."""
from __future__ import annotations

from flask import flash, redirect, request
from flask_admin import expose
from flask_login import current_user

from .. import rules, sessions
from ..auth import safe_next
from ..db import db
from ..i18n import _
from ..rules import RuleError
from .base import SecureView


class PasswordView(SecureView):
    """Change your own password: every other browser signed in as you is signed out."""

    def is_visible(self) -> bool:
        return False  # reached from the navbar, not the menu

    @expose("/", methods=("GET", "POST"))
    def index(self):
        target = request.values.get("next") or ""
        problems: dict[str, str] = {}
        if request.method == "POST":
            problems = self._change(request.form.get("current", ""), request.form.get("new", ""),
                                    request.form.get("repeat", ""))
            if not problems:
                flash(_("Your password is changed. Any other browser signed in as you is signed out."))
                return redirect(safe_next(target))
        return self.render("admin/password.html", problems=problems, next=target,
                           forced=current_user.must_change_password)

    def _change(self, current: str, new: str, repeat: str) -> dict[str, str]:
        """Check everything first, then save: a refused change changes nothing."""
        user = current_user._get_current_object()
        if not user.check_password(current):
            return {"current": _("This is not your current password.")}
        problems = rules.password_change_problems(new, repeat, current)
        if problems:
            return problems
        try:
            with db.atomic():
                user.set_password(new)
                user.must_change_password = False
                user.save()  # ends every sign-in of the user, this one too
        except RuleError as exc:
            return {"new": str(exc)}
        sessions.start_again(user)
        return {}
