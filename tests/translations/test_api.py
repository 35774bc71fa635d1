"""The i18n API: explicit language everywhere, Text rendered late, Babel's formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from translations import (
    CHINESE,
    ENGLISH,
    Text,
    gettext,
    language_for_person,
    language_for_team,
    msg,
    ngettext,
    nmsg,
    parse_language,
    render,
    translations,
)
from translations.formats import (
    Money,
    format_day,
    format_money,
    format_money_short,
    format_number,
    format_short_day,
)


def test_gettext_translates_and_fills_in() -> None:
    assert gettext(ENGLISH, "{value} isn't a real date.", value="“x”") == "“x” isn't a real date."
    assert gettext(CHINESE, "{value} isn't a real date.", value="“x”") == "“x” 不是有效日期。"


def test_a_message_missing_from_the_catalog_falls_back_to_english() -> None:
    assert gettext(CHINESE, "Not in any catalog {n}", n=1) == "Not in any catalog 1"


def test_ngettext_picks_the_plural_form_of_each_language() -> None:
    singular = "The next step can be at most {limit} characters; yours has {n} character."
    plural = "The next step can be at most {limit} characters; yours has {n}."
    assert ngettext(ENGLISH, singular, plural, 1, limit=5) == (
        "The next step can be at most 5 characters; yours has 1 character."
    )
    assert ngettext(ENGLISH, singular, plural, 7, limit=5).endswith("yours has 7.")
    # Chinese has one plural form (Plural-Forms: nplurals=1), whatever the count.
    assert ngettext(CHINESE, singular, plural, 1, limit=5) == "下一步最多 5 个字符，你写了 1 个。"
    assert ngettext(CHINESE, singular, plural, 7, limit=5) == "下一步最多 5 个字符，你写了 7 个。"
    assert (
        translations(CHINESE).ngettext(singular, plural, 2)
        == "下一步最多 {limit} 个字符，你写了 {n} 个。"
    )


def test_text_is_rendered_in_the_readers_language_with_nested_texts_and_dates() -> None:
    problem = msg("I couldn't read {value} as a date.", value="“fridy”")
    outer = msg("{problem} Put the next step's due date after “by”, or leave “by” out.",
                problem=problem)  # fmt: skip
    assert isinstance(outer, Text)
    assert outer.render(ENGLISH).startswith("I couldn't read “fridy” as a date. Put")
    assert outer.render(CHINESE).startswith("我没能把 “fridy” 识别为日期。请在")
    assert str(outer) == outer.render(ENGLISH)
    future = msg("{day} is in the future. Record a payment once the money is in.",
                 day=date(2026, 12, 15))  # fmt: skip
    assert future.render(ENGLISH).startswith("Tue 15 Dec 2026 is in the future.")
    assert future.render(CHINESE).startswith("2026年12月15日 周二 还没到。")
    counted = nmsg("{what} can be at most {limit} characters; yours has {n} character.",
                   "{what} can be at most {limit} characters; yours has {n}.", 201,
                   what=msg("The deal's title"), limit=200)  # fmt: skip
    assert counted.render(CHINESE) == "商机名称最多 200 个字符，你写了 201 个。"
    assert render(CHINESE, "华为") == "华为"
    assert render(ENGLISH, 12) == "12"


def test_money_in_a_text_is_written_the_readers_way() -> None:
    """An alert's headline is one Text rendered for readers of each language."""
    still_open = msg("{amount} still open.", amount=Money(Decimal("70000"), "CNY"))
    assert still_open.render(ENGLISH) == "CN¥70,000 still open."
    assert still_open.render(CHINESE) == "还有 ¥70,000 未回款。"
    assert render(CHINESE, Money(Decimal("84500.50"), "USD")) == "US$84,500.50"


@pytest.mark.parametrize(
    ("chosen", "locale", "expected"),
    [
        (None, "zh-CN", CHINESE),
        (None, "zh-TW", CHINESE),
        (None, "zh_CN", CHINESE),
        (None, "en-US", ENGLISH),
        (None, "ja-JP", ENGLISH),
        (None, None, ENGLISH),
        ("en", "zh-CN", ENGLISH),  # the person's own choice wins
        ("zh", "en-US", CHINESE),
        ("fr", "zh-CN", CHINESE),  # nothing we speak: the locale decides
    ],
)
def test_language_for_person(chosen, locale, expected) -> None:
    assert language_for_person(chosen, locale) == expected


def test_language_for_team() -> None:
    assert language_for_team(None, CHINESE) == CHINESE
    assert language_for_team("en", CHINESE) == ENGLISH
    assert language_for_team("zh", ENGLISH) == CHINESE


@pytest.mark.parametrize(
    ("word", "expected"),
    [("zh", CHINESE), ("ZH-cn", CHINESE), ("中文", CHINESE), ("简体中文", CHINESE),
     ("en", ENGLISH), ("English", ENGLISH), ("英文", ENGLISH), ("fr", None), ("", None)],
)  # fmt: skip
def test_parse_language(word, expected) -> None:
    assert parse_language(word) == expected


def test_money_numbers_and_dates_per_language() -> None:
    assert format_money_short(CHINESE, Decimal(1_200_000), "CNY") == "¥120万"
    assert format_money_short(CHINESE, Decimal(120_000_000), "CNY") == "¥1.2亿"
    assert format_money_short(CHINESE, Decimal(8_500), "CNY") == "¥8,500"
    assert format_money(CHINESE, Decimal(1_200_000), "CNY") == "¥1,200,000"
    assert format_money(ENGLISH, Decimal(84_500), "USD") == "$84,500"
    assert format_money(ENGLISH, Decimal("84500.50"), "USD") == "$84,500.50"
    assert format_money_short(ENGLISH, Decimal(1_200_000), "USD") == "$1.2M"
    assert format_number(ENGLISH, Decimal("1234.5")) == "1,234.5"
    assert format_day(CHINESE, date(2026, 12, 15)) == "2026年12月15日 周二"
    assert format_day(ENGLISH, date(2026, 12, 15)) == "Tue 15 Dec 2026"
    assert format_short_day(CHINESE, date(2026, 12, 15)) == "12月15日 周二"
    assert format_short_day(ENGLISH, date(2026, 12, 15)) == "Tue 15 Dec"
