"""Every rule of the domain, as plain functions: the panel, the sheet sync and the CSV import call these."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from . import words
from .i18n import _, current_locale

KINDS = ("company", "individual")
SOURCES = ("website form", "exhibition", "referral", "sales visit", "partner", "other")
STAGES = ("potential", "intent", "deal", "lost")
TIERS = ("strategic", "key", "ordinary")
CLOSENESS = ("tight", "stable", "loose")
CHURN_RISKS = ("low", "medium", "high")
ROLES = ("admin", "manager", "rep")
PLAN_ACTIONS = ("deep-review", "call", "greeting", "report", "product-news", "visit", "survey")
CHANNELS = ("phone", "visit", "video", "email", "messaging")
PLAN_STATUSES = ("active", "paused", "done")
FEEDBACK = ("positive", "neutral", "negative")
DEFAULT_INDUSTRIES = ("manufacturing", "retail", "services", "technology", "finance",
                      "healthcare", "logistics", "other")
DEFAULT_TAGS = ("high-potential", "to-reactivate", "loyal", "at-risk", "price-sensitive",
                "technical", "long-term-partner")

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
SHEET_EPOCH = dt.date(1899, 12, 30)
CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")
MONEY_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}  # 120万 is 1,200,000


class RuleError(ValueError):
    """A value broke a rule; the message is written for the person who typed it."""


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _folded(text: str) -> str:
    """Full-width digits, letters and signs as their ASCII twins: "１２００" is "1200"."""
    return unicodedata.normalize("NFKC", text)


def text(value, *, max_length: int = 200) -> str | None:
    if value is None:
        return None
    cleaned = str(value).strip()
    if not cleaned:
        return None
    if len(cleaned) > max_length:
        raise RuleError(_("is %(length)s characters long; at most %(most)s allowed",
                          length=f"{len(cleaned):,}", most=f"{max_length:,}"))
    return cleaned


def choice(value, options: Iterable[str], domain: str = "") -> str | None:
    """One of `options` (stored keys), typed as the key or, for a `domain` of backoffice.words,
    as its word in either language; case, spacing and full-width forms do not matter."""
    cleaned = text(value, max_length=100)
    if cleaned is None:
        return None
    options = tuple(options)
    found = words.find(domain, cleaned, options)
    if found is not None:
        return found
    shown = ", ".join(words.labels(domain, options, current_locale()))
    raise RuleError(_('"%(value)s" is not one of: %(options)s', value=_shown(value), options=shown))


def phone(value, region: str = "CN") -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value))  # a number cell lost its "+"; treat it as digits
    cleaned = text(value, max_length=40)
    if cleaned is None:
        return None
    try:
        number = phonenumbers.parse(_folded(cleaned), region)  # "138 0013 8000", "+86 138-0013-8000"
    except phonenumbers.NumberParseException:
        raise RuleError(_('"%(value)s" is not a phone number', value=_shown(value))) from None
    if not phonenumbers.is_valid_number(number):
        raise RuleError(_('"%(value)s" is not a valid phone number', value=_shown(value)))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(value) -> str | None:
    cleaned = text(value, max_length=254)
    if cleaned is None:
        return None
    try:
        result = validate_email(cleaned, check_deliverability=False)
    except EmailNotValidError:
        raise RuleError(_('"%(value)s" is not a valid address', value=_shown(value))) from None
    return result.normalized


def credit_code(value) -> str | None:
    cleaned = text(value, max_length=40)
    if cleaned is None:
        return None
    code = _folded(cleaned).upper().replace(" ", "")
    if len(code) != 18 or any(ch not in CREDIT_ALPHABET for ch in code):
        raise RuleError(_('"%(value)s" is not a credit code (18 digits and capital letters)',
                          value=_shown(value)))
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(code[:17], CREDIT_WEIGHTS, strict=True))
    if CREDIT_ALPHABET[(31 - total % 31) % 31] != code[17]:
        raise RuleError(_('"%(value)s" has a wrong check character; please re-check the code',
                          value=_shown(value)))
    return code


def credit_check_char(first17: str) -> str:
    """The check character for 17 characters (used to make demo data)."""
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200


def password(value, personal: Iterable[str] = ()) -> str:
    """A new password: long enough and not guessable from breach lists, words or `personal`
    facts (the account's email and name). Checked offline against zxcvbn's bundled lists."""
    from zxcvbn import zxcvbn  # loads its word lists on first use, not at every import

    from .i18n import _
    value = value or ""
    if len(value) < PASSWORD_MIN_LENGTH:
        raise RuleError(_("The password must be at least %(least)d characters long; this one has %(has)d.",
                          least=PASSWORD_MIN_LENGTH, has=len(value)))
    if len(value) > PASSWORD_MAX_LENGTH:
        raise RuleError(_("The password may be at most %(most)d characters long.", most=PASSWORD_MAX_LENGTH))
    hints = [part for item in personal if item for part in re.split(r"[@.\s]+", item) if len(part) > 2]
    # Only the first 100 characters are scored: beyond them a password is strong anyway, and
    # the scoring time grows with the square of the length.
    verdict = zxcvbn(value, user_inputs=hints, max_length=100)
    if verdict["score"] >= 3:
        return value
    sources = {m.get("dictionary_name") for m in verdict["sequence"] if m["pattern"] == "dictionary"}
    if "user_inputs" in sources:
        raise RuleError(_("The password is too close to the account's email or name; choose something unrelated."))
    if "passwords" in sources:
        raise RuleError(_("The password is one of those most often found in breaches, which attackers "
                          "try first; choose a phrase of unrelated words."))
    raise RuleError(_("The password is too easy to guess (a common word, name, date, sequence or "
                      "keyboard pattern); add more unrelated words."))


# Rules of a whole record, beyond each field: each returns {field: why} for the fields it refuses.

def password_change_problems(new: str, repeat: str, current: str | None = None) -> dict[str, str]:
    """A password change beyond the password itself: a new one, typed the same twice
    (`current` is None when an admin sets it; the password rule itself is `password`)."""
    if current is not None and new == current:
        return {"new": _("Choose a password different from the current one.")}
    if new != repeat:
        return {"repeat": _("The two new passwords are not the same.")}
    return {}


def account_problems(values: Mapping[str, object], created: bool, own: bool) -> dict[str, str]:
    """A user account as an admin saves it: a new one needs a password, and an admin who saves
    their own account keeps their admin access (else nobody might have it)."""
    problems = {}
    if created and not values.get("password"):
        problems["new_password"] = _("Give the new user a password.")
    if own and (values.get("role") != "admin" or not values.get("active")):
        problems["role"] = _("You cannot remove your own admin access.")
    return problems


def credit_code_problems(code: str | None, holder: tuple[str, str] | None, shown: bool = False) -> dict[str, str]:
    """A credit code belongs to one customer. `holder` is the (ref, name) of another customer that
    has `code` already (None: nobody else). Only a reader `shown` that customer (one who may see
    it) is told which it is: a rep learns only that the code is taken."""
    if not code or holder is None:
        return {}
    if shown:
        return {"credit_code": _("Customer %(ref)s (%(name)s) already has this credit code.",
                                 ref=holder[0], name=holder[1])}
    return {"credit_code": _("This credit code is already used by another customer. "
                             "Ask a manager if you think it is wrong.")}


def playbook_step_problems(values: Mapping[str, object]) -> dict[str, str]:
    """A playbook step applies to one tier or one stage, and repeats at least every day."""
    from .i18n import word
    problems = {}
    applies_to = str(values.get("applies_to") or "")
    allowed, domain = (TIERS, "tier") if applies_to == "tier" else (STAGES, "stage")
    if values.get("value") not in allowed:
        problems["value"] = _("A %(what)s is one of: %(options)s.", what=_(applies_to),
                              options=", ".join(word(domain, option) for option in allowed))
    interval = values.get("interval_days")
    if not interval or int(interval) < 1:
        problems["interval_days"] = _("Every (days) must be at least 1.")
    return problems


def money(value) -> Decimal | None:
    """An amount in yuan: `1200000`, `1,200,000.00`, `¥1,200,000`, `120万`, `1.2亿`, `１２００元`."""
    if isinstance(value, float):
        value = repr(value)  # keep what was typed, not the binary float
    cleaned = text(value, max_length=30) if not isinstance(value, Decimal | int) else str(value)
    if cleaned is None:
        return None
    typed = re.sub(r"[\s,¥]", "", _folded(cleaned)).removesuffix("元")
    unit = MONEY_UNITS.get(typed[-1:], Decimal(1))
    if unit != 1:
        typed = typed[:-1]
    try:
        amount = Decimal(typed) * unit
    except InvalidOperation:
        raise RuleError(_('"%(value)s" is not an amount of money', value=_shown(value))) from None
    if not amount.is_finite():
        raise RuleError(_('"%(value)s" is not an amount of money', value=_shown(value)))
    if amount < 0:
        raise RuleError(_('"%(value)s" is negative; amounts must be 0 or more', value=_shown(value)))
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise RuleError(_('"%(value)s" has more than 2 decimal places', value=_shown(value)))
    if amount > MAX_MONEY:
        raise RuleError(_('"%(value)s" is too large', value=_shown(value)))
    return amount.quantize(CENT)


def count(value) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    cleaned = text(value, max_length=20) if not isinstance(value, int) else str(value)
    if cleaned is None:
        return None
    try:
        number = int(re.sub(r"[\s,]", "", _folded(cleaned)).removesuffix("人"))
    except ValueError:
        raise RuleError(_('"%(value)s" is not a whole number', value=_shown(value))) from None
    if number < 0:
        raise RuleError(_('"%(value)s" is negative; it must be 0 or more', value=_shown(value)))
    if number > 2_000_000_000:
        raise RuleError(_('"%(value)s" is too large', value=_shown(value)))
    return number


def positive_count(value) -> int | None:
    number = count(value)
    if number == 0:
        raise RuleError(_("must be at least 1"))
    return number


def date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value <= 2_958_465:  # the sheet's own range of serial dates
            raise RuleError(_('"%(value)s" is not a date', value=_shown(value)))
        return SHEET_EPOCH + dt.timedelta(days=int(value))
    cleaned = text(value, max_length=40)
    if cleaned is None:
        return None
    # 2024-05-01, 2024/5/1, 2024.5.1 and 2024年5月1日, optionally followed by a time
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T ].*)?",
                         _folded(cleaned))
    if not match:
        raise RuleError(_('"%(value)s" is not a date; write it as YYYY-MM-DD', value=_shown(value)))
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise RuleError(_('"%(value)s" is not a real date', value=_shown(value))) from None


def to_serial(day: dt.date) -> int:
    """A date as the sheet's serial number."""
    return (day - SHEET_EPOCH).days


def names_list(value, allowed: Iterable[str], domain: str = "") -> str | None:
    """A comma-separated list of dictionary words, returned in a canonical order."""
    cleaned = text(value, max_length=1000)
    if cleaned is None:
        return None
    allowed = list(allowed)
    picked = set()
    for part in (p.strip() for p in re.split(r"[,;，、]", cleaned)):
        if part:
            picked.add(choice(part, allowed, domain))
    return ", ".join(name for name in allowed if name in picked) or None


# -- Derived values ---------------------------------------------------------

def tier_for(annual_purchase: Decimal | None, strategic_from: float = 1_000_000,
             key_from: float = 500_000) -> str:
    amount = annual_purchase or Decimal(0)
    if amount >= Decimal(str(strategic_from)):
        return "strategic"
    if amount >= Decimal(str(key_from)):
        return "key"
    return "ordinary"


def closeness_for(interactions_last_30_days: int) -> str:
    if interactions_last_30_days >= 2:
        return "tight"
    return "stable" if interactions_last_30_days == 1 else "loose"


# -- Records ------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    label: str
    clean: Callable
    required: bool = False


@dataclass
class Context:
    """What the rules need to know beyond the value itself (dictionaries, users, settings)."""
    region: str = "CN"
    industries: tuple[str, ...] = DEFAULT_INDUSTRIES
    tags: tuple[str, ...] = DEFAULT_TAGS
    owners: frozenset[str] = field(default_factory=frozenset)  # user logins
    tickets: TicketWords = field(default_factory=lambda: TicketWords())  # ticket dictionaries


class OnFirstUse:
    """A dictionary of a `Context` read when a rule first asks for it, then kept: a form that
    checks only names and tags reads no logins."""

    def __init__(self, load: Callable[[], object]) -> None:
        self._load, self._value, self._loaded = load, None, False

    def _get(self):
        if not self._loaded:
            self._value, self._loaded = self._load(), True
        return self._value

    def __iter__(self):
        return iter(self._get())

    def __contains__(self, item) -> bool:
        return item in self._get()

    def __len__(self) -> int:
        return len(self._get())

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._get(), name)


def customer_problems(values: Mapping[str, object]) -> dict[str, str]:
    """Rules of the whole customer record, beyond each field: an overridden tier needs a reason."""
    problems = {}
    if values.get("tier_override") and not str(values.get("tier_override_reason") or "").strip():
        problems["tier_override_reason"] = _("Give a reason for overriding the tier.")
    return problems


def customer_rules(ctx: Context) -> dict[str, Rule]:
    """Each customer field's rule, as backoffice.schema declares the fields; labels are read in
    the language being spoken (the sheet's, or the person's in the panel)."""
    from .schema import CUSTOMERS  # the schema names these rules per field: it imports this module
    return CUSTOMERS.rules(ctx)


def plan_rules(ctx: Context) -> dict[str, Rule]:
    """Each care plan field's rule, as backoffice.schema declares the fields."""
    from .schema import PLANS
    return PLANS.rules(ctx)


# Interaction text: room for a long call report (or a ticket's answer), not for a pasted file.
INTERACTION_TEXT_LIMITS = {"summary": 10_000, "feedback": 5_000, "next_action": 1_000}


def interaction_rules(ctx: Context) -> dict[str, Rule]:
    limits = INTERACTION_TEXT_LIMITS
    return {
        "summary": Rule(_("summary"), lambda v: text(v, max_length=limits["summary"]), required=True),
        "feedback": Rule(_("customer feedback"), lambda v: text(v, max_length=limits["feedback"])),
        "next_action": Rule(_("next action"), lambda v: text(v, max_length=limits["next_action"])),
    }


def done_on(value, today: dt.date | None = None) -> dt.date | None:
    """The day a care touch was made: a date, and not one still to come (a typo such as 2052
    would push the plan's next due years ahead)."""
    day = date(value)
    if day is not None and today is not None and day > today:
        raise RuleError(_('"%(value)s" is still to come; type the day the touch was made',
                          value=_shown(value)))
    return day


def completion_rules(ctx: Context, today: dt.date | None = None) -> dict[str, Rule]:
    """A care plan marked done from the sheet (`Done on`, `Outcome`): the outcome is the
    interaction's summary, so it has the summary's room."""
    return {
        "done_on": Rule(_("done on"), lambda v: done_on(v, today)),
        "outcome": Rule(_("outcome"), lambda v: text(v, max_length=INTERACTION_TEXT_LIMITS["summary"])),
    }


def owner_login(value, owners: frozenset[str]) -> str | None:
    login = text(value, max_length=254)
    if login is None:
        return None
    login = login.lower()
    if login not in owners:
        raise RuleError(_('"%(value)s" is not the login of an active user', value=_shown(value)))
    return login


def check(rules: Mapping[str, Rule], data: Mapping[str, object],
          partial: bool = False, labelled: bool = True) -> tuple[dict[str, object], dict[str, str]]:
    """Clean the given fields. Returns (clean values, {field: plain-words message}); a form that
    shows each message beside its field asks for them without the label (`labelled=False`)."""
    cleaned: dict[str, object] = {}
    errors: dict[str, str] = {}

    def say(rule: Rule, message: str) -> str:
        return f"{rule.label}: {message}" if labelled else message
    for name, rule in rules.items():
        if name not in data:
            if not partial and rule.required:
                errors[name] = say(rule, _("is required"))
            continue
        try:
            value = rule.clean(data[name])
        except RuleError as exc:
            errors[name] = say(rule, str(exc))
            continue
        if value is None and rule.required:
            errors[name] = say(rule, _("is required"))
            continue
        cleaned[name] = value
    return cleaned, errors


# -- Service tickets ------------------------------------------------------------

TICKET_STATUSES = ("new", "assigned", "in progress", "resolved", "closed")
OPEN_TICKET_STATUSES = ("new", "assigned", "in progress")
DONE_TICKET_STATUSES = ("resolved", "closed")
DEFAULT_TICKET_CATEGORIES = ("product quality", "logistics delay", "after-sales support",
                             "billing dispute", "other")
DEFAULT_TICKET_PRIORITIES = ("urgent", "normal", "low")
DEFAULT_DEPARTMENTS = ("technical", "supply chain", "finance", "customer service")
# The words people type in Chinese (glossary-zh.md, declared in backoffice.words) for the stored keys.
TICKET_ZH = {word: key for domain in ("ticket_status", "ticket_category", "ticket_priority", "department",
                                      "channel") for key, said in words.ZH[domain].items() for word in said}


@dataclass
class TicketWords:
    """The admin-editable ticket dictionaries, and their Chinese labels as typed words."""
    categories: tuple[str, ...] = DEFAULT_TICKET_CATEGORIES
    priorities: tuple[str, ...] = DEFAULT_TICKET_PRIORITIES
    departments: tuple[str, ...] = DEFAULT_DEPARTMENTS
    zh: Mapping[str, str] = field(default_factory=lambda: dict(TICKET_ZH))


def worded_choice(value, options: Iterable[str], zh: Mapping[str, str]) -> str | None:
    """One of `options`, typed as its English key or its Chinese label."""
    if isinstance(value, str) and value.strip() in zh:
        value = zh[value.strip()]
    return choice(value, options)


def satisfaction(value) -> int | None:
    """A customer's satisfaction score: a whole number from 1 to 5."""
    if isinstance(value, str):
        value = value.strip().rstrip("分").translate(str.maketrans("１２３４５", "12345"))
    try:
        score = count(value)
    except RuleError:
        raise RuleError(_('"%(value)s" is not a score from 1 to 5', value=_shown(value))) from None
    if score is not None and not 1 <= score <= 5:
        raise RuleError(_('"%(value)s" is not a score from 1 to 5', value=_shown(value)))
    return score


def ticket_rules(ctx: Context) -> dict[str, Rule]:
    """Each ticket field's rule, as backoffice.schema declares the fields."""
    from .schema import TICKETS
    return TICKETS.rules(ctx)


def ticket_move(old: str, new: str) -> None:
    """Whether a ticket may go from status `old` to `new`: forward through the flow, closed only
    once resolved, and back to work (reopened) from resolved or closed."""
    if old == new:
        return
    order = TICKET_STATUSES.index
    if old in OPEN_TICKET_STATUSES and new in (*OPEN_TICKET_STATUSES, "resolved") and order(new) > order(old):
        return
    if (old, new) == ("resolved", "closed") or (old in DONE_TICKET_STATUSES and new == "in progress"):
        return
    said = lambda key: words.label("ticket_status", key, current_locale())  # noqa: E731
    raise RuleError(_('a ticket cannot go from "%(old)s" to "%(new)s"', old=said(old), new=said(new)))


def ticket_problems(status: str, resolution: str | None, satisfaction_score: int | None) -> dict[str, str]:
    """What a ticket in `status` lacks or may not have yet, by field."""
    problems = {}
    if status in DONE_TICKET_STATUSES and not (resolution or "").strip():
        problems["resolution"] = _("resolution: say how it was solved before it is resolved")
    if satisfaction_score is not None and status not in DONE_TICKET_STATUSES:
        problems["satisfaction"] = _("satisfaction: is asked for only after the ticket is resolved")
    return problems


def ticket_status_for(status: str, has_assignee: bool) -> str:
    """A new ticket given someone to handle it is assigned."""
    return "assigned" if status == "new" and has_assignee else status


def ticket_record_problems(old_status: str | None, values: Mapping[str, object]) -> dict[str, str]:
    """What is wrong with a ticket as a whole, by field: a status move the flow does not allow
    (from `old_status`; None for a new ticket), a resolved ticket without its resolution, a score
    before it is resolved, an assigned ticket nobody handles."""
    status = str(values.get("status") or "")
    problems = {}
    if old_status is not None:
        try:
            ticket_move(old_status, status)
        except RuleError as exc:
            problems["status"] = str(exc)
    score = values.get("satisfaction")
    found = ticket_problems(status, values.get("resolution"), int(score) if score not in (None, "") else None)
    if status == "assigned" and not values.get("assignee"):
        found["assignee"] = _("assignee: an assigned ticket needs someone to handle it")
    for name, why in found.items():
        problems.setdefault(name, why)
    return problems
