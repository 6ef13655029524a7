"""Settings: built-in defaults, then a TOML file, then BACKOFFICE_<SECTION>__<KEY> variables."""
from __future__ import annotations

import os
import secrets
import tomllib
from ipaddress import ip_network
from pathlib import Path
from typing import Any

from .clock import configure as configure_clock
from .clock import zone_named

ENV_PREFIX = "BACKOFFICE_"

DEFAULTS: dict[str, dict[str, Any]] = {
    "app": {
        "env": "development",  # development | production
        "secret_key": "",
        "instance_path": "instance",
        "public_url": "",
        "timezone": "Asia/Shanghai",  # the office's zone: days are cut and times shown in it
        "locale": "zh_CN",  # zh_CN | en: the language of a user who has not chosen one
        "trusted_proxies": [],  # addresses or networks whose X-Forwarded-* headers are believed
    },
    "database": {"url": ""},  # empty: sqlite file in the instance folder
    "queue": {"url": "", "immediate": False, "workers": 2},  # empty: sqlite file
    "phone": {"default_region": "CN"},
    "tiers": {"strategic_from": 1_000_000.0, "key_from": 500_000.0},
    "care": {"churn_silence_days": 60, "reverify_days": 90, "derive_interval_minutes": 60,
             "first_touch_days": 3},
    "security": {"login_max_failures": 5, "login_window_minutes": 15},
    "notify": {
        "digest_time": "08:30",  # office time, for people who have not chosen their own
        "from_address": "care@localhost",
        "smtp_host": "",  # empty: no e-mail is sent (`backoffice run` starts a local server)
        "smtp_port": 0,  # 0: the usual port of smtp_security (25, 587 or 465)
        "smtp_security": "starttls",  # none | starttls | tls
        "smtp_username": "",
        "smtp_password": "",
        "smtp_ca_file": "",  # a private CA's certificate, for a relay the system does not trust
        "smtp_timeout_seconds": 20.0,
        "wecom_webhook": "",  # the office's group robots: alerts of people whose team has none
        "dingtalk_webhook": "",
        "dingtalk_secret": "",
        "max_attempts": 6,
        "retry_seconds": 60,  # the first retry's wait; each next one waits twice as long
        "claim_timeout_seconds": 300,  # a send not finished by then lost its worker
    },
    "sheet": {
        "spreadsheet_id": "",
        "credentials_file": "",
        "emulator_url": "",
        "emulator_token": "",  # sent to the emulator; `backoffice run` makes one per start
        "customers_tab": "Customers",
        "plans_tab": "Care plans",
        "tickets_tab": "Tickets",  # left at these English names, a Chinese sheet's tabs are 客户, 关怀计划, 工单
        "language": "zh_CN",  # zh_CN | en: headers sheet init writes, dropdown words, sync statuses
        "interval_seconds": 30,
        "debounce_seconds": 3,
        "conflict_policy": "database",  # database | sheet
        "lock_ttl_seconds": 300,
        "archive_guard_share": 0.2,
        "archive_guard_count": 50,
        "timeout_seconds": 30.0,
        "max_retries": 5,
        "requests_per_minute": 60,  # Google's quota per user: the sheets' cycles take turns within it
        "full_read_minutes": 10,  # a full read this often while the edit journal is live (always when not)
    },
}

CHOICES = {
    ("app", "env"): {"development", "production"},
    ("app", "locale"): {"zh_CN", "en"},
    ("sheet", "conflict_policy"): {"database", "sheet"},
    ("sheet", "language"): {"zh_CN", "en"},
    ("notify", "smtp_security"): {"none", "starttls", "tls"},
}


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the key."""


def _coerce(section: str, key: str, value: Any, default: Any) -> Any:
    where = f"{section}.{key}"
    kind = type(default)
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    if kind is list:
        # A TOML list, or comma-separated text from an environment variable.
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ConfigError(f"{where}: expected a list of text, got {value!r}")
        return [i.strip() for i in items if i.strip()]
    if kind in (int, float):
        if isinstance(value, bool):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: expected a number, got {value!r}") from None
        if number < 0:
            raise ConfigError(f"{where}: must not be negative, got {value!r}")
        return number
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected text, got {value!r}")
    allowed = CHOICES.get((section, key))
    if allowed and value not in allowed:
        raise ConfigError(f"{where}: must be one of {', '.join(sorted(allowed))}, got {value!r}")
    return value


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _overlay(settings: dict, data: dict, origin: str) -> None:
    for section, values in data.items():
        if section not in settings:
            raise ConfigError(f"{origin}: unknown section [{section}]")
        if not isinstance(values, dict):
            raise ConfigError(f"{origin}: [{section}] must be a table of keys")
        for key, value in values.items():
            if key not in settings[section]:
                raise ConfigError(f"{origin}: unknown key {section}.{key}")
            settings[section][key] = _coerce(section, key, value, DEFAULTS[section][key])


def _from_environ(environ: dict[str, str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX):].lower().partition("__")
        found.setdefault(section, {})[key] = value
    return found


def _check_urls(settings: dict) -> None:
    url = settings["database"]["url"]
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(f"database.url: must start with sqlite:/// or postgresql://, got {url!r}")
    queue = settings["queue"]["url"]
    if not queue.startswith(("sqlite:///", "redis://", "rediss://")):
        raise ConfigError(f"queue.url: must start with sqlite:/// or redis://, got {queue!r}")
    try:
        zone_named(settings["app"]["timezone"])
    except ValueError as exc:
        raise ConfigError(f"app.timezone: {exc}") from None
    tiers = settings["tiers"]
    if tiers["key_from"] >= tiers["strategic_from"]:
        raise ConfigError("tiers.key_from: must be lower than tiers.strategic_from")
    if not 0 < settings["sheet"]["archive_guard_share"] <= 1:
        raise ConfigError("sheet.archive_guard_share: must be between 0 and 1")
    for proxy in settings["app"]["trusted_proxies"]:
        try:
            ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigError(f"app.trusted_proxies: {proxy!r} is not an IP address or network") from None


def _check_notify(settings: dict) -> None:
    from .notify.addresses import check_settings
    try:
        check_settings(settings)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _secret_key(settings: dict, instance: Path) -> str:
    if settings["app"]["secret_key"]:
        return settings["app"]["secret_key"]
    if settings["app"]["env"] != "development":
        raise ConfigError("app.secret_key: required outside development (set BACKOFFICE_APP__SECRET_KEY)")
    # Development: generate once and keep it, so sessions survive restarts.
    stored = instance / "secret_key"
    if stored.exists():
        return stored.read_text().strip()
    key = secrets.token_urlsafe(48)
    stored.write_text(key)
    stored.chmod(0o600)
    return key


def load(path: str | os.PathLike | None = None, environ: dict[str, str] | None = None,
         overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Build the settings. Raises ConfigError with one line naming the bad key."""
    environ = dict(os.environ if environ is None else environ)
    # Copied one level deeper than the sections: a list default must not be shared between loads.
    settings = {section: {k: list(v) if isinstance(v, list) else v for k, v in values.items()}
                for section, values in DEFAULTS.items()}
    path = path or environ.get("BACKOFFICE_CONFIG")
    if path:
        _overlay(settings, _read_file(Path(path)), str(path))
    _overlay(settings, _from_environ(environ), "environment")
    if overrides:
        _overlay(settings, overrides, "overrides")
    instance = Path(settings["app"]["instance_path"]).resolve()
    instance.mkdir(parents=True, exist_ok=True)
    settings["app"]["instance_path"] = str(instance)
    settings["database"]["url"] = settings["database"]["url"] or f"sqlite:///{instance / 'backoffice.db'}"
    settings["queue"]["url"] = settings["queue"]["url"] or f"sqlite:///{instance / 'queue.db'}"
    _check_urls(settings)
    _check_notify(settings)
    settings["app"]["secret_key"] = _secret_key(settings, instance)
    configure_clock(settings)  # the worker and the CLI cut days in the office's zone too
    return settings
