"""The `/case` command text: write, browse and search the team's case library; away weeks.

    /case                                   open the form for this week's case
    /case help
    /case list [mine | @person] [#tag…]     the team's cases, newest first
    /case search <words>                    cases with every word, most relevant first
    /case away <date> [to <date>]           no case-review prompt or reminder those weeks
    /case away this week | next week
    /case away                              show your away days
    /case away clear                        you're back: remove them from today on

Chinese command words work as the English ones, whatever the person's language: 帮助,
新建/写, 列表 [我的], 搜索/查找, 请假 [本周|下周|<日期> 至 <日期>|清除]; full-width
punctuation (`＃`, `＠`, `，`) as the half-width forms.

The command is sent with escaping on, so a person picked from Slack's autocomplete arrives
as `<@U123ABC|rita>` and a `#tag` that happens to name a channel as `<#C123ABC|pricing>`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeAlias

from parsing._common import fold_punctuation, quoted, squash_spaces
from parsing.dates import parse_date
from parsing.errors import ParseError
from parsing.team_command import user_mention
from translations import marked, msg

_LIST_EXAMPLE = marked("/case list @rita #pricing")
_SEARCH_EXAMPLE = marked("/case search cfo budget")
_AWAY_EXAMPLE = marked("/case away 2026-12-21 to 2027-01-01")
# Marked for the catalog: help shows each one in the reader's language (Chinese ones parse too).
CASE_EXAMPLES: tuple[str, ...] = (
    "/case",
    marked("/case list"),
    _LIST_EXAMPLE,
    marked("/case list #competitor"),
    _SEARCH_EXAMPLE,
    _AWAY_EXAMPLE,
    marked("/case away next week"),
    marked("/case away"),
    marked("/case away clear"),
)
LIST_EXAMPLE = msg(_LIST_EXAMPLE)
SEARCH_EXAMPLE = msg(_SEARCH_EXAMPLE)
AWAY_EXAMPLE = msg(_AWAY_EXAMPLE)
TAGS_EXAMPLE = msg(marked("pricing, competitor, cfo"))

MAX_TAGS = 10
MAX_TAG_CHARS = 30
MAX_SEARCH_WORDS = 10
MAX_WORD_CHARS = 50
MAX_AWAY_DAYS = 366

_HELP_WORDS = frozenset({"help", "?", "？", "帮助", "帮忙"})
_NEW_WORDS = frozenset({"new", "write", "新建", "写", "写案例"})
_LIST_WORDS = frozenset({"list", "列表"})
_MINE_WORDS = frozenset({"mine", "me", "我的", "我"})
_SEARCH_WORDS = frozenset({"search", "find", "搜索", "查找", "搜"})
_AWAY_WORDS = frozenset({"away", "请假", "休假", "不在"})
_CLEAR_WORDS = frozenset({"clear", "none", "off", "back", "清除", "取消", "回来了"})
_SLACK_ENTITY_RE = re.compile(r"<[^<>]*>")
_CHANNEL_RE = re.compile(r"<#([CG][A-Z0-9]{2,})(?:\|([^<>]*))?>")
_TOKEN_RE = re.compile(r"<[^<>]*>|<|[^\s,<]+")
_CHINESE_WEEKS = {
    "本周": "this week",
    "这周": "this week",
    "这一周": "this week",
    "下周": "next week",
    "下一周": "next week",
}
_RANGE_RE = re.compile(
    r"\s+(?:to|until|till|through|thru)\s+|\s*[\u2013\u2014~至到]\s*|\s+-\s+",
    re.IGNORECASE,
)
# Punctuation around a search word (curly quotes included) is not part of it.
_WORD_EDGES = "\"'\u201c\u201d\u2018\u2019.,;:!?()[]{}#@*_`~"
# What a tag may be made of: letters and digits in any script, and - _ + . inside it.
_TAG_CHARS_RE = re.compile(r"[\w+.-]+")


@dataclass(frozen=True)
class CaseHelp:
    pass


@dataclass(frozen=True)
class CaseOpenModal:
    pass


@dataclass(frozen=True)
class CaseList:
    author_id: str | None = None  # a Slack user id
    mine: bool = False
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseSearch:
    words: tuple[str, ...]


@dataclass(frozen=True)
class CaseAway:
    first: date
    last: date


@dataclass(frozen=True)
class CaseAwayShow:
    pass


@dataclass(frozen=True)
class CaseAwayClear:
    pass


CaseCommand: TypeAlias = (
    CaseHelp | CaseOpenModal | CaseList | CaseSearch | CaseAway | CaseAwayShow | CaseAwayClear
)


def parse_case_command(text: str, today: date) -> CaseCommand:
    """What the person meant by `/case <text>`; `today` is their local date, for away days.

    Raises ParseError, worded for the person, when `text` does not follow the grammar.
    """
    stripped = fold_punctuation(text).strip()
    if not stripped:
        return CaseOpenModal()
    if stripped.casefold() in _HELP_WORDS:
        return CaseHelp()
    first, *others = stripped.split(maxsplit=1)
    verb = first.casefold()
    rest = others[0].strip() if others else ""
    if verb in _NEW_WORDS:
        if rest:
            raise ParseError(
                msg("“/case {word}” takes nothing after it: it opens the form.", word=first),
                example="/case",
            )
        return CaseOpenModal()
    if verb in _LIST_WORDS:
        return _list(rest)
    if verb in _SEARCH_WORDS:
        return CaseSearch(search_words(rest))
    if verb in _AWAY_WORDS:
        return _away(rest, today)
    raise ParseError(
        msg(
            "I don't know what {value} means here. Use list, search or away, "
            "or “/case” alone to write a case.",
            value=quoted(first),
        ),
        example=LIST_EXAMPLE,
    )


def search_words(text: str) -> tuple[str, ...]:
    """The words to look for, lower-cased, each once; ParseError when there are none."""
    plain = _SLACK_ENTITY_RE.sub(lambda match: _entity_label(match[0]), text)
    words: list[str] = []
    for raw in unicodedata.normalize("NFKC", plain).split():
        word = raw.strip(_WORD_EDGES).lower()
        if word and word not in words:
            words.append(word[:MAX_WORD_CHARS])
    if not words:
        raise ParseError(msg("Add the words to look for after “search”."), example=SEARCH_EXAMPLE)
    if len(words) > MAX_SEARCH_WORDS:
        raise ParseError(
            msg(
                "Search with at most {limit} words; every word must match.",
                limit=MAX_SEARCH_WORDS,
            ),
            example=SEARCH_EXAMPLE,
        )
    return tuple(words)


def normalize_tags(text: str) -> tuple[str, ...]:
    """Tags as typed in the case form (`pricing, #CFO  competitor`): lower case, without
    the #, each once, in order. ParseError (worded for the form) when they can't be tags."""
    tags: list[str] = []
    for raw in re.split(r"[\s,;\u3001]+", unicodedata.normalize("NFKC", text)):
        tag = raw.strip().lstrip("#").lower()
        if not tag:
            continue
        tags.append(_checked_tag(tag))
    unique = tuple(dict.fromkeys(tags))
    if len(unique) > MAX_TAGS:
        raise ParseError(msg("Use at most {limit} tags.", limit=MAX_TAGS), example=TAGS_EXAMPLE)
    return unique


def _checked_tag(tag: str) -> str:
    if not _TAG_CHARS_RE.fullmatch(tag):
        raise ParseError(
            msg("The tag {value} can only have letters, digits, - and _.", value=quoted(tag)),
            example=TAGS_EXAMPLE,
        )
    if len(tag) > MAX_TAG_CHARS:
        raise ParseError(
            msg(
                "A tag can be at most {limit} characters; {value} is longer.",
                limit=MAX_TAG_CHARS,
                value=quoted(tag),
            ),
            example=TAGS_EXAMPLE,
        )
    return tag


def _list(rest: str) -> CaseList:
    author: str | None = None
    mine = False
    tags: list[str] = []
    for token in (match[0] for match in _TOKEN_RE.finditer(rest)):
        folded = token.casefold()
        if folded in _MINE_WORDS:
            mine = True
        elif channel := _CHANNEL_RE.fullmatch(token):
            # A #tag that is also a channel's name arrives as a channel link.
            tags.append(_list_tag(channel[2] or "", token))
        elif token.startswith("#"):
            tags.append(_list_tag(token[1:], token))
        elif token.startswith(("<@", "@", "<!")):
            user_id = user_mention(token, LIST_EXAMPLE)
            if author not in (None, user_id):
                raise ParseError(
                    msg("List one person's cases at a time, or nobody's for the whole team."),
                    example=LIST_EXAMPLE,
                )
            author = user_id
        else:
            raise ParseError(
                msg(
                    "I don't know what {value} means after “list”. Mention a person "
                    "(@rita) or a tag (#pricing); to look for words, use “/case search”.",
                    value=quoted(token),
                ),
                example=LIST_EXAMPLE,
            )
    if mine and author is not None:
        raise ParseError(msg("Use “mine” or a person, not both."), example=LIST_EXAMPLE)
    return CaseList(author_id=author, mine=mine, tags=tuple(dict.fromkeys(tags)))


def _list_tag(name: str, token: str) -> str:
    tag = name.strip().lstrip("#").lower()
    if not tag:
        raise ParseError(
            msg("{value} has no tag after the #.", value=quoted(token)), example=LIST_EXAMPLE
        )
    try:
        return _checked_tag(tag)
    except ParseError as error:
        raise ParseError(error.text, example=LIST_EXAMPLE) from None


def _away(rest: str, today: date) -> CaseCommand:
    words = squash_spaces(rest)
    if not words:
        return CaseAwayShow()
    folded = words.casefold()
    if folded in _CLEAR_WORDS:
        return CaseAwayClear()
    folded = folded.removeprefix("from ").removeprefix("从").strip()
    folded = _CHINESE_WEEKS.get(folded, folded)
    if folded in ("this week", "next week"):
        monday = today - timedelta(days=today.weekday())
        try:
            if folded == "next week":
                monday += timedelta(weeks=1)
            return CaseAway(monday, monday + timedelta(days=6))
        except OverflowError:
            raise ParseError(msg("That week is too far away."), example=AWAY_EXAMPLE) from None
    parts = _RANGE_RE.split(folded, maxsplit=1)
    first = _away_date(parts[0], today)
    last = first
    if len(parts) > 1:
        last = _away_date(parts[1], today)
        if last < first:
            # "friday to monday": the end is read from the first day on.
            last = _away_date(parts[1], first)
    if last < first:
        raise ParseError(msg("The last day away can't be before the first."), example=AWAY_EXAMPLE)
    if (last - first).days >= MAX_AWAY_DAYS:
        raise ParseError(
            msg("Mark at most {limit} days away at a time.", limit=MAX_AWAY_DAYS),
            example=AWAY_EXAMPLE,
        )
    return CaseAway(first, last)


def _away_date(text: str, today: date) -> date:
    if not text.strip():
        raise ParseError(msg("Give the first and the last day away."), example=AWAY_EXAMPLE)
    try:
        return parse_date(text, today)
    except ParseError as error:
        raise ParseError(error.text, example=AWAY_EXAMPLE) from None


def _entity_label(entity: str) -> str:
    """`<@U1|rita>` → `rita`; an entity without a label → nothing."""
    return entity[1:-1].partition("|")[2]
