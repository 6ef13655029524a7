"""The product installs as a wheel: templates, static files and translations travel inside it."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SERVE_LOGIN = """
import backoffice
from backoffice import config, create_app
from backoffice.db import db
from backoffice.migrations import migrate
settings = config.load(environ={}, overrides={"app": {"instance_path": "instance", "secret_key": "wheel"}})
app = create_app(settings=settings)
db.connect(reuse_if_open=True)
migrate()
page = app.test_client().get("/login")
print(backoffice.__file__)
print(page.status_code)
print(page.get_data(as_text=True))
"""


@pytest.mark.slow
def test_a_wheel_installed_elsewhere_serves_the_sign_in_page_in_chinese(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(dist)],
                   check=True, cwd=tmp_path)
    wheel = next(dist.glob("backoffice-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for packaged in ("backoffice/templates/auth/login.html", "backoffice/static/backoffice.css",
                     "backoffice/translations/zh_Hans_CN/LC_MESSAGES/messages.mo"):
        assert packaged in names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                    str(wheel)], check=True, cwd=tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    env["PYTHONPATH"] = str(site)  # the wheel's copy, not this checkout; dependencies from the venv
    done = subprocess.run([sys.executable, "-c", SERVE_LOGIN], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True)
    installed_at, status, page = done.stdout.split("\n", 2)
    assert installed_at.startswith(str(site))
    assert status == "200"
    assert "登录" in page and 'lang="zh' in page
