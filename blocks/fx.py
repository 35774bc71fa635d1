"""The `/fx` replies: the exchange rates admins keep, and how to add one."""

from __future__ import annotations

from decimal import Decimal

from blocks.common import Message, context, header, message, section
from parsing.fx_command import FX_EXAMPLES
from store.models import ExchangeRate
from translations import Language, gettext
from translations.formats import format_day

MAX_LISTED = 40


def rate_text(rate: Decimal) -> str:
    """Every digit an admin typed (0.1380 reads 0.138), never rounded to a locale's 3 places."""
    return f"{rate.normalize():f}"


def rate_line(language: Language, rate: ExchangeRate) -> str:
    return gettext(
        language,
        "• 1 {source} = {rate} {target} from {day}",
        source=rate.from_currency,
        rate=rate_text(rate.rate),
        target=rate.to_currency,
        day=format_day(language, rate.effective_on),
    )


def fx_list(language: Language, rates: list[ExchangeRate]) -> Message:
    title = gettext(language, "Exchange rates")
    if not rates:
        body = gettext(
            language,
            "No exchange rates yet. Totals count money in other currencies only once an "
            "admin adds a rate, e.g. `/fx CNY USD 0.138`.",
        )
    else:
        lines = [rate_line(language, rate) for rate in rates[:MAX_LISTED]]
        if len(rates) > MAX_LISTED:
            lines.append(gettext(language, "…and {n} older rates.", n=len(rates) - MAX_LISTED))
        body = "\n".join(lines)
    note = gettext(
        language,
        "Each amount is converted at the rate in force on the day it was won or paid. "
        "The opposite pair's rate is used inverted when a pair has none.",
    )
    return message(title, [header(title), section(body), context(note)])


def fx_help(language: Language) -> Message:
    examples = "\n".join(f"`{example}`" for example in FX_EXAMPLES)
    text = gettext(
        language,
        "*How to use /fx*\n`/fx` lists the exchange rates. Admins set one with "
        "`/fx <from> <to> <rate> [<date>]`: one <from> is worth <rate> <to> from that date "
        "(today if none).\n{examples}",
        examples=examples,
    )
    return message(gettext(language, "How to use /fx"), [section(text)])


def rate_set(language: Language, rate: ExchangeRate, was: str | None, first: bool) -> Message:
    if not first:
        text = gettext(language, "This rate was already set.")
    elif was is None:
        text = gettext(language, ":white_check_mark: Rate set:") + "\n" + rate_line(language, rate)
    else:
        text = (
            gettext(language, ":white_check_mark: Rate changed (was {was}):", was=was)
            + "\n"
            + rate_line(language, rate)
        )
    return message(text, [section(text)])
