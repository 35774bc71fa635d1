"""Dates as salespeople type them: 2026-12-15, friday, in 3 days, next week, end of month."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import MAXYEAR, date, timedelta

from parsing._common import quoted, squash_spaces
from parsing.errors import ParseError

DATE_EXAMPLES = "2026-12-15, today, tomorrow, friday, in 3 days, next week or end of month"

_FRIDAY = 4
_DECEMBER = 12
# How many years ahead to look for a month-day such as 2/29 before calling it impossible:
# leap days come every 4 years, except across a skipped century leap year (2096 -> 2104).
_MONTH_DAY_SEARCH_YEARS = 9

_WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}

_MONTHS: dict[str, int] = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}
_MONTHS["sept"] = 9

_UNITS = ("day", "week", "month")
_COUNT_WORDS: dict[str, int] = {"a": 1, "an": 1, "one": 1}

_ISO_RE = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})")
_WEEKDAY_RE = re.compile(r"(?:next )?([a-z]+)")
_RELATIVE_RE = re.compile(r"in ([0-9]+|a|an|one) (day|week|month)s?")
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_DAY_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?P<month>[0-9]{1,2})/(?P<day>[0-9]{1,2})"), "numeric"),
    (re.compile(r"(?P<month>[0-9]{1,2}) ?月 ?(?P<day>[0-9]{1,2}) ?[日号]?"), "numeric"),
    (re.compile(rf"(?P<month>{_MONTH_NAMES})\.? (?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?"), "named"),
    (
        re.compile(rf"(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<month>{_MONTH_NAMES})\.?"),
        "named",
    ),
)
# Counts longer than this are certainly past date.max; refusing them early also keeps int()
# away from Python's limit on converting huge digit strings.
_MAX_COUNT_DIGITS = 7
# Dates the bot accepts at all. Far-off dates are typos, and week and period arithmetic on
# them would run past the calendar Python can hold (year 9999) after the record was saved.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def date_in_range(day: date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def out_of_range_message(day: date) -> str:
    return (
        f"{day:%Y-%m-%d} is too far away: use a date between {EARLIEST_DATE.year} "
        f"and {LATEST_DATE.year}."
    )


def parse_date(text: str, today: date) -> date:
    """The date meant by `text`, read relative to `today` (the person's own local date).

    Relative forms (weekdays, "in 3 days", "next week", "end of month", month-day without a
    year) are never before `today`; only "yesterday" and explicit ISO dates can be.
    Raises ParseError, worded for the person who typed `text`, when it is not a date.
    """
    # NFKC turns full-width digits from Chinese keyboards into ASCII. A sentence-final full
    # stop ("... by friday.") belongs to the prose, not to the date.
    words = squash_spaces(unicodedata.normalize("NFKC", text).casefold()).rstrip(".").rstrip()
    if not words:
        raise ParseError("Type a date, like tomorrow or 2026-12-15.", example=DATE_EXAMPLES)
    try:
        found = _read(words, today, text)
    except OverflowError:
        # Calendar arithmetic ran past the years Python's dates can hold (1 to 9999).
        raise ParseError(f"{quoted(text)} is too far away.", example=DATE_EXAMPLES) from None
    if found is None:
        raise ParseError(f"I couldn't read {quoted(text)} as a date.", example=DATE_EXAMPLES)
    if not date_in_range(found):
        raise ParseError(out_of_range_message(found), example=DATE_EXAMPLES)
    return found


def _read(words: str, today: date, text: str) -> date | None:
    readers: tuple[Callable[[str, date, str], date | None], ...] = (
        _fixed_phrase,
        _weekday,
        _relative,
        _iso,
        _month_day,
    )
    for reader in readers:
        found = reader(words, today, text)
        if found is not None:
            return found
    return None


def _fixed_phrase(words: str, today: date, _text: str) -> date | None:
    resolve = _PHRASES.get(words)
    return resolve(today) if resolve else None


def _weekday(words: str, today: date, _text: str) -> date | None:
    """`friday`, `fri` or `next friday`: the first such day strictly after today."""
    match = _WEEKDAY_RE.fullmatch(words)
    if match is None or match[1] not in _WEEKDAYS:
        return None
    days_ahead = (_WEEKDAYS[match[1]] - today.weekday() - 1) % 7 + 1
    return today + timedelta(days=days_ahead)


def _relative(words: str, today: date, _text: str) -> date | None:
    """`in 3 days`, `in 2 weeks`, `in a month`."""
    match = _RELATIVE_RE.fullmatch(words)
    if match is None:
        return None
    count_text, unit = match.groups()
    if len(count_text) > _MAX_COUNT_DIGITS:
        raise OverflowError(count_text)
    count = _COUNT_WORDS.get(count_text) or int(count_text)
    if unit == "month":
        return _add_months(today, count)
    return today + timedelta(days=count * (7 if unit == "week" else 1))


def _iso(words: str, _today: date, text: str) -> date | None:
    match = _ISO_RE.fullmatch(words)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    return _real_date(year, month, day, text)


def _month_day(words: str, today: date, text: str) -> date | None:
    """`12/15`, `dec 15`, `15 december`, `12月15日`: the next such date on or after today."""
    for pattern, kind in _MONTH_DAY_RES:
        match = pattern.fullmatch(words)
        if match is None:
            continue
        month = int(match["month"]) if kind == "numeric" else _MONTHS[match["month"]]
        if month > _DECEMBER:
            raise ParseError(
                f"{quoted(text)} isn't a real date. I read dates like 12/15 as month/day.",
                example=DATE_EXAMPLES,
            )
        return _next_month_day(month, int(match["day"]), today, text)
    return None


def _next_month_day(month: int, day: int, today: date, text: str) -> date:
    _real_date(2000, month, day, text)  # 2000 is a leap year, so this only rejects 2/30 & co
    for year in range(today.year, today.year + _MONTH_DAY_SEARCH_YEARS):
        if year > MAXYEAR:
            break
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
    raise OverflowError(text)


def _real_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError(f"{quoted(text)} isn't a real date.", example=DATE_EXAMPLES) from None


def _monday_of_next_week(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _first_of_next_month(today: date) -> date:
    return _add_months(today.replace(day=1), 1)


def _end_of_month(today: date) -> date:
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def _end_of_week(today: date) -> date:
    """The coming Friday: today on a Friday, and the next week's Friday at the weekend."""
    return today + timedelta(days=(_FRIDAY - today.weekday()) % 7)


def _add_months(start: date, months: int) -> date:
    """The same day `months` later, pulled back to the month's last day (Jan 31 -> Feb 28)."""
    year, month_index = divmod(start.month - 1 + months, 12)
    year += start.year
    if year > MAXYEAR:
        raise OverflowError(months)
    month = month_index + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


# Defined last because it names the helpers above.
_PHRASES: dict[str, Callable[[date], date]] = {
    "today": lambda today: today,
    "tomorrow": lambda today: today + timedelta(days=1),
    "yesterday": lambda today: today - timedelta(days=1),
    "next week": _monday_of_next_week,
    "next month": _first_of_next_month,
    "end of month": _end_of_month,
    "eom": _end_of_month,
    "end of week": _end_of_week,
    "eow": _end_of_week,
}
