"""Dates as salespeople type them: 2026-12-15, friday, in 3 days, next week, end of month.

Chinese forms are read whatever the person's language: 明天, 周五/星期五/礼拜五, 下周五,
本周五, 下周, 下个月, 月底, 下月底, 季度末, 年底, 3天后/三天后, 两周后, 12月15日/12月15号,
2026年12月15日, 2026/12/15, 2026.12.15 and 12.15.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import MAXYEAR, date, timedelta

from parsing._common import quoted, squash_spaces
from parsing.chinese_numbers import CHINESE_NUMERAL_CHARS, parse_chinese_number
from parsing.errors import ParseError
from translations import Text, marked, msg

DATE_EXAMPLES = marked("2026-12-15, today, tomorrow, friday, in 3 days, next week or end of month")
# In Chinese the catalog gives Chinese forms (明天, 下周五, 月底…) for the same message.
_EXAMPLES = msg(DATE_EXAMPLES)

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
_NUMERALS = CHINESE_NUMERAL_CHARS

# 日 and 天 both name Sunday (星期日, 星期天); 1-7 are how some people type them.
_CHINESE_WEEKDAYS: dict[str, int] = {
    **{name: number for number, name in enumerate("一二三四五六")},
    "日": 6,
    "天": 6,
    **{str(number + 1): number for number in range(7)},
}
_CHINESE_WEEKDAY_RE = re.compile(
    r"(?P<which>下|本|这)?个?(?:周|星期|礼拜)(?P<day>[一二三四五六日天1-7])"
)
_CHINESE_RELATIVE_RE = re.compile(
    rf"(?P<count>[0-9]+|[{CHINESE_NUMERAL_CHARS}]+)个?(?P<unit>天|日|周|星期|礼拜|月)(?:以后|之后|后)"
)
_CHINESE_UNITS: dict[str, str] = {
    "天": "day",
    "日": "day",
    "周": "week",
    "星期": "week",
    "礼拜": "week",
    "月": "month",
}
_CHINESE_FULL_DATE_RE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})[日号]?")
_COUNT_WORDS: dict[str, int] = {"a": 1, "an": 1, "one": 1}

_ISO_RE = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_WEEKDAY_RE = re.compile(r"(?:next )?([a-z]+)")
_RELATIVE_RE = re.compile(r"in ([0-9]+|a|an|one) (day|week|month)s?")
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_DAY_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?P<month>[0-9]{1,2})/(?P<day>[0-9]{1,2})"), "numeric"),
    (re.compile(r"(?P<month>[0-9]{1,2}) ?月 ?(?P<day>[0-9]{1,2}) ?[日号]?"), "numeric"),
    (re.compile(r"(?P<month>[0-9]{1,2})\.(?P<day>[0-9]{1,2})"), "numeric"),
    (re.compile(rf"(?P<month>[{_NUMERALS}]+)月(?P<day>[{_NUMERALS}]+)[日号]?"), "chinese"),
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


def out_of_range_message(day: date) -> Text:
    return msg(
        "{day} is too far away: use a date between {earliest} and {latest}.",
        day=f"{day:%Y-%m-%d}",
        earliest=EARLIEST_DATE.year,
        latest=LATEST_DATE.year,
    )


def parse_date(raw: str, today: date) -> date:
    """The date meant by `text`, read relative to `today` (the person's own local date).

    Relative forms (weekdays, "in 3 days", "next week", "end of month", month-day without a
    year) are never before `today`; only "yesterday" and explicit ISO dates can be.
    Raises ParseError, worded for the person who typed `raw`, when it is not a date.
    """
    # NFKC turns full-width digits from Chinese keyboards into ASCII. A sentence-final full
    # stop ("... by friday.") belongs to the prose, not to the date.
    words = squash_spaces(unicodedata.normalize("NFKC", raw).casefold()).rstrip(".").rstrip()
    if not words:
        raise ParseError(msg("Type a date, like tomorrow or 2026-12-15."), example=_EXAMPLES)
    try:
        found = _read(words, today, raw)
    except OverflowError:
        # Calendar arithmetic ran past the years Python's dates can hold (1 to 9999).
        raise ParseError(
            msg("{value} is too far away.", value=quoted(raw)), example=_EXAMPLES
        ) from None
    if found is None:
        raise ParseError(
            msg("I couldn't read {value} as a date.", value=quoted(raw)), example=_EXAMPLES
        )
    if not date_in_range(found):
        raise ParseError(out_of_range_message(found), example=_EXAMPLES)
    return found


def _read(words: str, today: date, raw: str) -> date | None:
    # Chinese is written without spaces, so "下 周五" and "12 月 15 日" mean the same.
    compact = words.replace(" ", "")
    for reader in _CHINESE_READERS:
        found = reader(compact, today, raw)
        if found is not None:
            return found
    for reader in _READERS:
        found = reader(words, today, raw)
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


def _iso(words: str, _today: date, raw: str) -> date | None:
    match = _ISO_RE.fullmatch(words)
    if match is None:
        return None
    return _real_date(int(match[1]), int(match[3]), int(match[4]), raw)


def _chinese_phrase(words: str, today: date, _raw: str) -> date | None:
    resolve = _CHINESE_PHRASES.get(words)
    return resolve(today) if resolve else None


def _chinese_weekday(words: str, today: date, raw: str) -> date | None:
    """周五 (the next Friday after today), 下周五 (next week's), 本周五 (this week's)."""
    match = _CHINESE_WEEKDAY_RE.fullmatch(words)
    if match is None:
        return None
    weekday = _CHINESE_WEEKDAYS[match["day"]]
    if match["which"] == "下":
        return _monday_of_next_week(today) + timedelta(days=weekday)
    if match["which"] is None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    this_week = today + timedelta(days=weekday - today.weekday())
    if this_week < today:
        raise ParseError(
            msg(
                "{value} has already passed this week. For next week's, write 下{day}.",
                value=quoted(raw),
                day=words[match.end("which") :].lstrip("个"),
            ),
            example=_EXAMPLES,
        )
    return this_week


def _chinese_relative(words: str, today: date, raw: str) -> date | None:
    """3天后, 三天后, 两周后, 1个月后."""
    match = _CHINESE_RELATIVE_RE.fullmatch(words)
    if match is None:
        return None
    count_text = match["count"]
    if len(count_text) > _MAX_COUNT_DIGITS:
        raise OverflowError(count_text)
    count = int(count_text) if count_text.isdigit() else _chinese_count(count_text, raw)
    unit = _CHINESE_UNITS[match["unit"]]
    if unit == "month":
        return _add_months(today, count)
    return today + timedelta(days=count * (7 if unit == "week" else 1))


def _chinese_count(numerals: str, raw: str) -> int:
    value = parse_chinese_number(numerals)
    if value is None or value != value.to_integral_value():
        raise ParseError(
            msg("I couldn't read {value} as a date.", value=quoted(raw)), example=_EXAMPLES
        )
    if value >= 10**_MAX_COUNT_DIGITS:
        raise OverflowError(numerals)
    return int(value)


def _chinese_full_date(words: str, _today: date, raw: str) -> date | None:
    """2026年12月15日 (or 号)."""
    match = _CHINESE_FULL_DATE_RE.fullmatch(words)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    return _real_date(year, month, day, raw)


def _month_day(words: str, today: date, raw: str) -> date | None:
    """`12/15`, `12.15`, `dec 15`, `15 december`, `12月15日`, `十二月十五日`: the next such date
    on or after today."""
    for pattern, kind in _MONTH_DAY_RES:
        match = pattern.fullmatch(words)
        if match is None:
            continue
        if kind == "chinese":
            month, day = _chinese_count(match["month"], raw), _chinese_count(match["day"], raw)
        else:
            month = int(match["month"]) if kind == "numeric" else _MONTHS[match["month"]]
            day = int(match["day"])
        if month > _DECEMBER:
            raise ParseError(
                msg(
                    "{value} isn't a real date. I read dates like 12/15 as month/day.",
                    value=quoted(raw),
                ),
                example=_EXAMPLES,
            )
        return _next_month_day(month, day, today, raw)
    return None


def _next_month_day(month: int, day: int, today: date, raw: str) -> date:
    _real_date(2000, month, day, raw)  # 2000 is a leap year, so this only rejects 2/30 & co
    for year in range(today.year, today.year + _MONTH_DAY_SEARCH_YEARS):
        if year > MAXYEAR:
            break
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
    raise OverflowError(raw)


def _real_date(year: int, month: int, day: int, raw: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError(
            msg("{value} isn't a real date.", value=quoted(raw)), example=_EXAMPLES
        ) from None


def _monday_of_next_week(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _first_of_next_month(today: date) -> date:
    return _add_months(today.replace(day=1), 1)


def _end_of_month(today: date) -> date:
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def _end_of_next_month(today: date) -> date:
    return _end_of_month(_first_of_next_month(today))


def _end_of_quarter(today: date) -> date:
    last_month = (today.month - 1) // 3 * 3 + 3
    return date(today.year, last_month, calendar.monthrange(today.year, last_month)[1])


def _end_of_year(today: date) -> date:
    return date(today.year, _DECEMBER, 31)


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

_CHINESE_PHRASES: dict[str, Callable[[date], date]] = {
    **dict.fromkeys(("今天", "今日"), lambda today: today),
    **dict.fromkeys(("明天", "明日"), lambda today: today + timedelta(days=1)),
    "后天": lambda today: today + timedelta(days=2),
    "大后天": lambda today: today + timedelta(days=3),
    **dict.fromkeys(("昨天", "昨日"), lambda today: today - timedelta(days=1)),
    "前天": lambda today: today - timedelta(days=2),
    **dict.fromkeys(("下周", "下星期", "下礼拜", "下个星期", "下个礼拜"), _monday_of_next_week),
    **dict.fromkeys(("下个月", "下月"), _first_of_next_month),
    **dict.fromkeys(("月底", "月末", "本月底", "本月末", "这个月底"), _end_of_month),
    **dict.fromkeys(("下月底", "下月末", "下个月底", "下个月末"), _end_of_next_month),
    **dict.fromkeys(("季度末", "季末", "季度底", "本季度末", "本季末"), _end_of_quarter),
    **dict.fromkeys(("年底", "年末", "今年底", "今年年底", "本年底"), _end_of_year),
}
_READERS: tuple[Callable[[str, date, str], date | None], ...] = (
    _fixed_phrase,
    _weekday,
    _relative,
    _iso,
    _month_day,
)
_CHINESE_READERS: tuple[Callable[[str, date, str], date | None], ...] = (
    _chinese_phrase,
    _chinese_weekday,
    _chinese_relative,
    _chinese_full_date,
)
