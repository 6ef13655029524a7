"""The processes `backoffice run` starts, stopped together however `run` itself is stopped."""
from __future__ import annotations

import atexit
import signal
import subprocess
from typing import Any

GRACE_SECONDS = 10

_children: list[subprocess.Popen] = []


def start(args: list[str], **popen: Any) -> subprocess.Popen:
    """Start a child that stops when `run` stops."""
    process = subprocess.Popen(args, **popen)
    _children.append(process)
    return process


def stop_all() -> None:
    """Ask every child to stop at once, then wait for each; kill one that outlasts the grace time."""
    live = [p for p in _children if p.poll() is None]
    for process in live:
        process.terminate()
    for process in live:
        try:
            process.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    _children.clear()


def _exit(signum: int, frame: Any) -> None:
    # SIGTERM's default action skips atexit and every `finally`; SystemExit runs both.
    # A second signal while the children stop must not cut their stopping short.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(0)


def stop_on_exit() -> None:
    """SIGTERM (systemd, Docker, kill) and SIGINT (Ctrl-C) stop the children, as a normal exit does."""
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGINT, _exit)
    atexit.register(stop_all)
