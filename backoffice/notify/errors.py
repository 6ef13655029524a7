"""What a failed send means for the record: try again later, give up, or ask an admin."""
from __future__ import annotations

RETRY = "retrying"  # nothing arrived and a later try may work (a server down, a rate limit)
FAILED = "failed"  # nothing arrived and trying again will not help (a bad address, a bad secret)
UNCONFIRMED = "unconfirmed"  # the message was handed over and may have arrived: never resent alone


class DeliveryError(Exception):
    """A send that did not surely succeed; `outcome` is one of RETRY, FAILED, UNCONFIRMED."""

    def __init__(self, message: str, outcome: str = RETRY) -> None:
        super().__init__(message)
        self.message, self.outcome = message, outcome


class ClaimLost(Exception):
    """Another consumer (or the recovery of a stalled send) took the notification over: stop."""
