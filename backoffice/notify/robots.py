"""WeCom (企业微信) and DingTalk (钉钉) group robots: a markdown message posted to a webhook.

DingTalk robots with 加签 security need every post signed: the current time in milliseconds
and an HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret, both in the query string.
Both services answer HTTP 200 with an `errcode`; 0 means the group got the message.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from urllib.parse import quote_plus

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError

from .. import clock
from . import addresses
from .errors import FAILED, RETRY, UNCONFIRMED, DeliveryError

TIMEOUT = (5, 15)  # seconds to connect, seconds to read the answer
MAX_BYTES = 4000  # both services refuse markdown longer than about 4096 bytes
RATE_LIMITED = {45009, 130101}  # WeCom's and DingTalk's "too many messages": wait and retry
HINTS = {
    93000: "the webhook address is not valid: the robot was removed or the key is wrong",
    310000: "DingTalk refused the message: the signing secret does not match, or the robot's "
            "security settings (keywords, IP addresses) reject it",
    300001: "the webhook's access token is not valid: copy the address again",
    400102: "the robot is switched off in the group",
}


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature of one post."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def _fit(text: str) -> str:
    data = text.encode()
    if len(data) <= MAX_BYTES:
        return text
    return data[:MAX_BYTES - 10].decode(errors="ignore") + "\n\n…"


def payload(kind: str, title: str, markdown: str) -> dict:
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": _fit(f"**{title}**\n\n{markdown}")}}
    return {"msgtype": "markdown", "markdown": {"title": title, "text": _fit(f"### {title}\n\n{markdown}")}}


def signed_url(url: str, secret: str | None) -> str:
    if not secret:
        return url
    timestamp = int(clock.now().replace(tzinfo=dt.UTC).timestamp() * 1000)
    return f"{url}&timestamp={timestamp}&sign={sign(secret, timestamp)}"


def send(kind: str, url: str, secret: str | None, title: str, markdown: str,
         handover: Callable[[], None]) -> None:
    """Post one message to a robot; `handover()` is called (and may raise ClaimLost) just before."""
    label = {"wecom": "WeCom", "dingtalk": "DingTalk"}[kind]
    try:
        addresses.webhook(kind, url)
        if kind == "dingtalk" and secret:
            addresses.dingtalk_secret(secret)
    except ValueError as exc:
        raise DeliveryError(str(exc), FAILED) from None
    body = payload(kind, title, markdown)
    session = requests.Session()  # trusts the environment's proxy, as an office network may need
    handover()
    try:
        response = session.post(signed_url(url, secret if kind == "dingtalk" else None),
                                json=body, timeout=TIMEOUT)
    except requests.ConnectTimeout as exc:
        raise DeliveryError(f"could not reach the {label} robot: {exc}", RETRY) from None
    except requests.ConnectionError as exc:
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(reason, NewConnectionError | NameResolutionError):
            raise DeliveryError(f"could not reach the {label} robot: {reason}", RETRY) from None
        raise DeliveryError(f"the connection to the {label} robot broke during the post: {exc}",
                            UNCONFIRMED) from None
    except requests.Timeout as exc:
        raise DeliveryError(f"the {label} robot did not answer in time: {exc}", UNCONFIRMED) from None
    finally:
        session.close()
    _check(label, response)


def _check(label: str, response: requests.Response) -> None:
    if response.status_code == 429 or response.status_code >= 500:
        raise DeliveryError(f"the {label} robot is not available (HTTP {response.status_code})", RETRY)
    if response.status_code >= 400:
        raise DeliveryError(f"the {label} webhook address was refused (HTTP {response.status_code}): "
                            "copy it again from the robot's settings", FAILED)
    try:
        answer = response.json()
        code = int(answer.get("errcode", -1))
    except (ValueError, AttributeError, TypeError):
        raise DeliveryError(f"the address did not answer as a {label} robot does "
                            f"(HTTP {response.status_code}): check the webhook address", FAILED) from None
    if code == 0:
        return
    message = answer.get("errmsg") or ""
    if code in RATE_LIMITED:
        raise DeliveryError(f"the {label} robot asks to slow down ({code} {message})", RETRY)
    hint = HINTS.get(code, f"the {label} robot refused the message")
    raise DeliveryError(f"{hint} ({code} {message})", FAILED)
