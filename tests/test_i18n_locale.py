"""Each person's language: Chinese by default, English on request, and the page says which."""
from __future__ import annotations

import pytest

from backoffice import create_app
from backoffice.db import db
from backoffice.i18n import _, speaking
from backoffice.migrations import migrate
from backoffice.models import User
from tests.conftest import AuthActions, make_user


@pytest.fixture
def zh_app(settings):
    settings["app"]["locale"] = "zh_CN"
    app = create_app({"TESTING": True, "SYNC_ON_SAVE": False}, settings=settings)
    db.connect(reuse_if_open=True)
    migrate()
    yield app
    if not db.is_closed():
        db.close()


def test_a_new_user_reads_the_panel_in_chinese_with_flask_admins_own_words(zh_app):
    make_user()
    client = zh_app.test_client()
    AuthActions(client).login()
    page = client.get("/admin/customers/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "系统管理员" in page  # the role, in the users' words
    assert "新建" in page or "创建" in page  # Flask-Admin's own zh_Hans_CN catalogue


def test_a_person_switches_their_own_account_to_english_and_it_stays(zh_app):
    user = make_user()
    client = zh_app.test_client()
    auth = AuthActions(client)
    auth.login()
    token = auth.csrf_token("/admin/")
    response = client.post("/language", data={"locale": "en", "next": "/admin/customers/",
                                              "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/customers/")
    assert User.get_by_id(user.id).locale == "en"
    page = client.get("/admin/customers/").get_data(as_text=True)
    assert '<html lang="en">' in page and "中文" in page  # the way back is offered in Chinese


def test_the_language_switch_refuses_unknown_languages_and_other_hosts(zh_app):
    user = make_user()
    client = zh_app.test_client()
    auth = AuthActions(client)
    auth.login()
    token = auth.csrf_token("/admin/")
    response = client.post("/language", data={"locale": "fr", "next": "https://evil.example/",
                                              "csrf_token": token})
    assert "evil" not in response.headers["Location"]
    assert User.get_by_id(user.id).locale is None


def test_code_outside_a_request_speaks_the_language_it_is_told():
    with speaking("zh_CN"):
        assert _("Customers") == "客户"
    assert _("Customers") == "Customers"


def test_the_customer_form_labels_are_in_the_persons_language(zh_app):
    make_user()
    client = zh_app.test_client()
    AuthActions(client).login()
    page = client.get("/admin/customers/new/").get_data(as_text=True)
    assert "统一社会信用代码" in page and "近12个月采购额(元)" in page


def test_an_admin_sets_a_users_language_in_the_users_form(app, client, auth):
    make_user()
    rep = make_user("rep@example.com", role="rep")
    auth.login()
    page = client.get(f"/admin/users/edit/?id={rep.id}").get_data(as_text=True)
    assert 'name="locale"' in page and "中文" in page
