"""Passwords: the rule, everyone's own change page, and the change required after an admin set one."""
import pytest

from backoffice import rules
from backoffice.models import User
from tests.conftest import AuthActions, make_user

GOOD = "plum-kettle-orbit"


@pytest.mark.parametrize(("password", "reason"), [
    ("password", "at least 10 characters long; this one has 8"),
    ("12345678", "at least 10 characters long"),
    ("1234567890", "most often found in breaches"),
    ("password123", "most often found in breaches"),
    ("qwertyuiop1", "most often found in breaches"),
    ("iloveyou12", "most often found in breaches"),
    ("aaaaaaaaaaaa", "too easy to guess"),
    ("x" * 201, "at most 200 characters"),
])
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(rules.RuleError, match=reason):
        rules.password(password)


def test_a_password_made_of_the_account_s_own_name_is_refused():
    with pytest.raises(rules.RuleError, match="email or name"):
        rules.password("wangxiaoming", personal=("wangxiaoming@corp.example", "Wang Xiaoming"))


@pytest.mark.parametrize("password", ["correct-horse", GOOD, "Kx9#mQ2v!p", "我的密码是蓝色的大海啊"])
def test_reasonable_passwords_are_accepted(password):
    assert rules.password(password) == password


def change(client, current="correct-horse", new=GOOD, repeat=None, next_=None):
    token = AuthActions(client).csrf_token("/admin/password/")
    return client.post("/admin/password/", query_string={"next": next_} if next_ else None,
                       data={"current": current, "new": new, "repeat": new if repeat is None else repeat,
                             "csrf_token": token})


def test_everyone_can_change_their_own_password(client, auth):
    make_user("rep@example.com", "rep")
    auth.login("rep@example.com")
    assert client.get("/admin/").status_code == 200
    assert 'href="/admin/password/"' in client.get("/admin/").get_data(as_text=True)
    reply = change(client)
    assert reply.status_code == 302 and reply.headers["Location"] == "/admin/"
    assert User.get(User.email == "rep@example.com").check_password(GOOD)
    auth.logout()
    assert auth.login("rep@example.com", GOOD).status_code == 302


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"current": "not-my-password"}, "current", "not your current password"),
    ({"repeat": "plum-kettle-orbiT"}, "repeat", "not the same"),
    ({"new": "password123"}, "new", "most often found in breaches"),
    ({"new": "short"}, "new", "at least 10 characters"),
    ({"new": "correct-horse"}, "new", "different from the current one"),
])
def test_a_refused_change_says_why_and_changes_nothing(app, client, auth, form, field, message):
    user = make_user("rep@example.com", "rep")
    auth.login("rep@example.com")
    other = app.test_client()
    AuthActions(other).login("rep@example.com")
    reply = change(client, **form)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200 and message in page
    assert f'id="{field}" name="{field}"' in page and "is-invalid" in page
    assert User.get_by_id(user.id).password_hash == user.password_hash
    assert other.get("/admin/customers/").status_code == 200  # nobody was signed out


def test_the_password_page_needs_a_sign_in_and_a_csrf_token(client, auth):
    assert client.get("/admin/password/").status_code == 302
    make_user()
    auth.login()
    reply = client.post("/admin/password/", data={"current": "correct-horse", "new": GOOD, "repeat": GOOD})
    assert reply.status_code == 400
    assert User.get().check_password("correct-horse")


def admin_creates(client, auth, email="new@example.com", password=GOOD):
    token = auth.csrf_token("/admin/users/new/")
    return client.post("/admin/users/new/", data={"email": email, "name": "New Rep", "role": "rep",
                                                  "active": "y", "new_password": password,
                                                  "csrf_token": token})


def test_an_admin_cannot_give_a_weak_password(client, auth):
    make_user()
    auth.login()
    reply = admin_creates(client, auth, password="password123")
    assert "most often found in breaches" in reply.get_data(as_text=True)
    assert not User.select().where(User.email == "new@example.com").exists()


def test_an_account_an_admin_created_must_change_its_password_first(app, client, auth):
    make_user()
    auth.login()
    assert admin_creates(client, auth).status_code == 302
    assert User.get(User.email == "new@example.com").must_change_password
    rep = app.test_client()
    AuthActions(rep).login("new@example.com", GOOD)
    for path in ("/admin/", "/admin/customers/", "/admin/customers/export.csv", "/admin/dashboard/"):
        reply = rep.get(path)
        assert reply.status_code == 302 and reply.headers["Location"].startswith("/admin/password/?next=")
    token = AuthActions(rep).csrf_token("/admin/password/")
    assert "set by an administrator" in rep.get("/admin/password/").get_data(as_text=True)
    # Choosing a language to read the page in is allowed; it leads back to the page.
    reply = rep.post("/language", data={"locale": "en", "next": "/admin/password/", "csrf_token": token})
    assert reply.headers["Location"] == "/admin/password/"
    reply = rep.post("/admin/customers/action/", data={"action": "archive", "csrf_token": token})
    assert reply.status_code == 302 and reply.headers["Location"].startswith("/admin/password/")
    reply = change(rep, current=GOOD, new="quiet-lantern-meadow", next_="/admin/customers/")
    assert reply.headers["Location"] == "/admin/customers/"
    assert rep.get("/admin/customers/").status_code == 200
    assert not User.get(User.email == "new@example.com").must_change_password


def test_an_admin_reset_must_be_changed_too_but_not_the_admin_s_own(app, client, auth):
    admin = make_user()
    rep = make_user("rep@example.com", "rep")
    auth.login()
    for user in (rep, admin):
        token = auth.csrf_token(f"/admin/users/edit/?id={user.id}")
        reply = client.post(f"/admin/users/edit/?id={user.id}", data={
            "email": user.email, "name": user.name, "role": user.role, "active": "y",
            "new_password": "quiet-lantern-meadow", "csrf_token": token})
        assert reply.status_code == 302
    assert User.get_by_id(rep.id).must_change_password
    assert not User.get_by_id(admin.id).must_change_password
    assert client.get("/admin/customers/").status_code == 200  # the admin stays signed in here


def test_create_user_refuses_a_weak_password(runner):
    from backoffice.cli import cli
    result = runner.invoke(cli, ["create-user", "rep@example.com", "--password", "12345678"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    assert not User.select().exists()


def test_create_user_can_require_a_change_at_first_sign_in(runner, client, auth):
    from backoffice.cli import cli
    result = runner.invoke(cli, ["create-user", "rep@example.com", "--password", GOOD, "--must-change-password"])
    assert result.exit_code == 0, result.output
    auth.login("rep@example.com", GOOD)
    reply = client.get("/admin/")
    assert reply.headers["Location"].startswith("/admin/password/")
