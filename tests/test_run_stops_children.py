"""`backoffice run` stopped by SIGTERM (systemd, Docker, kill) or SIGINT leaves no worker or sheet behind."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every live process below `pid`, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(check, seconds: float, what: str) -> None:
    deadline, pause = time.monotonic() + seconds, threading.Event()
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        pause.wait(0.2)


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_run_stops_the_worker_and_the_sheet_when_signalled(tmp_path: Path, signum: int) -> None:
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    env.update({
        "BACKOFFICE_APP__INSTANCE_PATH": str(instance),
        "BACKOFFICE_APP__SECRET_KEY": "run-signal-test",
        "BACKOFFICE_DATABASE__URL": f"sqlite:///{instance / 'backoffice.db'}",
        "BACKOFFICE_QUEUE__URL": f"sqlite:///{instance / 'queue.db'}",
        "BACKOFFICE_SHEET__INTERVAL_SECONDS": "3600",
    })
    instance.mkdir()
    port, sheet_port = free_port(), free_port()
    log = (tmp_path / "run.log").open("wb")
    run = subprocess.Popen([str(BIN / "backoffice"), "run", "--no-demo", "--port", str(port),
                            "--sheet-port", str(sheet_port)], env=env, stdout=log,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    children: set[int] = set()
    try:
        wait_for(lambda: run.poll() is not None or answers(f"http://127.0.0.1:{port}/login"), 90,
                 "the panel to answer")
        assert run.poll() is None, (tmp_path / "run.log").read_text()
        children = descendants(run.pid)
        assert len(children) >= 2, "the worker and the sheet run as children"
        run.send_signal(signum)
        assert run.wait(timeout=30) == 0
        wait_for(lambda: not any(alive(pid) for pid in children), 5, "the children to be gone")
        assert not answers(f"http://127.0.0.1:{sheet_port}/_emulator/health")
    finally:
        children |= descendants(run.pid) if run.poll() is None else set()
        if run.poll() is None:
            run.kill()
            run.wait()
        for pid in children:  # a failed run must not leave its children to the next test
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        log.close()
