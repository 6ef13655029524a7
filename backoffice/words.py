"""The users' words for every enum: stored keys stay English, people read and type either language.

The Chinese words come from the playbooks (see the glossary); the English word is the key
itself. `accepted` lists what may be typed for each key, in both languages, and is what the
rules match against; `label` is what a person reads, in the language being spoken.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# domain -> key -> (the Chinese word, other Chinese words people type for it)
ZH: dict[str, dict[str, tuple[str, ...]]] = {
    "kind": {"company": ("企业", "公司", "企业客户"), "individual": ("个人", "个人客户")},
    "source": {"website form": ("官网注册", "官网", "网站"), "exhibition": ("展会",),
               "referral": ("客户推荐", "推荐", "转介绍"), "sales visit": ("销售拜访", "拜访"),
               "partner": ("合作伙伴",), "other": ("其他",)},
    "stage": {"potential": ("潜在客户", "潜在"), "intent": ("意向客户", "意向"),
              "deal": ("成交客户", "成交"), "lost": ("流失客户", "流失")},
    "tier": {"strategic": ("战略客户", "战略"), "key": ("重点客户", "重点"),
             "ordinary": ("普通客户", "普通")},
    "closeness": {"tight": ("紧密型", "紧密"), "stable": ("稳定型", "稳定"),
                  "loose": ("一般型", "一般", "松散")},
    "churn_risk": {"high": ("高", "高风险"), "medium": ("中", "中风险"), "low": ("低", "低风险")},
    "industry": {"manufacturing": ("制造业", "制造"), "retail": ("零售业", "零售"),
                 "services": ("服务业", "服务"), "technology": ("信息技术", "科技", "IT"),
                 "finance": ("金融业", "金融"), "healthcare": ("医疗健康", "医疗"),
                 "logistics": ("物流运输", "物流"), "other": ("其他",)},
    "tag": {"high-potential": ("高潜力",), "to-reactivate": ("待激活",), "loyal": ("忠诚客户", "忠诚"),
            "at-risk": ("风险客户",), "price-sensitive": ("价格敏感",),
            "technical": ("技术要求高",), "long-term-partner": ("长期合作",)},
    "role": {"admin": ("系统管理员", "管理员"), "manager": ("销售主管", "主管"),
             "rep": ("销售代表", "客服专员")},
    "action": {"deep-review": ("深度沟通",), "call": ("电话回访", "回访"), "greeting": ("节日问候", "问候"),
               "report": ("行业报告", "报告"), "product-news": ("新品资讯", "资讯"),
               "visit": ("上门拜访",), "survey": ("满意度调研", "调研")},
    "channel": {"phone": ("电话",), "visit": ("拜访", "上门"), "video": ("视频",), "email": ("邮件", "电子邮件"),
                "messaging": ("微信/即时消息", "微信", "即时消息")},
    "plan_status": {"active": ("进行中",), "paused": ("已暂停", "暂停"), "done": ("已结束", "结束")},
    "feedback": {"positive": ("正面",), "neutral": ("中性",), "negative": ("负面",)},
    # Service tickets' default dictionaries (admins add options, with their own Chinese labels).
    "ticket_status": {"new": ("新建",), "assigned": ("已分派",), "in progress": ("处理中",),
                      "resolved": ("已解决",), "closed": ("已关闭",)},
    "ticket_category": {"product quality": ("产品质量",), "logistics delay": ("物流延迟",),
                        "after-sales support": ("售后支持",), "billing dispute": ("账务争议",),
                        "other": ("其他",)},
    "ticket_priority": {"urgent": ("紧急",), "normal": ("一般",), "low": ("低",)},
    "department": {"technical": ("技术部",), "supply chain": ("供应链部",), "finance": ("财务部",),
                   "customer service": ("客服部",)},
}


def squeeze(text: str) -> str:
    """What two spellings of one word share: full-width folded, case and spacing ignored."""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    return re.sub(r"[\s_\-]+", "", folded)


def label(domain: str, key: str | None, locale: str = "en") -> str:
    """How `key` reads in `locale` (a key the glossary does not know reads as itself)."""
    if not key:
        return ""
    if locale == "zh_CN":
        words = ZH.get(domain, {}).get(key)
        if words:
            return words[0]
    return key


def accepted(domain: str, key: str) -> tuple[str, ...]:
    """Every word that may be typed for `key`: the key, its spelling with spaces, the Chinese."""
    return (key, key.replace("-", " "), *ZH.get(domain, {}).get(key, ()))


def find(domain: str, typed: str, options: Iterable[str]) -> str | None:
    """The key among `options` that `typed` names, in either language, or None."""
    wanted = squeeze(typed)
    if not wanted:
        return None
    for option in options:
        if any(squeeze(word) == wanted for word in accepted(domain, option)):
            return option
    return None


def labels(domain: str, options: Iterable[str], locale: str = "en") -> list[str]:
    return [label(domain, o, locale) for o in options]


# field -> its Chinese column headers (the first is what downloads and `sheet init` write) of
# the fields backoffice.schema does not declare (it declares a customer's own); a CSV file or
# sheet may use any of them, or the English field name. The sheet's columns read theirs from here.
HEADERS_ZH: dict[str, tuple[str, ...]] = {
    "ref": ("编号", "ID号"), "sync_status": ("同步状态", "状态说明"), "archived": ("已归档",),
    "updated_at": ("更新时间",),
    "customer": ("客户",), "customer_ref": ("客户编号",), "title": ("计划名称", "计划"),
    "action": ("维护方式", "方式"), "channel": ("沟通渠道", "渠道"), "interval_days": ("周期(天)", "周期"),
    "next_due": ("下次到期", "到期日"), "last_done": ("上次完成",), "status": ("状态",),
    "notes": ("备注",), "at": ("跟进时间", "时间"), "by": ("跟进人",), "summary": ("沟通内容",),
    "feedback": ("客户反馈",), "sentiment": ("反馈倾向",), "next_action": ("下一步计划",),
    "responded_at": ("响应时间",), "who": ("操作人",), "record": ("记录编号",), "field": ("字段",),
    "old": ("原值",), "new": ("新值",), "done_on": ("完成日期",), "outcome": ("完成情况",),
}


@lru_cache(maxsize=1)
def _headers_zh() -> dict[str, tuple[str, ...]]:
    """Every field's Chinese headers: the schema's declared fields', then the rest."""
    from .schema import RECORDS  # the schema's rules use this module's words: it imports it
    declared: dict[str, tuple[str, ...]] = {}
    for record in RECORDS:
        for name, zh in record.headers_zh.items():
            declared.setdefault(name, zh)
    return {**declared, **HEADERS_ZH}


# Where a field of one record reads otherwise than the same field of another (a ticket's title
# is not a plan's): record (the history's table name) -> field -> its Chinese headers.
HEADERS_ZH_OF: dict[str, dict[str, tuple[str, ...]]] = {
    "customer": {"name": ("客户名称", "客户", "公司名称")},
    "care plan": {"ref": ("编号", "计划编号", "ID号"), "customer_name": ("客户", "客户名称")},
    "ticket": {"ref": ("工单编号", "编号", "ID号"), "customer_name": ("客户", "客户名称"),
               "title": ("工单标题", "问题标题", "标题"), "description": ("问题描述", "描述"),
               "category": ("问题类别", "类别"), "priority": ("优先级",), "department": ("处理部门", "部门"),
               "assignee": ("处理人",), "channel": ("来源渠道", "渠道"), "status": ("状态", "工单状态"),
               "resolution": ("解决方案",), "satisfaction": ("满意度", "客户满意度")},
}

# The sheet's tabs: table -> (the Chinese title `sheet init` gives a tab, other titles it is known by).
TABS_ZH: dict[str, tuple[str, ...]] = {
    "customer": ("客户", "客户档案"), "care plan": ("关怀计划", "维护计划"), "ticket": ("工单", "服务工单"),
}


def headers_zh(field: str, record: str | None = None) -> tuple[str, ...]:
    """The Chinese headers of `field` in `record`'s tab or file (the first is the one written)."""
    return HEADERS_ZH_OF.get(record or "", {}).get(field) or _headers_zh().get(field, ())


def header(field: str, locale: str = "en") -> str:
    """A download's column header: the field name, or its Chinese header."""
    if locale == "zh_CN" and field in _headers_zh():
        return _headers_zh()[field][0]
    return field


def field_for_header(text: str) -> str | None:
    """The field a Chinese header names (full-width brackets and spacing ignored)."""
    wanted = squeeze(text)
    for field, names in _headers_zh().items():
        if any(squeeze(n) == wanted for n in names):
            return field
    return None
