"""Sessions end: a captured session or remember cookie stops working after sign-out, a new
password, another role and deactivation; signed-in pages are not stored by the browser."""
import datetime as dt

import pytest

from backoffice.models import SignIn, User
from tests.conftest import AuthActions, make_user

PAGE = "/admin/customers/"


def signed_in(app, email="rep@example.com", password="correct-horse"):
    """A browser signed in with 'keep me signed in'; returns it and its two cookies' values."""
    browser = app.test_client()
    token = AuthActions(browser).csrf_token()
    reply = browser.post("/login", data={"email": email, "password": password, "remember": "1",
                                         "csrf_token": token})
    assert reply.status_code == 302
    return browser, browser.get_cookie("session").value, browser.get_cookie("remember_token").value


def works(app, name: str, value: str) -> bool:
    """Whether a cookie alone, replayed from another browser, opens a signed-in page."""
    other = app.test_client()
    other.set_cookie(name, value)
    return other.get(PAGE).status_code == 200


def admin_edits(app, user: User, **changes):
    """An admin saves the user's form in the panel with `changes`."""
    make_user("boss@example.com", "admin")
    admin = app.test_client()
    auth = AuthActions(admin)
    auth.login("boss@example.com")
    form = {"email": user.email, "name": user.name, "role": user.role, "active": "y",
            "csrf_token": auth.csrf_token(f"/admin/users/edit/?id={user.id}")}
    form.update(changes)
    form = {k: v for k, v in form.items() if v is not None}
    reply = admin.post(f"/admin/users/edit/?id={user.id}", data=form)
    assert reply.status_code == 302, reply.get_data(as_text=True)


def sign_out(app, browser, user):
    token = AuthActions(browser).csrf_token(PAGE)
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302


def change_own_password(app, browser, user):
    token = AuthActions(browser).csrf_token("/admin/password/")
    reply = browser.post("/admin/password/", data={"current": "correct-horse", "new": "plum-kettle-orbit",
                                                    "repeat": "plum-kettle-orbit", "csrf_token": token})
    assert reply.status_code == 302
    assert browser.get(PAGE).status_code == 200  # this browser stays signed in


def admin_resets_password(app, browser, user):
    admin_edits(app, user, new_password="plum-kettle-orbit")


def admin_changes_role(app, browser, user):
    admin_edits(app, user, role="manager")


def admin_deactivates(app, browser, user):
    admin_edits(app, user, active=None)  # an unticked box is not sent


@pytest.mark.parametrize("event", [sign_out, change_own_password, admin_resets_password,
                                   admin_changes_role, admin_deactivates])
def test_captured_cookies_stop_working_after(app, event):
    user = make_user("rep@example.com", "rep")
    browser, session, remember = signed_in(app)
    assert works(app, "session", session) and works(app, "remember_token", remember)
    event(app, browser, user)
    assert not works(app, "session", session)
    assert not works(app, "remember_token", remember)


def test_signing_out_one_browser_leaves_the_other_signed_in(app):
    make_user("rep@example.com", "rep")
    first, _, _ = signed_in(app)
    second, _, _ = signed_in(app)
    sign_out(app, first, None)
    assert first.get(PAGE).status_code == 302
    assert second.get(PAGE).status_code == 200


def test_an_admin_saving_a_user_without_changes_keeps_them_signed_in(app):
    user = make_user("rep@example.com", "rep")
    _, session, _ = signed_in(app)
    admin_edits(app, user)
    assert works(app, "session", session)


def test_remember_cookie_lasts_fourteen_days_and_so_does_its_sign_in(app):
    make_user("rep@example.com", "rep")
    start = dt.datetime(2026, 3, 1, 2, 0)
    app.config["CLOCK"] = lambda: start
    browser = app.test_client()
    token = AuthActions(browser).csrf_token()
    reply = browser.post("/login", data={"email": "rep@example.com", "password": "correct-horse",
                                         "remember": "1", "csrf_token": token})
    assert any(c.startswith("remember_token=") for c in reply.headers.getlist("Set-Cookie"))
    with browser.session_transaction() as session:
        assert session["_remember_seconds"] == 14 * 86400  # the cookie's life; Flask-Login's is 365 days
    remember = browser.get_cookie("remember_token").value
    app.config["CLOCK"] = lambda: start + dt.timedelta(days=13, hours=23)
    assert works(app, "remember_token", remember)
    app.config["CLOCK"] = lambda: start + dt.timedelta(days=14, minutes=1)
    assert not works(app, "remember_token", remember)


def test_a_cookie_from_before_sign_ins_could_end_is_refused(app, client):
    """Flask-Login's plain user id, as the session held it before, no longer signs anyone in."""
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert client.get(PAGE).status_code == 302


def test_only_a_digest_of_the_sign_in_token_is_stored(app):
    make_user("rep@example.com", "rep")
    browser, _, _ = signed_in(app)
    with browser.session_transaction() as session:
        token = session["_user_id"].partition(":")[2]
    stored = SignIn.get()
    assert token and stored.token_hash != token and token not in stored.token_hash


@pytest.mark.parametrize("path", [PAGE, "/admin/", "/admin/customers/export.csv"])
def test_signed_in_pages_and_downloads_are_not_stored(client, auth, path):
    make_user()
    auth.login()
    reply = client.get(path)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"


def test_the_sign_in_page_may_be_cached_as_usual(client):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_a_database_from_before_step_6_gets_sign_ins_and_the_first_change_flag(app, auth):
    from playhouse.migrate import migrate as run

    from backoffice import migrations
    from backoffice.db import db
    db.drop_tables([SignIn])
    run(migrations._migrator().drop_column("user", "must_change_password"))
    migrations.SchemaVersion.delete().execute()
    migrations.SchemaVersion.create(version=5)
    assert "migrated to version 6: sign-ins that can be ended, and a password change at first sign-in" \
        in migrations.migrate()
    assert "must_change_password" in {c.name for c in db.get_columns("user")}
    make_user()
    assert auth.login().status_code == 302 and SignIn.select().count() == 1
