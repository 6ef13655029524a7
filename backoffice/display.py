"""Values as people read them in the panel: money ¥1,200,000.00, Chinese phones 138 0013 8000,
days 2024-05-01. What is stored (Decimal, E.164, date) never changes; only how it is shown."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import phonenumbers
from babel.numbers import format_currency

from . import schema

MONEY_FIELDS = schema.CUSTOMERS.of_kind("money")


def money(value) -> str:
    """¥1,200,000.00 in either language (the office's currency, written the Chinese way)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return format_currency(amount, "CNY", locale="zh_CN")


def phone(value, *, unreadable: Callable[[str], str] = str, any_number: bool = False) -> str:
    """+8613800138000 as 138 0013 8000; a number abroad in international form; else as stored
    (`unreadable` says how, for a text that is no number; `any_number`: a number that cannot be
    dialled is written out too)."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(str(value), None)
    except phonenumbers.NumberParseException:
        return unreadable(str(value))
    if not any_number and not phonenumbers.is_valid_number(number):
        return str(value)
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 86
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)


def day(value) -> str:
    """A date as yyyy-mm-dd (a stored instant: its day in the office's zone)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        from . import clock
        return clock.day_of(value).isoformat()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def long_day(value: dt.date) -> str:
    """A page's day in full words: 2026年12月1日星期二, or Tuesday 01 December 2026."""
    from babel.dates import format_date

    from .i18n import current_locale
    if current_locale() == "zh_CN":
        return format_date(value, "full", locale="zh_CN")
    return format_date(value, "EEEE dd MMMM y", locale="en")


def init_app(app) -> None:
    app.jinja_env.filters.update(money=money, phone=phone, day=day, long_day=long_day)
