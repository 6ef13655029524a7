"""The sign-in throttle holds for parallel guesses, and an unknown account costs what a real one does."""
import datetime as dt
import threading

import pytest

import backoffice.auth
import backoffice.models.users
from backoffice.models import LoginAttempt, User
from tests.conftest import make_user

START = dt.datetime(2026, 5, 6, 1, 30)


def test_forty_parallel_guesses_are_not_all_checked(app, monkeypatch):
    """Each guess is counted and recorded before its password is checked."""
    app.config["WTF_CSRF_ENABLED"] = False  # forty browsers; CSRF is tested elsewhere
    make_user()
    checked, lock = [], threading.Lock()
    original = User.check_password

    def counting(self, password):
        with lock:
            checked.append(password)
        return original(self, password)
    monkeypatch.setattr(User, "check_password", counting)
    together = threading.Barrier(40)
    answers = []

    def guess(n: int) -> None:
        browser = app.test_client()
        together.wait()
        reply = browser.post("/login", data={"email": "admin@example.com", "password": f"guess-{n}"})
        with lock:
            answers.append(reply.status_code)
    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    limit = app.config["BACKOFFICE"]["security"]["login_max_failures"]
    assert 1 <= len(checked) <= limit
    assert sorted(answers) == [401] * len(checked) + [429] * (40 - len(checked))


def test_a_refused_attempt_does_not_make_the_pause_longer(app, auth):
    make_user()
    app.config["CLOCK"] = lambda: START
    for _ in range(5):
        assert auth.login(password="nope-nope").status_code == 401
    app.config["CLOCK"] = lambda: START + dt.timedelta(minutes=10)
    assert auth.login().status_code == 429
    app.config["CLOCK"] = lambda: START + dt.timedelta(minutes=15, seconds=1)
    assert auth.login().status_code == 302
    assert LoginAttempt.select().count() == 6  # five failures and the success


@pytest.fixture
def hash_checks(monkeypatch):
    """The hashes each sign-in checked a password against, by their method and cost."""
    seen = []
    for module in (backoffice.auth, backoffice.models.users):
        original = module.check_password_hash

        def recording(pwhash, password, original=original):
            seen.append(pwhash.split("$", 1)[0])
            return original(pwhash, password)
        monkeypatch.setattr(module, "check_password_hash", recording)
    return seen


def test_unknown_and_inactive_accounts_cost_the_same_check_as_a_wrong_password(client, auth, hash_checks):
    real = make_user()
    make_user("gone@example.com", "rep", active=False)
    cost = real.password_hash.split("$", 1)[0]  # e.g. scrypt:32768:8:1
    assert auth.login(password="wrong-password").status_code == 401
    assert auth.login(email="nobody@example.com").status_code == 401
    assert auth.login(email="gone@example.com").status_code == 401
    assert hash_checks == [cost, cost, cost]
