"""The `/target` command text: set and show targets.

    /target                                              your targets (and your teams')
    /target help
    /target @user                                        that person's targets
    /target team <name>                                  that team's targets
    /target @user <metric> <amount> [<period>]
    /target team <name> <metric> <amount> [<period>]

Metrics: revenue and collected (money), visits, new customers, proposals (counts). The
period defaults to the current month in the person's own time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from parsing._common import fold_punctuation, quoted, squash_spaces
from parsing.amounts import AMOUNT_EXAMPLES, Amount, parse_amount
from parsing.errors import ParseError
from parsing.periods import PERIOD_EXAMPLES, parse_period
from parsing.team_command import split_team_name, team_ref, user_mention
from sales.metrics import METRICS, Metric
from sales.periods import Period, month_of
from translations import Text, marked, msg

PERSON_EXAMPLE = "/target @rita revenue 120k 2026-12"
TEAM_EXAMPLE = "/target team Enterprise revenue 1.5m 2026-Q4"
TARGET_EXAMPLES: tuple[str, ...] = (
    "/target",
    "/target @rita",
    "/target @rita revenue 120k",
    PERSON_EXAMPLE,
    "/target @rita visits 40 next month",
    "/target @rita new customers 3 this quarter",
    TEAM_EXAMPLE,
    "/target team Enterprise proposals 25 this month",
    "/target team Enterprise",
)

_HELP_WORDS = frozenset({"help", "?"})
_TOKEN_RE = re.compile(r"<[^<>]*>|<|[^\s<]+")
# Every way a metric may be typed, as one word; "new customers" is also read as two words.
METRIC_WORDS: dict[str, Metric] = {
    **METRICS,
    "visit": METRICS["visits"],
    "proposal": METRICS["proposals"],
    "new-customers": METRICS["new_customers"],
    "newcustomers": METRICS["new_customers"],
    "new_customer": METRICS["new_customers"],
    # The shared glossary's terms, for Chinese-speaking teams.
    "销售额": METRICS["revenue"],
    "回款额": METRICS["collected"],
    "回款": METRICS["collected"],
    "拜访": METRICS["visits"],
    "拜访次数": METRICS["visits"],
    "新客户": METRICS["new_customers"],
    "新客户数": METRICS["new_customers"],
    "方案": METRICS["proposals"],
    "方案数": METRICS["proposals"],
    "报价数": METRICS["proposals"],
}
_NEW_CUSTOMER_WORDS = frozenset({"customers", "customer"})
_QUOTE_CHARS = frozenset('"“”')
METRIC_NAMES = marked("revenue, collected, visits, new customers, proposals")
# What each metric is called inside a sentence, per language.
METRIC_IN_TEXT: dict[str, Text] = {
    "revenue": msg("revenue"),
    "collected": msg("collected"),
    "visits": msg("visits"),
    "new_customers": msg("new customers"),
    "proposals": msg("proposals"),
}


@dataclass(frozen=True)
class PersonOwner:
    slack_user_id: str


@dataclass(frozen=True)
class TeamOwner:
    name: str


Owner: TypeAlias = PersonOwner | TeamOwner


@dataclass(frozen=True)
class TargetHelp:
    pass


@dataclass(frozen=True)
class TargetShow:
    owner: Owner | None  # None: the person asking


@dataclass(frozen=True)
class TargetSet:
    owner: Owner
    metric: Metric
    amount: Amount  # counts are whole numbers without a currency
    period: Period
    period_given: bool


TargetCommand: TypeAlias = TargetHelp | TargetShow | TargetSet


def parse_target_command(text: str, today: date) -> TargetCommand:
    """What the person meant by `/target <text>`; `today` is their local date, for periods.

    Raises ParseError, worded for the person, when `text` does not follow the grammar.
    """
    stripped = fold_punctuation(text).strip()
    if not stripped:
        return TargetShow(None)
    if stripped.casefold() in _HELP_WORDS:
        return TargetHelp()
    words = stripped.split(maxsplit=1)
    if words[0].casefold() == "team":
        return _parse_team(words[1] if len(words) > 1 else "", today)
    tokens = list(_TOKEN_RE.finditer(stripped))
    first = tokens[0][0]
    if not first.startswith(("<", "@", "#")):
        raise ParseError(
            msg(
                "I don't understand {value}. Start with the person (picked from Slack's "
                "@ list) or with “team” and the team's name.",
                value=quoted(first),
            ),
            example=PERSON_EXAMPLE,
        )
    owner = PersonOwner(user_mention(first, PERSON_EXAMPLE))
    rest = stripped[tokens[0].end() :].strip()
    if not rest:
        return TargetShow(owner)
    metric, after = _metric_first(rest, PERSON_EXAMPLE)
    return _target(owner, metric, after, today, f"/target @rita {_example_metric(metric)}")


def _parse_team(text: str, today: date) -> TargetCommand:
    if not text.strip():
        raise ParseError(msg("Name the team after “team”."), example=TEAM_EXAMPLE)
    name, metric, after = _split_at_metric(text)
    if metric is None:
        _reject_missing_metric(name)
        return TargetShow(TeamOwner(name))
    example = f"/target team {team_ref(name, METRIC_WORDS)} {_example_metric(metric)}"
    return _target(TeamOwner(name), metric, after, today, example)


def _split_at_metric(text: str) -> tuple[str, Metric | None, str]:
    """The team name, the metric after it (None when there is none) and what follows.

    The first metric after at least one word of the name ends the name, unless it is quoted.
    """
    if text[:1] in _QUOTE_CHARS:
        name, word, after = split_team_name(text, {*METRIC_WORDS, "new"}, TEAM_EXAMPLE)
        if word is None:
            return name, None, ""
        metric, rest = _metric_first(f"{word} {after}", TEAM_EXAMPLE)
        return name, metric, rest
    tokens = list(_TOKEN_RE.finditer(text))
    for at in range(1, len(tokens)):
        word = tokens[at][0].casefold()
        if word in METRIC_WORDS:
            return (
                squash_spaces(text[: tokens[at].start()]),
                METRIC_WORDS[word],
                text[tokens[at].end() :].strip(),
            )
        following = tokens[at + 1][0].casefold() if at + 1 < len(tokens) else ""
        if word == "new" and following in _NEW_CUSTOMER_WORDS:
            name = squash_spaces(text[: tokens[at].start()])
            return name, METRICS["new_customers"], text[tokens[at + 1].end() :].strip()
    return squash_spaces(text), None, ""


def _reject_missing_metric(name: str) -> None:
    """A "name" ending in an amount was meant to set a target with an unknown metric."""
    words = name.split()
    if len(words) < 2:
        return
    try:
        parse_amount(words[-1])
    except ParseError:
        return
    raise ParseError(
        msg(
            "I couldn't find a metric in {value}. The metrics are: {metrics}.",
            value=quoted(name),
            metrics=msg(METRIC_NAMES),
        ),
        example=TEAM_EXAMPLE,
    )


def _metric_first(text: str, example: str) -> tuple[Metric, str]:
    word, typed, rest = _first_word(text)
    if word == "new":
        following, _, after = _first_word(rest)
        if following in _NEW_CUSTOMER_WORDS:
            return METRICS["new_customers"], after
    if word in METRIC_WORDS:
        return METRIC_WORDS[word], rest
    raise ParseError(
        msg(
            "I don't know the metric {value}. The metrics are: {metrics}.",
            value=quoted(typed),
            metrics=msg(METRIC_NAMES),
        ),
        example=example,
    )


def _target(owner: Owner, metric: Metric, text: str, today: date, example: str) -> TargetSet:
    words = text.split()
    if not words:
        raise ParseError(
            msg("Add the target amount after “{metric}”.", metric=_metric_word(metric)),
            example=example,
        )
    amount, period = _amount_and_period(words, today, example)
    if not metric.is_money:
        amount = _count(amount, metric, example)
    return TargetSet(owner, metric, amount, period or month_of(today), period is not None)


def _amount_and_period(words: list[str], today: date, example: str) -> tuple[Amount, Period | None]:
    """The amount, then an optional period of one or two words at the end."""
    for size in (2, 1):
        if len(words) > size:
            try:
                period = parse_period(" ".join(words[-size:]), today)
            except ParseError:
                continue
            return _amount(" ".join(words[:-size]), example), period
    try:
        return _amount(" ".join(words), example), None
    except ParseError as amount_error:
        # "120k 2026-13": a fine amount followed by a period that isn't one.
        for size in (1, 2):
            if len(words) > size and _reads_as_amount(" ".join(words[:size])):
                _period(" ".join(words[size:]), today, example)
        raise amount_error from None


def _amount(text: str, example: str) -> Amount:
    try:
        return parse_amount(text)
    except ParseError as error:
        raise ParseError(
            msg(
                "{problem} Amounts look like {examples}.",
                problem=error.text,
                examples=msg(AMOUNT_EXAMPLES),
            ),
            example,
        ) from None


def _reads_as_amount(text: str) -> bool:
    try:
        parse_amount(text)
    except ParseError:
        return False
    return True


def _period(text: str, today: date, example: str) -> Period:
    try:
        return parse_period(text, today)
    except ParseError as error:
        raise ParseError(
            msg(
                "{problem} Periods look like {examples}.",
                problem=error.text,
                examples=msg(PERIOD_EXAMPLES),
            ),
            example,
        ) from None


def _count(amount: Amount, metric: Metric, example: str) -> Amount:
    name = METRIC_IN_TEXT.get(metric.key, metric.label.lower())
    if amount.currency is not None:
        raise ParseError(
            msg("{metric} are counted, not money: leave out the currency.", metric=name),
            example=example,
        )
    if amount.value != amount.value.to_integral_value():
        raise ParseError(
            msg(
                "A target for {metric} must be a whole number, not {value}.",
                metric=name,
                value=f"{amount.value.normalize():f}",
            ),
            example=example,
        )
    return amount


def _example_metric(metric: Metric) -> str:
    return f"{_metric_word(metric)} {'120k' if metric.is_money else '40'}"


def _metric_word(metric: Metric) -> str:
    return metric.label.lower()


def _first_word(text: str) -> tuple[str, str, str]:
    """The first word casefolded, that word as typed, and the stripped rest."""
    words = text.split(maxsplit=1)
    if not words:
        return "", "", ""
    return words[0].casefold(), words[0], (words[1].strip() if len(words) > 1 else "")
