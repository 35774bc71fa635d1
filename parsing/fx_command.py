"""The `/fx` command text: list and set exchange rates.

    /fx                                 every rate, newest first per pair
    /fx help
    /fx <from> <to> <rate> [<date>]     (admins) one <from> is worth <rate> <to> from <date>
                                        (default: today, in the admin's time zone)

`/fx CNY USD 0.1380` and `/fx cny usd 0.138 2026-11-01` both work; the rate is a plain
positive number (a comma for the decimal point, as some keyboards type it, is read as one).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeAlias

from parsing._common import quoted, squash_spaces
from parsing.amounts import currency_code
from parsing.dates import parse_date
from parsing.errors import ParseError
from translations import msg

FX_EXAMPLE = "/fx CNY USD 0.138"
FX_EXAMPLES: tuple[str, ...] = ("/fx", FX_EXAMPLE, "/fx EUR USD 1.08 2026-11-01")
# At most 10 decimal places and 14 digits before the point: what exchange_rates stores.
MAX_RATE_PLACES = 10
MAX_RATE = Decimal(10) ** 14
_HELP_WORDS = frozenset({"help", "?", "帮助"})
_RATE_RE = re.compile(r"^[0-9]+(?:[.,][0-9]+)?$|^[.,][0-9]+$")


@dataclass(frozen=True)
class FxList:
    pass


@dataclass(frozen=True)
class FxHelp:
    pass


@dataclass(frozen=True)
class FxSet:
    from_currency: str
    to_currency: str
    rate: Decimal
    effective_on: date
    dated: bool  # the person gave the date (else it is today)


FxCommand: TypeAlias = FxList | FxHelp | FxSet


def parse_fx_command(raw: str, today: date) -> FxCommand:
    words = squash_spaces(unicodedata.normalize("NFKC", raw)).split(" ") if raw.strip() else []
    if not words:
        return FxList()
    if len(words) == 1 and words[0].casefold() in _HELP_WORDS:
        return FxHelp()
    if len(words) < 3:
        raise ParseError(
            msg(
                "Say both currencies and the rate: one of the first is worth the rate of "
                "the second."
            ),
            FX_EXAMPLE,
        )
    source, target = _currency(words[0]), _currency(words[1])
    if source == target:
        raise ParseError(msg("The two currencies are the same: a rate needs two."), FX_EXAMPLE)
    rate = parse_rate(words[2])
    rest = " ".join(words[3:])
    effective_on = parse_date(rest, today) if rest else today
    return FxSet(source, target, rate, effective_on, dated=bool(rest))


def parse_rate(raw: str) -> Decimal:
    """A positive rate with at most 10 decimal places, as exchange_rates stores it."""
    text = raw.strip()
    if not _RATE_RE.match(text):
        raise ParseError(
            msg(
                "I couldn't read {value} as a rate: type a number such as 0.138.",
                value=quoted(raw),
            ),
            FX_EXAMPLE,
        )
    rate = Decimal(text.replace(",", "."))  # the pattern admits only plain numbers
    exponent = rate.as_tuple().exponent
    if rate <= 0 or rate >= MAX_RATE:
        raise ParseError(msg("A rate must be more than 0, like 0.138."), FX_EXAMPLE)
    if isinstance(exponent, int) and -exponent > MAX_RATE_PLACES:
        raise ParseError(msg("A rate has at most 10 decimal places."), FX_EXAMPLE)
    return rate


def _currency(word: str) -> str:
    code = currency_code(word)
    if code is None:
        raise ParseError(
            msg(
                "{value} isn't a currency code such as USD, EUR or CNY.",
                value=quoted(word),
            ),
            FX_EXAMPLE,
        )
    return code
