"""Settings come from defaults, then a TOML file, then the environment; bad ones fail clearly."""
import pytest

from backoffice import config


def load(tmp_path, text=None, environ=None):
    path = None
    if text is not None:
        path = tmp_path / "backoffice.toml"
        path.write_text(text)
    env = {"BACKOFFICE_APP__INSTANCE_PATH": str(tmp_path / "instance"), **(environ or {})}
    return config.load(path, environ=env)


def test_defaults_give_an_embedded_setup_with_a_stored_secret(tmp_path):
    settings = load(tmp_path)
    assert settings["database"]["url"].startswith("sqlite:///")
    assert settings["queue"]["url"].endswith("queue.db")
    assert settings["phone"]["default_region"] == "CN"
    assert load(tmp_path)["app"]["secret_key"] == settings["app"]["secret_key"]


def test_file_overrides_defaults_and_environment_overrides_file(tmp_path):
    settings = load(tmp_path, '[sheet]\ninterval_seconds = 10\n[phone]\ndefault_region = "US"\n',
                    {"BACKOFFICE_SHEET__INTERVAL_SECONDS": "45"})
    assert settings["sheet"]["interval_seconds"] == 45
    assert settings["phone"]["default_region"] == "US"


@pytest.mark.parametrize(("text", "environ", "message"), [
    ("[sheet]\ninterval_seconds = 'soon'\n", {}, "sheet.interval_seconds: expected a number"),
    ("[database]\nurl = 'mysql://x'\n", {}, "database.url: must start with sqlite:/// or postgresql://"),
    ("[sheet]\nconflict_policy = 'newest'\n", {}, "sheet.conflict_policy: must be one of database, sheet"),
    ("[nope]\nx = 1\n", {}, "unknown section [nope]"),
    ("[app]\ncolour = 'red'\n", {}, "unknown key app.colour"),
    ("[app\n", {}, "is not valid TOML"),
    (None, {"BACKOFFICE_QUEUE__IMMEDIATE": "maybe"}, "queue.immediate: expected true or false"),
    (None, {"BACKOFFICE_APP__ENV": "production"}, "app.secret_key: required outside development"),
    (None, {"BACKOFFICE_TIERS__KEY_FROM": "2000000"}, "tiers.key_from: must be lower than tiers.strategic_from"),
    (None, {"BACKOFFICE_SECURITY__LOGIN_MAX_FAILURES": "-1"}, "security.login_max_failures: must not be negative"),
])
def test_bad_config_fails_with_one_line_naming_the_key(tmp_path, text, environ, message):
    with pytest.raises(config.ConfigError) as excinfo:
        load(tmp_path, text, environ)
    assert message in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_missing_config_file_is_named(tmp_path):
    with pytest.raises(config.ConfigError, match="does not exist"):
        config.load(tmp_path / "missing.toml", environ={})


def test_cli_prints_the_config_error_instead_of_a_traceback(tmp_path):
    from click.testing import CliRunner

    from backoffice.cli import cli
    result = CliRunner().invoke(cli, ["init-db"], env={
        "BACKOFFICE_APP__INSTANCE_PATH": str(tmp_path), "BACKOFFICE_DATABASE__URL": "oracle://x"})
    assert result.exit_code == 2
    assert "Configuration error: database.url" in result.output


def test_example_config_lists_every_key():
    import tomllib
    from pathlib import Path
    example = tomllib.loads((Path(__file__).parent.parent / "config.example.toml").read_text())
    assert {s: set(v) for s, v in example.items()} == {s: set(v) for s, v in config.DEFAULTS.items()}
