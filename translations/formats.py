"""Numbers, money and dates as each language writes them, through Babel's CLDR data.

format_money("zh", Decimal("1200000"), "CNY")        -> "¥1,200,000"
format_money_short("zh", Decimal("1200000"), "CNY")  -> "¥120万"
format_money("en", Decimal("84500"), "USD")          -> "$84,500"
format_day("zh", date(2026, 12, 15))                 -> "2026年12月15日 周二"
format_day("en", date(2026, 12, 15))                 -> "Tue 15 Dec 2026"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list as _format_list
from babel.numbers import format_compact_currency, format_currency, format_decimal

from translations import FORMAT_LOCALES, Language

# Whole amounts are shown without ".00": salespeople read "$84,500", not "$84,500.00".
_WHOLE_MONEY = "¤#,##0"
_FIRST_COMPACT_UNIT: dict[Language, int] = {"en": 1_000, "zh": 10_000}
_DAY_PATTERNS: dict[Language, str] = {"en": "EEE d MMM y", "zh": "y年M月d日 EEE"}
_SHORT_DAY_PATTERNS: dict[Language, str] = {"en": "EEE d MMM", "zh": "M月d日 EEE"}
_DAY_MONTH_PATTERNS: dict[Language, str] = {"en": "d MMM", "zh": "M月d日"}
# Parsed once: Babel parses a locale given by name again on every call, and a run of
# payment alerts formats a few hundred thousand amounts and dates. The same amount or day
# comes up again and again in a run (instalments due the same day, round amounts), so
# results are kept too; equal Decimals ("5" and "5.00") are written alike here.
_LOCALES: dict[Language, Locale] = {
    language: Locale.parse(code) for language, code in FORMAT_LOCALES.items()
}
_KEPT = 8192


def format_number(language: Language, value: Decimal | int) -> str:
    """`value` with the language's grouping and decimal signs: 1,234.5."""
    return format_decimal(value, locale=_LOCALES[language])


@lru_cache(maxsize=_KEPT)
def format_money(language: Language, amount: Decimal, currency: str) -> str:
    """The exact amount, for tables and confirmations: ¥1,200,000 or $84,500.50."""
    locale = _LOCALES[language]
    if amount == amount.to_integral_value():
        return format_currency(
            amount, currency, format=_WHOLE_MONEY, locale=locale, currency_digits=False
        )
    return format_currency(amount, currency, locale=locale)


def format_totals(language: Language, totals: Mapping[str, Decimal]) -> str:
    """Totals kept apart per currency (adding dollars to yuan means nothing): $84,500 + ¥120,000."""
    return " + ".join(
        format_money(language, value, currency) for currency, value in totals.items()
    ) or (format_number(language, 0))


@lru_cache(maxsize=_KEPT)
def format_money_short(language: Language, amount: Decimal, currency: str) -> str:
    """The amount rounded to the language's large units, for headlines: ¥120万, $1.2M.

    Amounts below the first such unit (万 in Chinese, thousand in English) are shown exactly.
    """
    if abs(amount) < _FIRST_COMPACT_UNIT[language]:
        return format_money(language, amount, currency)
    return format_compact_currency(amount, currency, locale=_LOCALES[language], fraction_digits=1)


@lru_cache(maxsize=_KEPT)
def format_day(language: Language, day: date) -> str:
    """A date with its weekday: 2026年12月15日 周二, Tue 15 Dec 2026."""
    return format_date(day, _DAY_PATTERNS[language], locale=_LOCALES[language])


@lru_cache(maxsize=_KEPT)
def format_short_day(language: Language, day: date) -> str:
    """A date in the coming months, without the year: 12月15日 周二, Tue 15 Dec."""
    return format_date(day, _SHORT_DAY_PATTERNS[language], locale=_LOCALES[language])


@lru_cache(maxsize=_KEPT)
def format_day_month(language: Language, day: date) -> str:
    """A day and month only, for lists of dates: 21 Dec, 12月21日."""
    return format_date(day, _DAY_MONTH_PATTERNS[language], locale=_LOCALES[language])


def format_list(language: Language, items: list[str]) -> str:
    """Items joined as the language does: `a, b and c`, `甲、乙和丙`."""
    return _format_list(items, locale=_LOCALES[language])


@dataclass(frozen=True)
class Money:
    """An amount to write in the reader's language once it is known: a parameter of a
    `translations.msg` (rendered with `format_money`)."""

    amount: Decimal
    currency: str

    def render(self, language: Language) -> str:
        return format_money(language, self.amount, self.currency)
