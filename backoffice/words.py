"""The users' words for every enum: stored keys stay English, people read and type either language.

The Chinese words come from the playbooks (see the glossary); the English word is the key
itself. `accepted` lists what may be typed for each key, in both languages, and is what the
rules match against; `label` is what a person reads, in the language being spoken.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

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
