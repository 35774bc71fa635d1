"""The catalogs: complete, in step with the code, and within Slack's limits once translated."""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from blocks.cases import case_help
from blocks.deals import deal_help
from blocks.visits import visit_help
from parsing.case_command import CASE_EXAMPLES, parse_case_command
from parsing.deal_command import DEAL_EXAMPLES, parse_deal_command
from parsing.errors import ParseError
from parsing.visit_command import VISIT_EXAMPLES, VisitLog, parse_visit_command
from tests.support.block_kit import problems_in_message
from translations import CATALOG_LOCALES, LANGUAGES, catalog_path, gettext

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 1)
# `# L10N: ..., at most 75 characters` above a message that goes into a limited Block Kit
# field (button 75, header 150, modal title 24, option 75, section 3000, ...).
LIMIT_RE = re.compile(r"at most ([0-9]+) characters")


def extracted_messages() -> dict[str | tuple[str, ...], list[str]]:
    """What `pybabel extract` finds in the code today, with its L10N comments."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["babel"]
    options = config["extract_messages"]
    with (ROOT / options["mapping_file"]).open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    keywords = parse_keywords(options["keywords"].split())
    found: dict[str | tuple[str, ...], list[str]] = {}
    for _file, _line, message, comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords, [options["add_comments"]]
    ):
        found[message] = comments
    return found


def catalog(language_locale: str) -> Catalog:
    with catalog_path(next(k for k, v in CATALOG_LOCALES.items() if v == language_locale)).open(
        "rb"
    ) as po_file:
        return read_po(po_file, locale=language_locale)


def template() -> Catalog:
    with (ROOT / "translations" / "catalog" / "messages.pot").open("rb") as pot:
        return read_po(pot)


def messages(of: Catalog) -> list[Message]:
    return [message for message in of if message.id]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def untranslated(of: Catalog) -> list[str]:
    missing: list[str] = []
    for message in messages(of):
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            missing.append(str(message.id))
    return missing


def limit_problems(of: Catalog) -> list[str]:
    """Translations longer than the limit their L10N comment names (placeholders left out,
    so this is the least the rendered text will be)."""
    problems: list[str] = []
    for message in messages(of):
        limits = [int(m[1]) for c in message.auto_comments for m in LIMIT_RE.finditer(c)]
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form, limit in ((f, lim) for f in forms for lim in limits):
            fixed = re.sub(r"\{[^{}]*\}", "", form)
            if len(fixed) > limit:
                problems.append(f"{message.id!r}: {len(fixed)} characters, limit {limit}")
    return problems


def ids(found: Iterable[str | tuple[str, ...]]) -> set[str | tuple[str, ...]]:
    return set(found)


def test_every_message_in_the_code_is_in_the_template() -> None:
    # Run `pybabel extract` (config in pyproject.toml) when this fails.
    assert ids(extracted_messages()) == ids(m.id for m in messages(template()))


@pytest.mark.parametrize("locale", sorted(CATALOG_LOCALES.values()))
def test_every_message_has_a_translation(locale: str) -> None:
    translated = catalog(locale)
    # `pybabel update -i translations/catalog/messages.pot -d translations/catalog` adds them.
    assert ids(m.id for m in messages(template())) <= ids(m.id for m in messages(translated))
    assert untranslated(translated) == []


@pytest.mark.parametrize("locale", sorted(CATALOG_LOCALES.values()))
def test_translations_keep_the_placeholders(locale: str) -> None:
    for message in messages(catalog(locale)):
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(placeholders(source) for source in sources))
        for form in forms:
            # A plural form may leave out {n} (Chinese has one form for every count).
            assert placeholders(form) | {"n"} >= expected, (message.id, form)
            assert placeholders(form) <= expected | {"n"}, (message.id, form)


@pytest.mark.parametrize("locale", sorted(CATALOG_LOCALES.values()))
def test_translations_fit_their_block_kit_limits(locale: str) -> None:
    assert limit_problems(catalog(locale)) == []


def test_the_limit_check_catches_a_translation_that_is_too_long() -> None:
    too_long = Catalog(locale="zh_CN")
    too_long.add("Save", "保" * 76, auto_comments=["L10N: button text, at most 75 characters"])
    too_long.add("Cancel", "取消", auto_comments=["L10N: button text, at most 75 characters"])
    assert limit_problems(too_long) == ["'Save': 76 characters, limit 75"]


def test_the_completeness_check_catches_a_missing_translation() -> None:
    partial = Catalog(locale="zh_CN")
    partial.add("Save", "保存")
    partial.add("Cancel", "")
    partial.add(("{n} deal", "{n} deals"), ("",))
    assert untranslated(partial) == ["Cancel", "('{n} deal', '{n} deals')"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_is_valid_block_kit_and_untruncated_in_every_language(language) -> None:
    for help_message in (visit_help(language), deal_help(language), case_help(language)):
        assert problems_in_message(help_message) == []
        body = help_message["blocks"][0]["text"]["text"]
        assert len(body) < 3000
        assert not body.endswith("…")


@pytest.mark.parametrize("language", LANGUAGES)
def test_translated_examples_are_commands_that_work(language) -> None:
    for example in VISIT_EXAMPLES:
        shown = gettext(language, example).removeprefix("/visit ")
        assert isinstance(parse_visit_command(shown, TODAY), VisitLog), shown
    english = [parse_deal_command(e.removeprefix("/deal "), TODAY) for e in DEAL_EXAMPLES]
    shown = [
        parse_deal_command(gettext(language, e).removeprefix("/deal "), TODAY)
        for e in DEAL_EXAMPLES
    ]
    # The same kind of command; the Chinese ones use Chinese customers and amounts.
    assert [type(c) for c in shown] == [type(c) for c in english]


def test_chinese_help_is_chinese() -> None:
    visit = visit_help("zh")["blocks"][0]["text"]["text"]
    deal = deal_help("zh")["blocks"][0]["text"]["text"]
    assert visit.startswith("*记录客户拜访*")
    assert "`/visit 华为：拜访了采购总监，预算已批；下一步：发报价 by 周五`" in visit
    assert "*日期*：2026-12-15、今天、明天、周五、下周五" in visit
    assert deal.startswith("*跟进商机*")
    assert "线索 (lead)、已筛选 (qualified)" in deal
    assert "`/deal #12 阶段 谈判`" in deal


def _case_command(example: str) -> object:
    """What `/case` makes of an example (an @name typed by hand is refused in every
    language: Slack's autocomplete sends a mention instead)."""
    text = example.removeprefix("/case").replace("@rita", "<@U0REP001|rita>")
    return parse_case_command(text, TODAY)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translated_case_examples_are_the_same_commands(language) -> None:
    english = [_case_command(example) for example in CASE_EXAMPLES]
    shown = [_case_command(gettext(language, example)) for example in CASE_EXAMPLES]
    assert [type(command) for command in shown] == [type(command) for command in english]
    assert not any(isinstance(command, ParseError) for command in shown)
    # The away days and what a list asks for are the same; only the words differ.
    assert [getattr(c, "first", None) for c in shown] == [
        getattr(c, "first", None) for c in english
    ]
    assert [getattr(c, "mine", None) for c in shown] == [getattr(c, "mine", None) for c in english]


def test_chinese_case_help_is_chinese() -> None:
    shown = case_help("zh")["blocks"][0]["text"]["text"]
    assert shown.startswith("*每周案例复盘*")
    assert "`/case 列表 @rita #报价`" in shown
    assert "`/case 请假 清除`" in shown
