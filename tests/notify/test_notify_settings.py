"""Bad [notify] settings stop the program at start with one line naming the key."""
import pytest

from backoffice import config


def load(tmp_path, environ):
    return config.load(environ={"BACKOFFICE_APP__INSTANCE_PATH": str(tmp_path / "instance"), **environ})


@pytest.mark.parametrize(("environ", "message"), [
    ({"BACKOFFICE_NOTIFY__SMTP_HOST": "smtp://mail.example.com"},
     "notify.smtp_host: expected a host name such as smtp.example.com, got 'smtp://mail.example.com'"),
    ({"BACKOFFICE_NOTIFY__SMTP_PORT": "70000"}, "notify.smtp_port: must be between 1 and 65535"),
    ({"BACKOFFICE_NOTIFY__SMTP_SECURITY": "ssl"}, "notify.smtp_security: must be one of none, starttls, tls"),
    ({"BACKOFFICE_NOTIFY__SMTP_USERNAME": "care"}, "notify.smtp_password: required with smtp_username"),
    ({"BACKOFFICE_NOTIFY__SMTP_USERNAME": "care", "BACKOFFICE_NOTIFY__SMTP_PASSWORD": "x",
      "BACKOFFICE_NOTIFY__SMTP_SECURITY": "none"}, "notify.smtp_security: a login needs starttls or tls"),
    ({"BACKOFFICE_NOTIFY__SMTP_CA_FILE": "/nowhere/ca.pem"}, "notify.smtp_ca_file: no such file"),
    ({"BACKOFFICE_NOTIFY__FROM_ADDRESS": "care team"}, "notify.from_address: expected an e-mail address"),
    ({"BACKOFFICE_NOTIFY__DIGEST_TIME": "8.30"}, "notify.digest_time: expected a time of day such as 08:30"),
    ({"BACKOFFICE_NOTIFY__WECOM_WEBHOOK": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"},
     "notify.wecom_webhook: a WeCom webhook address ends with ?key="),
    ({"BACKOFFICE_NOTIFY__DINGTALK_WEBHOOK": "oapi.dingtalk.com/robot/send?access_token=abc"},
     "notify.dingtalk_webhook: a DingTalk webhook must be an https:// address"),
    ({"BACKOFFICE_NOTIFY__DINGTALK_SECRET": "my-secret"},
     "notify.dingtalk_secret: a DingTalk signing secret starts with SEC"),
    ({"BACKOFFICE_NOTIFY__MAX_ATTEMPTS": "0"}, "notify.max_attempts: must be at least 1"),
])
def test_bad_notify_settings_fail_with_one_line_naming_the_key(tmp_path, environ, message):
    with pytest.raises(config.ConfigError) as excinfo:
        load(tmp_path, environ)
    assert message in str(excinfo.value) and "\n" not in str(excinfo.value)


def test_good_notify_settings_load(tmp_path):
    settings = load(tmp_path, {
        "BACKOFFICE_NOTIFY__SMTP_HOST": "smtp.exmail.qq.com", "BACKOFFICE_NOTIFY__SMTP_SECURITY": "tls",
        "BACKOFFICE_NOTIFY__SMTP_USERNAME": "care@example.com", "BACKOFFICE_NOTIFY__SMTP_PASSWORD": "x",
        "BACKOFFICE_NOTIFY__FROM_ADDRESS": "客户关怀 <care@example.com>",
        "BACKOFFICE_NOTIFY__WECOM_WEBHOOK": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        "BACKOFFICE_NOTIFY__DINGTALK_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "BACKOFFICE_NOTIFY__DINGTALK_SECRET": "SEC" + "0a" * 16, "BACKOFFICE_NOTIFY__DIGEST_TIME": "7:45"})
    assert settings["notify"]["smtp_security"] == "tls" and settings["care"]["first_touch_days"] == 3


def test_the_cli_stops_on_a_bad_webhook_with_one_line(tmp_path):
    from click.testing import CliRunner

    from backoffice.cli import cli
    result = CliRunner().invoke(cli, ["init-db"], env={
        "BACKOFFICE_APP__INSTANCE_PATH": str(tmp_path), "BACKOFFICE_NOTIFY__WECOM_WEBHOOK": "not a url"})
    assert result.exit_code == 2
    assert "Configuration error: notify.wecom_webhook: a WeCom webhook must be an https:// address" in result.output
