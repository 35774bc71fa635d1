"""The `/team` command text: list, create and change teams.

    /team                                   list every team
    /team help
    /team create <name>
    /team <name>                            show one team
    /team <name> manager @user [@user…]     (admins)
    /team <name> unmanage @user [@user…]    (admins)
    /team <name> add @user [@user…]         (admins and the team's managers)
    /team <name> remove @user [@user…]      (admins and the team's managers)
    /team <name> channel #channel | none    (admins and the team's managers)
    /team <name> holidays <country> | none  (admins and the team's managers)
    /team <name> casereview <weekday> [<time>] | none   (admins and the team's managers)
    /team <name> language zh | en | none    (admins and the team's managers)
    /team <name> currency CNY | none        (admins and the team's managers)
    /team <name> celebrate on | off         (admins and the team's managers)
    /team <name> leaderboard on | off       (admins and the team's managers)

The command is sent with escaping on, so people picked from Slack's autocomplete arrive as
`<@U123ABC|rita>` (or `<@U123ABC>`) and channels as `<#C123ABC|sales>` (or `<#C123ABC>`).
A team name may have spaces: the first verb after at least one word of the name ends it.
A name can also be put in quotes, `"Sales Channel" add @rita`, when it contains a verb.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import time
from typing import TypeAlias

from parsing._common import fold_punctuation, quoted, squash_spaces
from parsing.amounts import currency_code
from parsing.errors import ParseError
from parsing.text import name_too_long
from sales.workdays import is_known_country
from translations import Language, Text, msg, parse_language

MAX_TEAM_NAME_CHARS = 80
TEAM_EXAMPLES: tuple[str, ...] = (
    "/team",
    "/team create Enterprise",
    "/team Enterprise manager @maria",
    "/team Enterprise add @rita @oscar",
    "/team Enterprise remove @oscar",
    "/team Enterprise channel #enterprise-sales",
    "/team Enterprise channel none",
    "/team Enterprise holidays US",
    "/team Enterprise casereview thursday 15:00",
    "/team Enterprise casereview none",
    "/team Enterprise language zh",
    "/team Enterprise currency CNY",
    "/team Enterprise celebrate off",
    "/team Enterprise leaderboard off",
    "/team Enterprise unmanage @maria",
    "/team Enterprise",
)
CREATE_EXAMPLE = "/team create Enterprise"

VERBS = (
    "manager",
    "unmanage",
    "add",
    "remove",
    "channel",
    "holidays",
    "casereview",
    "language",
    "currency",
    "celebrate",
    "leaderboard",
)
# Team switches (issue 13): a celebration card for each deal won, the leaderboard.
FLAG_VERBS = ("celebrate", "leaderboard")
_ON_WORDS = frozenset({"on", "yes", "开", "开启"})
_OFF_WORDS = frozenset({"off", "no", "关", "关闭"})
_VERB_SET = frozenset(VERBS)
_HELP_WORDS = frozenset({"help", "?"})
_NO_CHANNEL_WORDS = frozenset({"none", "off", "clear"})
_QUOTES = {'"': '"', "“": "”", "”": "”"}
# A Slack entity (`<…>`, which may hold spaces after the `|`) or a run of other characters.
_TOKEN_RE = re.compile(r"<[^<>]*>|<|[^\s<]+")
_LIST_TOKEN_RE = re.compile(r"<[^<>]*>|<|[^\s,<]+")
_USER_RE = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^<>]*)?>")
_CHANNEL_RE = re.compile(r"<#([CG][A-Z0-9]{2,})(?:\|[^<>]*)?>")
_FILLER_WORDS = frozenset({"and", "&"})
_WORKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday")
_WEEKEND_NAMES = ("saturday", "sunday")
_TIME_RE = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm)?", re.IGNORECASE)

PICK_PERSON_HINT = msg(
    "Pick each person from the list Slack shows when you type @, so their name turns into a "
    "mention, then send the command again."
)
PICK_CHANNEL_HINT = msg(
    "Pick the channel from the list Slack shows when you type #, so it turns into a link, "
    "then send the command again."
)


@dataclass(frozen=True)
class TeamHelp:
    pass


@dataclass(frozen=True)
class TeamList:
    pass


@dataclass(frozen=True)
class TeamCreate:
    name: str


@dataclass(frozen=True)
class TeamShow:
    team: str


@dataclass(frozen=True)
class TeamAddManagers:
    team: str
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class TeamUnmanage:
    team: str
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class TeamAddMembers:
    team: str
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class TeamRemoveMembers:
    team: str
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class TeamSetChannel:
    team: str
    channel_id: str | None  # None clears it


@dataclass(frozen=True)
class TeamSetHolidays:
    """Whose public holidays the team's working days skip (None: the bot's HOLIDAY_COUNTRY)."""

    team: str
    country: str | None


@dataclass(frozen=True)
class TeamSetCaseReview:
    """When the weekly case-review prompt goes out; None: the bot's default day or time."""

    team: str
    weekday: int | None  # 0 = Monday
    at: time | None


@dataclass(frozen=True)
class TeamSetLanguage:
    """The language of the team's channel messages; None: the bot's DEFAULT_LANGUAGE."""

    team: str
    language: Language | None


@dataclass(frozen=True)
class TeamSetCurrency:
    """The team's currency (bare amounts, team totals); None: the bot's DEFAULT_CURRENCY."""

    team: str
    currency: str | None


@dataclass(frozen=True)
class TeamSetFlag:
    """Turn one of the team's switches on or off: "celebrate" or "leaderboard"."""

    team: str
    flag: str
    on: bool


TeamPeopleChange: TypeAlias = TeamAddManagers | TeamUnmanage | TeamAddMembers | TeamRemoveMembers
TeamCommand: TypeAlias = (
    TeamHelp
    | TeamList
    | TeamCreate
    | TeamShow
    | TeamPeopleChange
    | TeamSetChannel
    | TeamSetHolidays
    | TeamSetCaseReview
    | TeamSetLanguage
    | TeamSetCurrency
    | TeamSetFlag
)


def parse_team_command(text: str) -> TeamCommand:
    """What the person meant by `/team <text>` (with Slack's entities already unescaped).

    Raises ParseError, worded for the person, when `text` does not follow the grammar.
    """
    stripped = fold_punctuation(text).strip()
    if not stripped:
        return TeamList()
    if stripped.casefold() in _HELP_WORDS:
        return TeamHelp()
    first, _, rest = _first_word(stripped)
    if first == "create":
        return TeamCreate(check_team_name(rest, example=CREATE_EXAMPLE))
    name, verb, args = split_team_name(stripped, _VERB_SET, "/team Enterprise add @rita")
    if verb is None:
        return TeamShow(name)
    example_team = team_ref(name)
    if verb == "channel":
        return TeamSetChannel(name, _channel(args, example_team))
    if verb == "holidays":
        return TeamSetHolidays(name, _country(args, example_team))
    if verb == "casereview":
        return _case_review(name, args, example_team)
    if verb == "language":
        return TeamSetLanguage(name, _language(args, example_team))
    if verb == "currency":
        return TeamSetCurrency(name, _team_currency(args, example_team))
    if verb in FLAG_VERBS:
        return TeamSetFlag(name, verb, _on_off(args, f"/team {example_team} {verb} off"))
    user_ids = read_user_mentions(args, f"/team {example_team} {verb} @rita")
    if verb == "manager":
        return TeamAddManagers(name, user_ids)
    if verb == "unmanage":
        return TeamUnmanage(name, user_ids)
    if verb == "add":
        return TeamAddMembers(name, user_ids)
    return TeamRemoveMembers(name, user_ids)


def check_team_name(text: str, *, example: str = CREATE_EXAMPLE) -> str:
    """A new team's name, tidied; ParseError when it can't be one."""
    name = squash_spaces(text)
    if _starts_quoted(name) and len(name) > 1 and name[-1] in _QUOTES.values():
        name = squash_spaces(name[1:-1])
    if not name:
        raise ParseError(msg("Give the new team a name."), example=example)
    too_long = name_too_long(msg("A team name"), name, MAX_TEAM_NAME_CHARS)
    if too_long:
        raise ParseError(too_long, example=example)
    if "<" in name or ">" in name:
        raise ParseError(
            msg(
                "A team name can't contain mentions or channels. Create the team first, then "
                "add people with “/team <name> add @person”."
            ),
            example=example,
        )
    if any(char in name for char in _QUOTES):
        raise ParseError(msg("A team name can't contain quotation marks."), example=example)
    if name.casefold() in _HELP_WORDS:
        raise ParseError(
            msg("{name} can't be a team name; pick another.", name=quoted(name)), example=example
        )
    return name


def team_ref(name: str, keywords: Collection[str] = _VERB_SET) -> str:
    """How to type `name` in a command: in quotes when a word of it would be read as a keyword."""
    words = name.casefold().split()
    needs_quotes = (
        name.casefold() in _HELP_WORDS
        or (bool(words) and words[0] == "create")
        or any(word in keywords for word in words[1:])
    )
    return f'"{name}"' if needs_quotes else name


def split_team_name(
    text: str, keywords: Collection[str], example: str
) -> tuple[str, str | None, str]:
    """`<name> <keyword> <rest>`: the name, the keyword (casefolded; None when there is none)
    and the text after it. The name may be quoted; otherwise the first keyword after at least
    one word of the name ends it."""
    if _starts_quoted(text):
        closing = _QUOTES[text[0]]
        end = text.find(closing, 1)
        if end < 0:
            raise ParseError(
                msg("The team name's closing quotation mark is missing."), example=example
            )
        name = squash_spaces(text[1:end])
        if not name:
            raise ParseError(
                msg("The team name between the quotation marks is empty."), example=example
            )
        after = text[end + 1 :].strip()
        if not after:
            return name, None, ""
        keyword, typed, rest = _first_word(after)
        if keyword not in keywords:
            raise ParseError(
                msg("I don't know what {value} means after the team's name.", value=quoted(typed)),
                example=example,
            )
        return name, keyword, rest
    tokens = list(_TOKEN_RE.finditer(text))
    at = next(
        (i for i, token in enumerate(tokens) if i > 0 and token[0].casefold() in keywords), None
    )
    if at is None:
        return squash_spaces(text), None, ""
    keyword = tokens[at]
    return squash_spaces(text[: keyword.start()]), keyword[0].casefold(), text[keyword.end() :]


def read_user_mentions(text: str, example: str) -> tuple[str, ...]:
    """The Slack user ids of the people mentioned in `text`, in order, each once."""
    user_ids: list[str] = []
    for token in (match[0] for match in _LIST_TOKEN_RE.finditer(text)):
        if token.casefold() in _FILLER_WORDS:
            continue
        user_ids.append(user_mention(token, example))
    if not user_ids:
        raise ParseError(
            msg("Mention the people, picking each from Slack's @ list."), example=example
        )
    return tuple(dict.fromkeys(user_ids))


def user_mention(token: str, example: Text | str) -> str:
    """The Slack user id in a `<@U123|name>` mention; ParseError explaining what else it is."""
    if match := _USER_RE.fullmatch(token):
        return match[1]
    if _CHANNEL_RE.fullmatch(token) or token.startswith("#"):
        raise ParseError(
            msg(
                "{value} is a channel, not a person. {hint}",
                value=quoted(_shown(token)),
                hint=PICK_PERSON_HINT,
            ),
            example=example,
        )
    if token.startswith(("<!", "<@S")):
        raise ParseError(
            msg(
                "I can't use {value} here: a group or @here isn't one person. "
                "Mention each person instead.",
                value=quoted(_shown(token)),
            ),
            example=example,
        )
    if token.startswith("@"):
        raise ParseError(
            msg("I can't tell who {value} is. {hint}", value=quoted(token), hint=PICK_PERSON_HINT),
            example=example,
        )
    raise ParseError(
        msg(
            "{value} isn't a mention of a person. {hint}",
            value=quoted(_shown(token)),
            hint=PICK_PERSON_HINT,
        ),
        example=example,
    )


def _channel(args: str, team: str) -> str | None:
    example = f"/team {team} channel #enterprise-sales"
    tokens = [match[0] for match in _TOKEN_RE.finditer(args)]
    if not tokens:
        raise ParseError(
            msg("Add the channel after “channel”, or “none” to stop using one."), example=example
        )
    if len(tokens) > 1:
        raise ParseError(msg("A team has one channel; name just one."), example=example)
    token = tokens[0]
    if token.casefold() in _NO_CHANNEL_WORDS:
        return None
    if match := _CHANNEL_RE.fullmatch(token):
        return match[1]
    if token.startswith("#"):
        raise ParseError(
            msg(
                "I can't tell which channel {value} is. {hint}",
                value=quoted(token),
                hint=PICK_CHANNEL_HINT,
            ),
            example=example,
        )
    raise ParseError(
        msg(
            "{value} isn't a channel. {hint} Use “none” to stop using a channel.",
            value=quoted(_shown(token)),
            hint=PICK_CHANNEL_HINT,
        ),
        example=example,
    )


def _country(args: str, team: str) -> str | None:
    example = f"/team {team} holidays US"
    words = args.split()
    if len(words) != 1:
        raise ParseError(
            msg("Add one country code after “holidays”, or “none” to use the bot's default."),
            example=example,
        )
    if words[0].casefold() in _NO_CHANNEL_WORDS:
        return None
    code = words[0].upper()
    if len(code) > 8 or not is_known_country(code):
        raise ParseError(
            msg(
                "I don't know the country {value}. Use a country code such as "
                "US, CN, GB or DE, or “none” to use the bot's default.",
                value=quoted(words[0]),
            ),
            example=example,
        )
    return code


def _on_off(args: str, example: str) -> bool:
    word = squash_spaces(args).casefold()
    if word in _ON_WORDS:
        return True
    if word in _OFF_WORDS:
        return False
    raise ParseError(msg("Add “on” or “off”."), example=example)


def _team_currency(args: str, team: str) -> str | None:
    example = f"/team {team} currency CNY"
    word = squash_spaces(args)
    if word.casefold() in _NO_CHANNEL_WORDS:
        return None
    code = currency_code(word) if word else None
    if code is None:
        raise ParseError(
            msg(
                "Add a currency code such as CNY, USD or EUR after “currency”, "
                "or “none” to use the bot's default."
            )
            if not word
            else msg(
                "{value} isn't a currency code such as USD, EUR or CNY.",
                value=quoted(word),
            ),
            example=example,
        )
    return code


def _language(args: str, team: str) -> Language | None:
    example = f"/team {team} language zh"
    word = squash_spaces(args)
    if word.casefold() in _NO_CHANNEL_WORDS:
        return None
    language = parse_language(word)
    if language is None:
        raise ParseError(
            msg(
                "Add “zh” (简体中文) or “en” (English) after “language”, "
                "or “none” to use the bot's default."
            )
            if not word
            else msg(
                "I don't know the language {value}. Use “zh” (简体中文) or “en” (English), "
                "or “none” to use the bot's default.",
                value=quoted(word),
            ),
            example=example,
        )
    return language


def _case_review(name: str, args: str, team: str) -> TeamSetCaseReview:
    example = f"/team {team} casereview thursday 15:00"
    words = args.casefold().split()
    if len(words) == 1 and words[0] in _NO_CHANNEL_WORDS | {"default"}:
        return TeamSetCaseReview(name, None, None)
    if not words or len(words) > 3:
        raise ParseError(
            msg(
                "Add the weekday and the time of the case-review prompt, or “none” for the "
                "bot's default."
            ),
            example=example,
        )
    weekday: int | None = None
    at: time | None = None
    rest = " ".join(words)
    if words[0].isalpha() and not _TIME_RE.fullmatch(words[0]):
        weekday = _workday(words[0], example)
        rest = " ".join(words[1:])
    if rest:
        at = _time_of_day(rest, example)
    return TeamSetCaseReview(name, weekday, at)


def _workday(word: str, example: str) -> int:
    for number, day in enumerate(_WORKDAY_NAMES):
        if word in (day, day[:3]) or word in _chinese_weekday_names(number):
            return number
    weekend = any(word in (day, day[:3]) for day in _WEEKEND_NAMES) or any(
        word in _chinese_weekday_names(number) for number in (5, 6)
    )
    if weekend:
        raise ParseError(msg("Pick a working day, Monday to Friday."), example=example)
    raise ParseError(
        msg("{value} isn't a weekday such as friday.", value=quoted(word)), example=example
    )


def _chinese_weekday_names(number: int) -> tuple[str, ...]:
    """周四, 星期四, 礼拜四 for Thursday (3); 日 and 天 both name Sunday."""
    days = ("一", "二", "三", "四", "五", "六", "日天")[number]
    return tuple(prefix + day for prefix in ("周", "星期", "礼拜") for day in days)


def _time_of_day(text: str, example: str) -> time:
    match = _TIME_RE.fullmatch(text.strip())
    if match is None:
        raise ParseError(
            msg("{value} isn't a time such as 16:00 or 4pm.", value=quoted(text)),
            example=example,
        )
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            raise ParseError(
                msg("{value} isn't a time of day.", value=quoted(text)), example=example
            )
        hour = hour % 12 + (12 if match[3].casefold() == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ParseError(msg("{value} isn't a time of day.", value=quoted(text)), example=example)
    return time(hour, minute)


def _shown(token: str) -> str:
    """A Slack entity as a person would recognise it: `<@U1|rita>` → `@rita`."""
    if token.startswith("<") and token.endswith(">"):
        inner = token[1:-1]
        label = inner.partition("|")[2]
        if label:
            return label if label.startswith(("@", "#")) else inner[0] + label
        return inner
    return token


def _first_word(text: str) -> tuple[str, str, str]:
    """The first word casefolded, that word as typed, and the stripped rest."""
    words = text.split(maxsplit=1)
    return words[0].casefold(), words[0], (words[1].strip() if len(words) > 1 else "")


def _starts_quoted(text: str) -> bool:
    return text[:1] in _QUOTES
