"""Real servers on loopback for the notification tests: SMTP (aiosmtpd, with STARTTLS or TLS and a
login) and an HTTP receiver standing in for the WeCom and DingTalk robot webhooks."""
from __future__ import annotations

import datetime as dt
import email
import ipaddress
import json
import ssl
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from backoffice.notify import localmail

LOGIN, PASSWORD = "care@example.com", "mail-secret"


class Inbox:
    """The SMTP server's side: what it accepted, and switches a test can turn."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[str] = []
        self.rcpt_reply: str | None = None  # e.g. "550 5.1.1 no such mailbox"
        self.data_reply: str | None = None  # e.g. "554 5.7.1 rejected"
        self.received = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.received.set()
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == (
            LOGIN, PASSWORD)
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (the test's CA file as well)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(start).not_valid_after(start + dt.timedelta(days=365 * 60))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                       serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


def _server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    return context


def _start(handler, **kwargs) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=localmail.free_port(), **kwargs)
    controller.start()
    return controller


@pytest.fixture
def smtp_plain(settings):
    """A plain SMTP server; the settings point at it."""
    inbox = Inbox()
    controller = _start(inbox)
    settings["notify"].update(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none")
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_starttls(settings, certificate):
    """STARTTLS required, then a login; the settings trust the test certificate."""
    inbox = Inbox()
    controller = _start(inbox, tls_context=_server_context(certificate), require_starttls=True,
                        authenticator=inbox.authenticate, auth_require_tls=True)
    settings["notify"].update(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="starttls",
                              smtp_username=LOGIN, smtp_password=PASSWORD, smtp_ca_file=str(certificate[0]))
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_tls(settings, certificate):
    """TLS from the first byte (port-465 style), then a login."""
    inbox = Inbox()
    controller = _start(inbox, ssl_context=_server_context(certificate), authenticator=inbox.authenticate,
                        auth_require_tls=False)
    settings["notify"].update(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="tls",
                              smtp_username=LOGIN, smtp_password=PASSWORD, smtp_ca_file=str(certificate[0]))
    yield inbox
    controller.stop()


class Robots:
    """An HTTP server answering as WeCom and DingTalk robots do; it keeps every post."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.status, self.answer = 200, {"errcode": 0, "errmsg": "ok"}
        self.received = threading.Event()
        self.hold: threading.Event | None = None  # set: the receiver waits for it before answering
        robots = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                robots.posts.append({"path": parts.path, "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                                     "json": json.loads(body or b"null")})
                robots.received.set()
                if robots.hold is not None:
                    robots.hold.wait(30)
                data = json.dumps(robots.answer).encode()
                self.send_response(robots.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wecom_url(self, key: str = "wecom-key-0001") -> str:
        return f"{self.base}/cgi-bin/webhook/send?key={key}"

    def dingtalk_url(self, token: str = "ding-token-0001") -> str:
        return f"{self.base}/robot/send?access_token={token}"

    def stop(self) -> None:
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robots():
    server = Robots()
    yield server
    server.stop()
