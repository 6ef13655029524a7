"""Test controls: clock, per-minute quotas, queued faults, request hooks and counters."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ApiError

FAULT_KINDS = ("429", "500", "503", "delay", "ambiguous_503", "ambiguous_drop", "403", "api_disabled")
QUOTA_WINDOW = 60.0


class Clock:
    """Monotonic time plus an offset tests can advance instead of sleeping."""

    def __init__(self, source: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._source() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds


class Quota:
    """A sliding one-minute window per bucket ('read' / 'write'), like Sheets' per-minute quotas."""

    METRICS = {"read": "Read requests", "write": "Write requests"}

    def __init__(self, per_minute: int | None, clock: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.spent: dict[str, deque[float]] = {"read": deque(), "write": deque()}
        self._lock = threading.Lock()

    def take(self, bucket: str) -> None:
        if self.per_minute is None:
            return
        with self._lock:
            now = self.clock()
            window = self.spent[bucket]
            while window and window[0] <= now - QUOTA_WINDOW:
                window.popleft()
            if len(window) >= self.per_minute:
                metric = self.METRICS[bucket]
                raise ApiError(
                    429,
                    f"Quota exceeded for quota metric '{metric}' and limit '{metric} per minute per user' "
                    "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
                )
            window.append(now)

    def reset(self) -> None:
        with self._lock:
            for window in self.spent.values():
                window.clear()


@dataclass
class Fault:
    """A failure the next matching request meets. kind is one of FAULT_KINDS.

    'delay' holds the reply for `seconds` (past the client's timeout) and then serves it;
    'ambiguous_503' applies a write and answers 503; 'ambiguous_drop' applies it and drops the
    connection without a reply. '403' answers as a spreadsheet not shared with the caller,
    'api_disabled' as the Sheets API not enabled in the caller's project (both 403, nothing applied).
    """

    kind: str
    times: int = 1
    seconds: float = 5.0
    match: str | None = None  # a request kind such as "values.batchUpdate"; None matches all


@dataclass
class Hook:
    """Runs `action(server)` once, before or after the `nth` matching request is served."""

    action: Callable[[Any], None]
    nth: int = 1
    match: str | None = None
    when: str = "after"
    seen: int = 0


class Controls:
    def __init__(self, quota_per_minute: int | None, clock: Clock, latency_ms: float = 0) -> None:
        self.clock = clock
        self.quota = Quota(quota_per_minute, clock)
        self.latency = latency_ms / 1000.0
        self.faults: list[Fault] = []
        self.hooks: list[Hook] = []
        self.counts: Counter[str] = Counter()
        self.released = threading.Event()  # set on stop so delayed replies end early
        self._lock = threading.Lock()

    def add_fault(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; expected one of {FAULT_KINDS}")
        with self._lock:
            self.faults.append(fault)

    def next_fault(self, kind: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.match in (None, kind):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def add_hook(self, hook: Hook) -> None:
        with self._lock:
            self.hooks.append(hook)

    def due_hooks(self, kind: str, when: str) -> list[Hook]:
        """Hooks that fire at this point; a hook counts its matching request once (at 'before')."""
        due = []
        with self._lock:
            for hook in list(self.hooks):
                if hook.match not in (None, kind):
                    continue
                if when == "before":
                    hook.seen += 1
                if hook.seen == hook.nth and hook.when == when:
                    self.hooks.remove(hook)
                    due.append(hook)
        return due

    def count(self, kind: str) -> None:
        with self._lock:
            self.counts[kind] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts)

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()

    def reset(self) -> None:
        """Forget faults, hooks, counters and spent quota (latency and clock stay)."""
        with self._lock:
            self.faults.clear()
            self.hooks.clear()
            self.counts.clear()
        self.quota.reset()

    def wait(self, seconds: float) -> None:
        if seconds > 0:
            self.released.wait(seconds)
