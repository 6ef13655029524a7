"""Realistic demo customers across tiers, stages, industries, regions and owners."""
from __future__ import annotations

import datetime as dt
import os
import random
import secrets
from decimal import Decimal
from pathlib import Path

from werkzeug.security import generate_password_hash

from . import actors, clock, rules, writer
from .db import db
from .models import CarePlan, Customer, Industry, Interaction, Tag, User, new_ref, utcnow
from .models.users import PASSWORD_METHOD

REGIONS = ("East China", "North China", "South China", "Central China", "Southwest", "Northeast")
COMPANY_WORDS = ("Hengda", "Jinlong", "Huaxin", "Tianyu", "Zhongke", "Ruitai", "Mingyang", "Dongfang",
                 "Xinghe", "Baosheng", "Anda", "Shengshi", "Kaiyuan", "Lianhua", "Yuanjing")
COMPANY_KINDS = ("Machinery", "Trading", "Logistics", "Technology", "Foods", "Pharma", "Textiles",
                 "Electronics", "Packaging", "Materials")
SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu")
GIVEN = ("Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Yan", "Jun", "Hui")
TITLES = ("manager", "director", "procurement head", "general manager", "engineer")
NEEDS = (None, "Wants volume pricing", "Evaluating a second supplier", "Budget set for Q3")
SUMMARIES = ("Checked in on last order", "Discussed renewal", "Sent product sheet", "Quarterly review")
PLAN_TITLES = {"call": "Follow-up call", "product-news": "Industry news"}
# The same demo as a Chinese office sees it (app.locale zh_CN): names, regions and words of its own.
ZH = {
    "regions": ("华东", "华北", "华南", "华中", "西南", "西北", "东北"),
    "cities": ("上海", "北京", "深圳", "苏州", "杭州", "广州", "成都", "武汉", "青岛", "宁波"),
    "company_words": ("恒达", "金龙", "华信", "天宇", "中科", "瑞泰", "明阳", "东方", "星河", "宝盛",
                      "安达", "盛世", "开元", "莲花", "远景"),
    "company_kinds": ("机械", "贸易", "物流", "科技", "食品", "医药", "纺织", "电子", "包装", "材料"),
    "surnames": ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"),
    "given": ("伟", "芳", "娜", "敏", "静", "磊", "强", "燕", "军", "慧", "建国", "晓明"),
    "titles": ("经理", "总监", "采购负责人", "总经理", "工程师"),
    "needs": (None, "希望获得批量采购价格", "正在评估第二家供应商", "第三季度预算已落实"),
    "summaries": ("回访上次订单情况", "沟通续约事宜", "发送产品资料", "季度业务回顾"),
    "plan_titles": {"call": "电话回访", "product-news": "行业资讯"},
}
BATCH = 500
DEMO = actors.Actor("system", "demo data")
DEMO_ADMIN = ("admin@example.com", "Ada Admin")
DEMO_STAFF = (("manager@example.com", "Mia Manager", "manager", True),
              ("rep1@example.com", "Ray Rep", "rep", False),
              ("rep2@example.com", "Rita Rep", "rep", False),
              ("rep3@example.com", "Rob Rep", "rep", False))
STAFF_NAMES_ZH = {"admin@example.com": "赵敏", "manager@example.com": "陈静", "rep1@example.com": "李伟",
                  "rep2@example.com": "王芳", "rep3@example.com": "张磊"}
NO_PASSWORD = "!"  # a hash no password matches: nobody signs in until an admin sets one
LOGIN_FILE = "demo-login.txt"


def _ensure_staff(password_hash: str, chinese: bool = False) -> list[User]:
    users = []
    for email, name, role, lead in DEMO_STAFF:
        user, _ = User.get_or_create(email=email, defaults={
            "name": STAFF_NAMES_ZH[email] if chinese else name, "role": role,
            "password_hash": password_hash, "is_sales_lead": lead})
        users.append(user)
    return users


def book_owners() -> list[int]:
    """Who owns demo customers: the active reps there are, else demo reps nobody can sign in as."""
    reps = [u.id for u in User.select(User.id).where((User.role == "rep") & User.active).order_by(User.id)]
    return reps or [u.id for u in _ensure_staff(NO_PASSWORD) if u.role == "rep"]


def create_demo_logins(settings) -> tuple[str, str] | None:
    """The demo's accounts, only on a database with no account yet and never in production:
    an admin, a manager and three reps sharing one generated password, returned to be shown.

    A fixed password would be known to anyone who has read this code."""
    if settings["app"]["env"] == "production" or User.select().exists():
        return None
    password = secrets.token_urlsafe(12)
    password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
    with db.atomic():
        chinese = _chinese(settings)
        User.create(email=DEMO_ADMIN[0], name=STAFF_NAMES_ZH[DEMO_ADMIN[0]] if chinese else DEMO_ADMIN[1],
                    role="admin", can_export_contacts=True, password_hash=password_hash)
        _ensure_staff(password_hash, chinese)
    return DEMO_ADMIN[0], password


def keep_login(instance_path: str, login: tuple[str, str]) -> None:
    """Keep the demo's login beside its database, readable by its owner only, to show at each start."""
    path = Path(instance_path) / LOGIN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(f"{login[0]}\n{login[1]}\n")


def kept_login(instance_path: str) -> tuple[str, str] | None:
    """The demo login kept at the first start, if this instance is the demo's."""
    path = Path(instance_path) / LOGIN_FILE
    if not path.is_file():
        return None
    lines = path.read_text().split()
    return (lines[0], lines[1]) if len(lines) >= 2 else None


def _credit_code(rnd: random.Random) -> str:
    body = "91" + "".join(rnd.choice("0123456789") for _ in range(6)) + "".join(
        rnd.choice(rules.CREDIT_ALPHABET) for _ in range(9))
    return body + rules.credit_check_char(body)


def _phone(rnd: random.Random) -> str:
    """A mobile number the phone rule accepts: not every 1xx prefix is a real mobile range."""
    while True:
        number = f"+861{rnd.choice('3589')}{rnd.randint(0, 9)}{rnd.randint(10_000_000, 99_999_999)}"
        try:
            return rules.phone(number, "CN")
        except rules.RuleError:
            continue


class DemoRefused(Exception):
    """A demo record the product's own rules refuse: a bug in this module, never stored."""


def _as_form(row: dict, rule_map: dict, names: dict[str, dict[int, str]]) -> dict:
    """The record as its form would show it (owners and industries by name, not id)."""
    form = {name: row[name] for name in rule_map if name in row}
    for name, lookup in names.items():
        if name in form:
            form[name] = lookup.get(form[name])
    return form


def checked(row: dict, rule_map: dict, names: dict[str, dict[int, str]]) -> dict:
    """`row` with every field through the same rules a panel form applies, stored as they clean it."""
    cleaned, errors = rules.check(rule_map, _as_form(row, rule_map, names))
    if errors:
        raise DemoRefused(f"{row.get('ref')}: " + "; ".join(errors.values()))
    return {**row, **{n: v for n, v in cleaned.items() if n not in names}}


def _rule_context(settings) -> tuple[rules.Context, dict[str, dict[int, str]]]:
    users = {u.id: u.email for u in User.select(User.id, User.email).where(User.active)}
    industries = {i.id: i.name for i in Industry.select(Industry.id, Industry.name)}
    region = (settings or {}).get("phone", {}).get("default_region", "CN")
    ctx = rules.Context(region=region, industries=tuple(sorted(industries.values())), tags=Tag.names(),
                        owners=frozenset(users.values()))
    return ctx, {"owner": users, "industry": industries}


def _chinese(settings) -> bool:
    return ((settings or {}).get("app") or {}).get("locale", "zh_CN") == "zh_CN"


def _person(rnd: random.Random, chinese: bool) -> str:
    if chinese:
        return rnd.choice(ZH["surnames"]) + rnd.choice(ZH["given"])
    return f"{rnd.choice(SURNAMES)} {rnd.choice(GIVEN)}"


def _company(rnd: random.Random, chinese: bool) -> str:
    if chinese:
        return (rnd.choice(ZH["cities"]) + rnd.choice(ZH["company_words"]) + rnd.choice(ZH["company_kinds"])
                + "有限公司")
    return f"{rnd.choice(COMPANY_WORDS)} {rnd.choice(COMPANY_KINDS)} Co., Ltd."


def _customer(rnd: random.Random, owners, industries, today: dt.date, settings) -> dict:
    purchase = Decimal(rnd.choice([0, 20_000, 80_000, 150_000, 300_000, 600_000, 800_000,
                                   1_200_000, 2_500_000])) + Decimal(rnd.randint(0, 99_999))
    company = rnd.random() < 0.85
    chinese = _chinese(settings)
    name = _company(rnd, chinese) if company else _person(rnd, chinese)
    stage = rnd.choices(rules.STAGES, weights=(30, 20, 40, 10))[0]
    first = today - dt.timedelta(days=rnd.randint(10, 1500))
    tiers = settings["tiers"]
    return {
        "ref": new_ref("CU"), "name": name, "kind": "company" if company else "individual",
        "credit_code": _credit_code(rnd) if company and rnd.random() < 0.7 else None,
        "industry": rnd.choice(industries), "region": rnd.choice(ZH["regions"] if chinese else REGIONS),
        "source": rnd.choice(rules.SOURCES),
        "contact_name": _person(rnd, chinese), "contact_title": rnd.choice(ZH["titles"] if chinese else TITLES),
        "phone": _phone(rnd),
        "email": f"contact{rnd.randint(1, 10**7)}@example.com" if rnd.random() < 0.8 else None,
        "employees": rnd.choice([5, 20, 80, 300, 1200]) if company else None,
        "annual_purchase": purchase, "stage": stage,
        "tier": rules.tier_for(purchase, tiers["strategic_from"], tiers["key_from"]),
        "churn_risk": rnd.choices(rules.CHURN_RISKS, weights=(70, 20, 10))[0],
        "tags": rnd.choice([None, "loyal", "high-potential", "price-sensitive, technical", "at-risk"]),
        "owner": rnd.choice(owners), "first_contact": first,
        "cooperation_since": first + dt.timedelta(days=30) if stage == "deal" else None,
        "birthday": dt.date(1970 + rnd.randint(0, 30), rnd.randint(1, 12), rnd.randint(1, 28)) if not company else None,
        "anniversary": first.replace(day=min(first.day, 28)) if stage == "deal" else None,
        "verified_at": today - dt.timedelta(days=rnd.randint(0, 200)),
        "needs": rnd.choice(ZH["needs"] if chinese else NEEDS),
        "created_at": utcnow() - dt.timedelta(days=rnd.randint(0, 365)),
    }


def make_demo_data(count: int, seed: int = 7, settings=None, progress=lambda n: None,
                   today: dt.date | None = None) -> dict[str, int]:
    """Insert in batches; one history row per created record says where it came from.

    Every customer and plan passes the same rules as the panel's forms first, so an admin
    who opens a demo record can save it without fixing a field they never touched."""
    rnd = random.Random(seed)
    today = today or clock.today()
    owners = book_owners()
    industries = [i.id for i in Industry.select()]
    ctx, names = _rule_context(settings)
    customer_rules, plan_rules = rules.customer_rules(ctx), rules.plan_rules(ctx)
    chinese = _chinese(settings)
    plan_titles, summaries = (ZH["plan_titles"], ZH["summaries"]) if chinese else (PLAN_TITLES, SUMMARIES)
    made = {"customers": 0, "plans": 0, "interactions": 0}
    for start in range(0, count, BATCH):
        rows = [checked(_customer(rnd, owners, industries, today, settings), customer_rules, names)
                for _ in range(min(BATCH, count - start))]
        with writer.Batch(DEMO) as batch:
            batch.insert(Customer, rows)
            ids = writer.ids_by_ref(Customer, [r["ref"] for r in rows])
            batch.made(Customer.history_table, ((ids[r["ref"]], r["ref"]) for r in rows))
            plans, touches, churn = [], [], []
            for c in rows:
                pk, owner = ids[c["ref"]], c["owner"]
                if c["stage"] == "lost":  # lost at some day since it was made: the review counts churn from this
                    lost_at = c["created_at"] + (utcnow() - c["created_at"]) * rnd.random()
                    churn.append({"actor_kind": DEMO.kind, "actor_label": DEMO.label, "table": "customer",
                                  "record_id": pk, "record_ref": c["ref"], "action": "update", "field": "stage",
                                  "old": "deal", "new": "lost", "at": lost_at})
                action = "call" if c["stage"] in ("deal", "intent") else "product-news"
                plans.append({"ref": new_ref("CP"), "customer": pk, "owner": owner,
                              "title": plan_titles[action],
                              "action": action, "channel": "phone" if action == "call" else "email",
                              "interval_days": 14 if action == "call" else 30,
                              "next_due": today + dt.timedelta(days=rnd.randint(-10, 20)), "status": "active"})
                for _ in range(rnd.randint(0, 3)):
                    touches.append({"customer": pk, "user": owner, "channel": "phone",
                                    "at": utcnow() - dt.timedelta(days=rnd.randint(0, 90)),
                                    "summary": rnd.choice(summaries),
                                    "sentiment": rnd.choices(rules.FEEDBACK, weights=(5, 4, 1))[0]})
            plans = [checked(plan, plan_rules, {"owner": names["owner"]}) for plan in plans]
            batch.insert(CarePlan, plans)
            batch.insert(Interaction, touches)
            batch.note(churn)
        made["customers"] += len(rows)
        made["plans"] += len(plans)
        made["interactions"] += len(touches)
        progress(len(rows))
    return made


def prepare(settings, create: bool, customers: int = 300) -> str:
    """The demo on a database this start has just created (never in production): its logins
    and `customers` customers. Returns the line that tells how to sign in."""
    instance = settings["app"]["instance_path"]
    if create:
        login = create_demo_logins(settings)
        if login:
            keep_login(instance, login)
            make_demo_data(customers, settings=settings)
    login = kept_login(instance)
    if login:
        admin = User.get_or_none((User.email == login[0]) & User.active)
        if admin is not None and admin.check_password(login[1]):
            return (f"Log in: {login[0]} / {login[1]} (the same password for manager@example.com "
                    f"and rep1@example.com ... rep3@example.com)")
    if not User.select().where(User.active).exists():
        return "Log in: nobody can yet; add an admin with `backoffice create-user EMAIL --role admin`"
    return "Log in: with your own account"
