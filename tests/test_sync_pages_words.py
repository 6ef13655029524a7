"""The Sync runs, Conflicts and playbook pages read in the user's language; URLs keep the English keys."""
from __future__ import annotations

import html
import json
import re

from backoffice.models import Conflict, SyncRun
from tests.conftest import make_user


def filters_of(page: str) -> dict[str, dict[str, list]]:
    """The list's filters as the page offers them: group -> {URL argument: [(key, words)]}."""
    data = re.search(r'<div id="filter-groups-data"[^>]*>(.*?)</div>', page, re.S).group(1)
    return {group: {f["arg"]: [tuple(o) for o in f["options"] or ()] for f in filters}
            for group, filters in json.loads(html.unescape(data)).items()}


def cells(page: str) -> str:
    body = page[page.index("model-list"):]
    body = body[body.index("</thead>"):body.index("</table>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_sync_runs_show_and_filter_trigger_and_status_in_chinese(app, client, auth):
    make_user(locale="zh_CN")
    SyncRun.create(trigger="manual", status="failed", error="boom")
    SyncRun.create(trigger="cli", status="ok")
    auth.login()
    page = client.get("/admin/sync_runs/").get_data(as_text=True)
    assert "手动" in cells(page) and "失败" in cells(page) and "命令行" in cells(page)
    groups = filters_of(page)
    assert ("failed", "失败") in groups["状态"]["status_equals"]
    assert ("manual", "手动") in groups["触发方式"]["trigger_equals"]
    failed = cells(client.get("/admin/sync_runs/?flt0_status_equals=failed").get_data(as_text=True))
    assert "失败" in failed and "命令行" not in failed


def test_conflicts_show_kind_field_and_kept_side_in_chinese(app, client, auth):
    make_user(locale="zh_CN")
    Conflict.create(table="customer", ref="C-1", field="email", sheet_value="a@b.cn",
                    database_value="c@d.cn", kept="sheet")
    Conflict.create(table="care plan", ref="P-1", field="next_due", kept="database")
    auth.login()
    page = client.get("/admin/conflicts/").get_data(as_text=True)
    shown = cells(page)
    assert "客户 C-1 电子邮箱" in shown and "email" not in shown.replace("a@b.cn", "")
    assert "下次到期" in shown and "表格" in shown
    groups = filters_of(page)
    assert ("customer", "客户") in groups["类型"]["kind_equals"]
    assert ("email", "电子邮箱") in groups["字段"]["field_equals"]
    assert ("sheet", "表格") in groups["保留"]["kept_equals"]
    plans = cells(client.get("/admin/conflicts/?flt0_kind_equals=care+plan").get_data(as_text=True))
    assert "P-1" in plans and "C-1" not in plans


def test_the_playbook_lists_tiers_and_stages_in_the_users_words(app, client, auth):
    make_user(locale="zh_CN")
    auth.login()
    shown = cells(client.get("/admin/playbook/").get_data(as_text=True))
    assert "成交客户" in shown and "战略客户" in shown
    assert not re.search(r"\b(stage|tier|deal|strategic)\b", shown)


def test_an_english_speaker_reads_the_english_words(app, client, auth):
    make_user(locale="en")
    SyncRun.create(trigger="manual", status="failed")
    auth.login()
    page = client.get("/admin/sync_runs/").get_data(as_text=True)
    assert "by hand" in cells(page) and ("failed", "failed") in filters_of(page)["Status"]["status_equals"]
