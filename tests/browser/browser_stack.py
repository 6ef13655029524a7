"""The product as real processes for the browser tests: the Sheets emulator, the panel and the worker."""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SPREADSHEET_ID = "browser-test-sheet"
SHEET_TOKEN = "browser-test-sheet-token"  # as `backoffice run` does: the sheet page, worker and tests send it
PASSWORD = "correct-horse-battery"
# Test artifacts by default; `make screenshots` points this at docs/screenshots for the README.
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "artifacts" / "screenshots"))
# Known customers, besides the demo book, that the scenarios look for by name.
ALPHA = "Alpha Precision Parts Co., Ltd."  # rep1's
BRAVO = "Bravo Cold Chain Co., Ltd."  # rep2's


def wait_until(check: Callable[[], Any], timeout: float = 15.0, what: str = "a condition") -> Any:
    """Poll `check` every 0.1 s until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        pause.wait(0.1)


class Process:
    """A child process whose output goes to a log file in the instance folder."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path):
        self.name, self.log = name, log
        self._out = log.open("wb")
        self.popen = subprocess.Popen(args, env=env, cwd=ROOT, stdout=self._out,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_line(self, pattern: str, timeout: float = 20.0) -> re.Match:
        def found():
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.popen.returncode}:\n{self.text()[-3000:]}")
            return re.search(pattern, self.text())
        return wait_until(found, timeout, f"{self.name} to print {pattern!r}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self._out.close()


class Stack:
    """A fresh instance folder, the emulator with one spreadsheet, the panel, and the worker if it exists."""

    def __init__(self, root: Path, settings: dict[str, str] | None = None):
        self.root = root
        self.instance = root / "instance"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.processes: list[Process] = []
        self.sheet_url = ""
        self.url = ""
        base = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
        base.update({
            "BACKOFFICE_APP__INSTANCE_PATH": str(self.instance),
            "BACKOFFICE_APP__SECRET_KEY": "browser-test-secret",
            "BACKOFFICE_DATABASE__URL": f"sqlite:///{self.instance / 'backoffice.db'}",
            "BACKOFFICE_QUEUE__URL": f"sqlite:///{self.instance / 'queue.db'}",
            "BACKOFFICE_SHEET__SPREADSHEET_ID": SPREADSHEET_ID,
            "BACKOFFICE_SHEET__EMULATOR_TOKEN": SHEET_TOKEN,
            "SHEETS_EMULATOR_TOKEN": SHEET_TOKEN,
            # The tests trigger every cycle themselves; the schedule must not race them.
            "BACKOFFICE_SHEET__INTERVAL_SECONDS": "3600",
            "BACKOFFICE_SHEET__DEBOUNCE_SECONDS": "3600",
            "PYTHONUNBUFFERED": "1",
        })
        for key, value in (settings or {}).items():
            base[f"BACKOFFICE_{key.upper()}"] = value
        self.env = base

    # -- processes ------------------------------------------------------------
    def spawn(self, name: str, args: list[str]) -> Process:
        process = Process(name, args, self.env, self.instance / f"{name}.log")
        self.processes.append(process)
        return process

    def command(self, *args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
        """Run `backoffice ARGS…` with the stack's settings and return the finished process."""
        done = subprocess.run([str(BIN / "backoffice"), *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"backoffice {' '.join(args)} exited with {done.returncode}:\n"
                                 f"{done.stdout}\n{done.stderr}")
        return done

    def start_emulator(self) -> None:
        emulator = self.spawn("emulator", [sys.executable, "-m", "sheets_emulator", "--port", "0",
                                           "--no-quota", "--create", "Customer care",
                                           "--id", SPREADSHEET_ID])
        self.sheet_url = emulator.wait_for_line(r"Sheets emulator on (http://[^/\s]+)/").group(1)
        self.env["BACKOFFICE_SHEET__EMULATOR_URL"] = self.sheet_url

    def migrate(self) -> None:
        """What `backoffice init-db` does, in this process: the tables at the latest version."""
        from backoffice.migrations import migrate
        with self.database():
            migrate()

    def start(self) -> None:
        """Lay out the sheet, start the panel and the worker side by side, and wait for all three."""
        sheet_init = self.spawn("sheet-init", [str(BIN / "backoffice"), "sheet", "init"])
        panel = self.spawn("panel", [sys.executable, str(Path(__file__).with_name("serve_app.py"))])
        worker = self.spawn("worker", [str(BIN / "backoffice"), "worker"])
        self.url = panel.wait_for_line(r"Panel on (http://[^/\s]+)/", 60).group(1)
        wait_until(lambda: self._responds(self.url + "/login"), 20, "the panel to answer")
        worker.wait_for_line(r"worker: queue", 60)
        wait_until(lambda: sheet_init.popen.poll() is not None, 60, "backoffice sheet init")
        assert sheet_init.popen.returncode == 0, sheet_init.text()

    @staticmethod
    def _responds(url: str) -> bool:
        try:
            return requests.get(url, timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()

    # -- the sheet ------------------------------------------------------------
    def tab(self, table: str = "customer") -> str:
        """The title `sheet init` gave a table's tab (客户 in a Chinese sheet)."""
        from sync.tabs import titles
        return titles(self.settings()["sheet"])[table]

    def sheet_page(self, table: str = "customer") -> str:
        return f"{self.sheet_url}/sheets/{SPREADSHEET_ID}?tab={quote(self.tab(table))}"

    def sheet_values(self, tab: str = "Customers") -> list[list[Any]]:
        answer = requests.get(f"{self.sheet_url}/_emulator/spreadsheets/{SPREADSHEET_ID}/values/{tab}",
                              headers={"X-Emulator-Token": SHEET_TOKEN}, timeout=10)
        answer.raise_for_status()
        return answer.json()["values"]

    def sheet_rows(self, tab: str = "Customers") -> list[dict[str, Any]]:
        """The tab's rows as dicts keyed by header text (row number under `_row`)."""
        values = self.sheet_values(tab)
        if not values:
            return []
        header = [str(h) for h in values[0]]
        return [{"_row": n, **dict(zip(header, [*row, *[""] * (len(header) - len(row))], strict=False))}
                for n, row in enumerate(values[1:], start=2)]

    def sync(self) -> str:
        """One sync cycle in the foreground, exactly like a person running `backoffice sync`.

        A cycle the worker happens to be running makes ours skip; then we run it again."""
        def cycle():
            done = self.command("sync")
            return None if done.stdout.startswith("skipped") else done.stdout
        return wait_until(cycle, 60, "a sync cycle that is not skipped")

    # -- the database, read and seeded from the test process -------------------
    @contextlib.contextmanager
    def database(self) -> Iterator[None]:
        from backoffice.db import db, init_database
        init_database(self.env["BACKOFFICE_DATABASE__URL"])
        db.connect(reuse_if_open=True)
        try:
            yield
        finally:
            db.close()

    def settings(self) -> dict:
        from backoffice import config
        return config.load(environ=self.env)


def make_user(email: str, role: str, name: str | None = None, **extra):
    from backoffice.models import User
    user = User(email=email, name=name or email.split("@")[0].title(), role=role, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass
class Problems:
    """Console errors, failed requests and error responses a page produced."""
    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    responses: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.console + self.failed + self.responses

    def clear(self) -> None:
        self.console.clear(), self.failed.clear(), self.responses.clear()


def watch(page, favicon_optional: bool = False) -> Problems:
    """Record what a person would see in the browser's console and network panels.

    `favicon_optional`: for the emulator's page, a stand-in for Google with no icon of its own."""
    problems = Problems()
    answered: set[str] = set()

    def on_response(response):
        if favicon_optional and response.url.endswith("/favicon.ico"):
            return
        if response.status >= 400:
            problems.responses.append(f"HTTP {response.status}: {response.request.method} {response.url}")
        else:
            answered.add(response.url)

    def on_failed(request):
        # "Aborted" means the browser itself cancelled the request: a download handed to the
        # download manager, or an icon or sprite still loading when the next page opens. A
        # missing file shows up as an HTTP error instead, and a CSP block as a console error.
        if request.failure == "net::ERR_ABORTED" and (
                request.url in answered or "favicon" in request.url
                or request.resource_type in ("image", "font")):
            return
        problems.failed.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def on_console(message):
        where = (message.location or {}).get("url", "")
        if message.type != "error" or (favicon_optional and where.endswith("/favicon.ico")):
            return
        problems.console.append(f"console error on {page.url}: {message.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.console.append(f"script error on {page.url}: {e}"))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    return problems


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():  # waits for the next page's load: its scripts are in
        page.click("button[type=submit]")
    page.wait_for_selector("#signed-in-as")


def screenshot(page, name: str) -> Path:
    """Save a picture of a main page as SCREENSHOTS/NAME.png, overwritten each run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def list_count(page) -> int:
    """The number the list's tab shows, e.g. "List (12)"."""
    text = page.locator(".nav-tabs .nav-link.active, .nav .nav-link.active").first.inner_text()
    match = re.search(r"\((\d+)\)", text)
    return int(match.group(1)) if match else 0


def add_filter(page, group: str, choice: str) -> None:
    """Use the list's Add Filter menu as a person would: pick the filter, pick a choice, Apply."""
    page.get_by_role("link", name="Add Filter").click()
    page.locator("a.filter", has_text=re.compile(rf"^\s*{re.escape(group)}\s*$")).click()
    row = page.locator("table.filters tr").last
    row.locator(".select2-container.filter-val .select2-choice").click()  # the value picker
    page.locator(".select2-drop-active .select2-results li").filter(
        has_text=re.compile(rf"^\s*{re.escape(choice)}\s*$")).click()
    expect(row.locator(".select2-container.filter-val .select2-chosen")).to_have_text(choice)
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()
