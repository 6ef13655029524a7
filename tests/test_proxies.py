"""Forwarded headers are believed only from `app.trusted_proxies`: a spoofed X-Forwarded-For dodges nothing."""
from __future__ import annotations

import pytest

from backoffice import config, create_app
from backoffice.models import LoginAttempt
from backoffice.proxies import TrustedProxies
from tests.conftest import AuthActions, make_user

PROXY = "10.0.0.2"
VISITOR = "203.0.113.9"


@pytest.fixture
def proxied_app(settings, app):
    settings["app"].update(public_url="https://care.example.com", trusted_proxies=[PROXY])
    return create_app({"TESTING": True, "SYNC_ON_SAVE": False}, settings=settings)


def sign_in(client, email, password, remote, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    base = {"REMOTE_ADDR": remote}
    client.environ_base.update(base)
    token = AuthActions(client).csrf_token()
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       headers=headers)


def test_spoofed_forwarded_for_from_a_visitor_cannot_dodge_the_address_limit(proxied_app):
    make_user()
    client = proxied_app.test_client()
    for n in range(5):
        answer = sign_in(client, f"guess{n}@example.com", "nope-nope", VISITOR, f"198.51.100.{n}")
        assert answer.status_code == 401
    answer = sign_in(client, "admin@example.com", "correct-horse", VISITOR, "198.51.100.77")
    assert answer.status_code == 429
    assert {a.address for a in LoginAttempt.select()} == {VISITOR}


def test_behind_the_proxy_each_visitor_has_their_own_limit(proxied_app):
    make_user()
    client = proxied_app.test_client()
    for n in range(5):
        # The visitor claims an address; the proxy appends the one it really saw.
        sign_in(client, f"guess{n}@example.com", "nope-nope", PROXY, f"1.2.3.{n}, 198.51.100.1")
    assert {a.address for a in LoginAttempt.select()} == {"198.51.100.1"}
    assert sign_in(client, "admin@example.com", "correct-horse", PROXY,
                   "1.2.3.99, 198.51.100.1").status_code == 429
    assert sign_in(client, "admin@example.com", "correct-horse", PROXY,
                   "198.51.100.2").status_code == 302


def seen(proxies, remote, headers):
    captured = {}

    def inner(environ, start_response):
        captured.update(environ)
        return []
    environ = {"REMOTE_ADDR": remote, "wsgi.url_scheme": "http", "HTTP_HOST": "panel:8000"}
    environ.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    TrustedProxies(inner, proxies)(environ, lambda *a: None)
    return captured["REMOTE_ADDR"], captured["wsgi.url_scheme"], captured["HTTP_HOST"], captured


@pytest.mark.parametrize(("proxies", "remote", "headers", "expected"), [
    # Nobody configured: the socket's address and scheme, whatever the headers say.
    ([], VISITOR, {"X-Forwarded-For": "1.1.1.1", "X-Forwarded-Proto": "https",
                   "X-Forwarded-Host": "evil.example"}, (VISITOR, "http", "panel:8000")),
    # A configured proxy's word is taken.
    ([PROXY], PROXY, {"X-Forwarded-For": VISITOR, "X-Forwarded-Proto": "https",
                      "X-Forwarded-Host": "care.example.com"}, (VISITOR, "https", "care.example.com")),
    # Two proxies in a row (a load balancer, then nginx): the first address neither of them is.
    (["10.0.0.0/24"], PROXY, {"X-Forwarded-For": "6.6.6.6, 198.51.100.4, 10.0.0.7"},
     ("198.51.100.4", "http", "panel:8000")),
    # A configured proxy passing on garbage keeps its own address.
    ([PROXY], PROXY, {"X-Forwarded-For": "not-an-address"}, (PROXY, "http", "panel:8000")),
    # Not from the proxy: ignored, even when it names the proxy.
    ([PROXY], VISITOR, {"X-Forwarded-For": PROXY, "X-Forwarded-Proto": "https"}, (VISITOR, "http", "panel:8000")),
])
def test_forwarded_headers_are_read_only_from_trusted_proxies(proxies, remote, headers, expected):
    *got, environ = seen(proxies, remote, headers)
    assert tuple(got) == expected
    assert "HTTP_X_FORWARDED_FOR" not in environ  # nothing downstream can read the raw claim


def test_trusted_proxies_read_from_a_list_or_comma_separated_text(tmp_path):
    base = {"BACKOFFICE_APP__INSTANCE_PATH": str(tmp_path)}
    loaded = config.load(environ={**base, "BACKOFFICE_APP__TRUSTED_PROXIES": "10.0.0.2, 10.1.0.0/16"})
    assert loaded["app"]["trusted_proxies"] == ["10.0.0.2", "10.1.0.0/16"]
    assert config.load(environ=base)["app"]["trusted_proxies"] == []
    toml = tmp_path / "backoffice.toml"
    toml.write_text('[app]\ntrusted_proxies = ["127.0.0.1", "::1"]\n')
    assert config.load(toml, environ=base)["app"]["trusted_proxies"] == ["127.0.0.1", "::1"]


@pytest.mark.parametrize(("value", "message"), [
    ("10.0.0.300", "app.trusted_proxies: '10.0.0.300' is not an IP address or network"),
    ("proxy.internal", "app.trusted_proxies: 'proxy.internal' is not an IP address or network"),
])
def test_a_wrong_proxy_address_stops_the_start_naming_the_key(tmp_path, value, message):
    with pytest.raises(config.ConfigError) as wrong:
        config.load(environ={"BACKOFFICE_APP__INSTANCE_PATH": str(tmp_path),
                             "BACKOFFICE_APP__TRUSTED_PROXIES": value})
    assert str(wrong.value) == message
