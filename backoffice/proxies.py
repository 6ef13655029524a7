"""X-Forwarded-* headers, believed only when they come from a configured proxy (`app.trusted_proxies`)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from ipaddress import ip_address, ip_network
from typing import Any

FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
             "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")


class TrustedProxies:
    """WSGI middleware: the client is the nearest address in X-Forwarded-For that is not a proxy.

    Anyone may send these headers; only a proxy we run appends the address it really saw. So the
    chain is read from the right, through trusted proxies only, and a request that did not come
    from one keeps its socket address whatever it claims.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], proxies: Iterable[str]) -> None:
        self.app = app
        self.networks = [ip_network(p, strict=False) for p in proxies]

    def trusted(self, address: str) -> bool:
        try:
            ip = ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.trusted(environ.get("REMOTE_ADDR", "")):
            self._apply(environ)
        # Whatever was believed is now in the standard keys; nothing downstream reads the raw headers.
        for key in FORWARDED:
            environ.pop(key, None)
        return self.app(environ, start_response)

    def _apply(self, environ: dict[str, Any]) -> None:
        hops = [h.strip() for h in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        client = None
        while hops:
            client = hops.pop()
            if not self.trusted(client):
                break
        if client:
            try:
                environ["REMOTE_ADDR"] = str(ip_address(client))
            except ValueError:
                pass  # a proxy passed on garbage: keep the proxy's own address
        # Proto and host: the value the nearest proxy set, i.e. the last one in its list.
        proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
        if proto in ("http", "https"):
            environ["wsgi.url_scheme"] = proto
        host = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[-1].strip()
        if host:
            environ["HTTP_HOST"] = host
