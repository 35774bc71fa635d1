"""The bot's words in each language it speaks: gettext catalogs read with Babel.

Every function takes the reader's language explicitly. Listeners and jobs serve many people
in one process (a digest goes to a Chinese channel while its manager reads English), so there
is no "current locale" to set or leak between requests.

    gettext(language, "Log a visit")                       -> "记录拜访" for "zh"
    ngettext(language, "{n} deal", "{n} deals", n)         -> plural form chosen per language
    msg("I couldn't read {value} as a date.", value=...)   -> a Text, rendered later
    EXAMPLE = marked("/visit Acme: ...")  ...  gettext(language, EXAMPLE)

Messages use `str.format` placeholders by name. A parameter may itself be a Text: it is
rendered in the same language, so a stage name or a nested error reads as one sentence.
A `date` parameter is written the language's way (Tue 15 Dec 2026, 2026年12月15日 周二), and
so is a `translations.formats.Money` ($30,000, ¥30,000), for messages rendered later for
readers of different languages (the copies of one payment alert).
Code that cannot know the reader (the parsers) returns Text; the listener renders it with
`render(language, ...)` once it knows who is reading.

The source strings are English, so English needs no catalog: a message without a Chinese
translation falls back to English rather than to nothing (and a test fails on it).
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any, Literal, TypeAlias, get_args

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Language: TypeAlias = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
ENGLISH: Language = "en"
CHINESE: Language = "zh"

CATALOG_DIR = Path(__file__).parent / "catalog"
DOMAIN = "messages"
# The catalog directory of each language that has one (English is the source text).
CATALOG_LOCALES: dict[Language, str] = {CHINESE: "zh_CN"}
# The Babel / CLDR locale used to format numbers, money and dates.
FORMAT_LOCALES: dict[Language, str] = {ENGLISH: "en_US", CHINESE: "zh_CN"}
LANGUAGE_NAMES: dict[Language, str] = {ENGLISH: "English", CHINESE: "简体中文"}


@dataclass(frozen=True)
class Text:
    """A message not yet put into a language: its English source and its parameters."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None

    def render(self, language: Language) -> str:
        params = {name: render(language, value) for name, value in self.params.items()}
        if self.plural is None:
            return _translate(language, self.message).format(**params)
        count = self.count if self.count is not None else 0
        return _translate_plural(language, self.message, self.plural, count).format(
            n=count, **params
        )

    def __str__(self) -> str:
        return self.render(ENGLISH)


def msg(message: str, /, **params: Any) -> Text:
    """`message` with `params`, to be rendered once the reader's language is known."""
    return Text(message, params)


def nmsg(singular: str, plural: str, count: int, /, **params: Any) -> Text:
    """The plural-aware `msg`; `{n}` in the message is `count`."""
    return Text(singular, params, plural, count)


def marked(message: str, /) -> str:
    """`message` unchanged, marked for the catalog: for constants defined before anyone reads
    them (examples, option labels), translated later with `gettext(language, CONSTANT)`."""
    return message


def gettext(language: Language, message: str, /, **params: Any) -> str:
    """`message` in `language`, with `params` filled in."""
    return Text(message, params).render(language)


def ngettext(language: Language, singular: str, plural: str, count: int, /, **params: Any) -> str:
    """The form of `singular`/`plural` that `count` takes in `language`; `{n}` is `count`."""
    return Text(singular, params, plural, count).render(language)


def render(language: Language, value: Any) -> str:
    """A Text, a date or a `formats.Money` in `language`; anything else (a customer's name,
    a number) as it is."""
    if isinstance(value, Text):
        return value.render(language)
    from translations.formats import Money, format_day  # formats needs this module's names

    if isinstance(value, date):
        return format_day(language, value)
    if isinstance(value, Money):
        return value.render(language)
    return str(value)


def language_for_person(chosen: str | None, slack_locale: str | None) -> Language:
    """The language to write to a person in: their `/lang` choice, else their Slack locale's."""
    if chosen in LANGUAGES:
        return chosen  # type: ignore[return-value]
    if slack_locale and slack_locale.casefold().replace("_", "-").startswith("zh"):
        return CHINESE
    return ENGLISH


def language_for_team(chosen: str | None, default: Language) -> Language:
    """The language of a team's channel messages: its own choice, else the bot's default."""
    return chosen if chosen in LANGUAGES else default  # type: ignore[return-value]


def parse_language(word: str) -> Language | None:
    """The language a person named (`zh`, `中文`, `english`, `zh-CN`…), or None."""
    return _LANGUAGE_WORDS.get(word.strip().casefold().replace("_", "-"))


_LANGUAGE_WORDS: dict[str, Language] = {
    "en": ENGLISH,
    "english": ENGLISH,
    "en-us": ENGLISH,
    "en-gb": ENGLISH,
    "英文": ENGLISH,
    "英语": ENGLISH,
    "zh": CHINESE,
    "zh-cn": CHINESE,
    "zh-hans": CHINESE,
    "cn": CHINESE,
    "chinese": CHINESE,
    "中文": CHINESE,
    "简体中文": CHINESE,
    "汉语": CHINESE,
}


def catalog_path(language: Language) -> Path:
    return CATALOG_DIR / CATALOG_LOCALES[language] / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: Language) -> _gettext.NullTranslations:
    """The compiled catalog of `language`, built in memory from its .po file on first use.

    Compiling at start instead of shipping .mo files means the .po in the repo is the only
    copy, so there is no build step to forget and nothing stale to load.
    """
    if language not in CATALOG_LOCALES:
        return _gettext.NullTranslations()
    with catalog_path(language).open("rb") as po_file:
        catalog = read_po(po_file, locale=CATALOG_LOCALES[language])
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as gettext expects
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def _translate(language: Language, message: str) -> str:
    return translations(language).gettext(message)


def _translate_plural(language: Language, singular: str, plural: str, count: int) -> str:
    return translations(language).ngettext(singular, plural, count)
