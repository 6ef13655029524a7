"""Sign-in, throttling, safe redirects, cookies and the security headers."""
import pytest

from tests.conftest import make_user


def test_sign_in_and_out(client, auth):
    make_user()
    response = auth.login()
    assert response.status_code == 302
    assert client.get("/admin/customers/").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/admin/customers/").status_code == 302


def test_wrong_password_is_refused_with_a_plain_message(client, auth):
    make_user()
    response = auth.login(password="wrong-password")
    assert response.status_code == 401
    assert "The email or password is not right." in response.get_data(as_text=True)


def test_passwords_are_stored_with_a_slow_kdf(app):
    user = make_user()
    assert user.password_hash.startswith("scrypt:")
    assert "correct-horse" not in user.password_hash


def test_sign_in_locks_after_five_failures_even_with_the_right_password(client, auth):
    make_user()
    for _ in range(5):
        assert auth.login(password="nope-nope").status_code == 401
    response = auth.login()
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_failures_from_one_address_lock_other_accounts_too(client, auth):
    make_user()
    for n in range(5):
        auth.login(email=f"guess{n}@example.com", password="nope-nope")
    assert auth.login().status_code == 429


@pytest.mark.parametrize(("target", "expected"), [
    ("/admin/care_plans/", "/admin/care_plans/"),
    ("https://evil.example/", "/admin/"),
    ("//evil.example/", "/admin/"),
    ("/\\evil.example", "/admin/"),
])
def test_next_only_redirects_within_the_site(client, auth, target, expected):
    make_user()
    token = auth.csrf_token()
    response = client.post("/login", query_string={"next": target},
                           data={"email": "admin@example.com", "password": "correct-horse", "csrf_token": token})
    assert response.headers["Location"] == expected


def test_login_without_csrf_token_is_refused(client):
    make_user()
    response = client.post("/login", data={"email": "admin@example.com", "password": "correct-horse"})
    assert response.status_code == 400


def test_session_cookie_is_httponly_and_samesite(client, auth):
    make_user()
    response = auth.login()
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/customers/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_inactive_user_cannot_sign_in(client, auth):
    make_user(active=False)
    assert auth.login().status_code == 401


def test_signed_out_visitor_is_told_to_sign_in(client):
    response = client.get("/admin/customers/", follow_redirects=True)
    assert "Please sign in to see this page." in response.get_data(as_text=True)
