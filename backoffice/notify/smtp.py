"""E-mail through SMTP (stdlib smtplib): STARTTLS or TLS, a login, text and HTML parts.

The envelope (MAIL FROM, RCPT TO) is agreed before the message is handed over, so a refused
address fails clearly and nothing is ambiguous until DATA: only that step can leave a message
whose arrival is unknown.
"""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from email_validator import EmailNotValidError, validate_email

from .. import clock
from .errors import FAILED, RETRY, UNCONFIRMED, DeliveryError

PORTS = {"none": 25, "starttls": 587, "tls": 465}


def build_message(settings: dict, to: str, subject: str, text: str, html: str | None,
                  message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings["notify"]["from_address"]
    message["To"] = to
    message["Date"] = format_datetime(clock.local())
    message["Message-ID"] = message_id
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def message_id(notification_id: int, host: str) -> str:
    """The same id on every try of one notification, so a mail client shows a repeat as one."""
    return make_msgid(idstring=f"notification.{notification_id}", domain=host or "localhost")


def _connect(notify: dict) -> smtplib.SMTP:
    security = notify["smtp_security"]
    host, port = notify["smtp_host"], notify["smtp_port"] or PORTS[security]
    timeout = notify["smtp_timeout_seconds"] or None
    context = ssl.create_default_context(cafile=notify["smtp_ca_file"] or None)
    if security == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        smtp.ehlo()
        if security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if notify["smtp_username"]:
            smtp.login(notify["smtp_username"], notify["smtp_password"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _refused(code: int, reply: bytes | str, what: str) -> DeliveryError:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    outcome = RETRY if 400 <= code < 500 else FAILED
    return DeliveryError(f"{what} ({code} {text.strip()})", outcome)


def send(settings: dict, to: str, message: EmailMessage, handover: Callable[[], None]) -> None:
    """Send one message; `handover()` is called (and may raise ClaimLost) just before DATA."""
    notify = settings["notify"]
    if not notify["smtp_host"]:
        raise DeliveryError("no SMTP server is set (notify.smtp_host)", RETRY)
    try:
        to = validate_email(to, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise DeliveryError(f"{to!r} is not a valid e-mail address: {exc}", FAILED) from None
    sender = message["From"].addresses[0].addr_spec
    try:
        smtp = _connect(notify)
    except smtplib.SMTPAuthenticationError as exc:
        raise _as_failed(exc, "the SMTP server refused the login (notify.smtp_username, smtp_password)") from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError("the SMTP server does not offer STARTTLS (notify.smtp_security)", FAILED) from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(f"the SMTP server's certificate is not trusted: {exc.verify_message} "
                            "(notify.smtp_ca_file)", FAILED) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"could not reach the SMTP server {notify['smtp_host']}: {exc}", RETRY) from None
    try:
        code, reply = smtp.mail(sender)
        if code != 250:
            raise _refused(code, reply, f"the server refused the sender {sender}")
        code, reply = smtp.rcpt(to)
        if code not in (250, 251):
            raise _refused(code, reply, f"the server refused the address {to}")
        data = message.as_bytes(policy=policy.SMTP)  # CRLF line ends: smtplib sends bytes as they are
        handover()
        try:
            code, reply = smtp.data(data)
        except smtplib.SMTPDataError as exc:
            raise _refused(exc.smtp_code, exc.smtp_error, "the server refused the message") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"the connection broke while the message was handed over: {exc}",
                                UNCONFIRMED) from None
        if code != 250:  # smtplib returns the final reply to DATA instead of raising
            raise _refused(code, reply, "the server refused the message")
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise DeliveryError(f"the SMTP server closed the connection: {exc}", RETRY) from None
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _as_failed(exc: smtplib.SMTPResponseException, what: str) -> DeliveryError:
    error = _refused(exc.smtp_code, exc.smtp_error, what)
    error.outcome = FAILED
    return error
