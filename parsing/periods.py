"""Target periods as people type them: `2026-12`, `2026-Q4`, `this month`, `next quarter`,
and in Chinese: 本月, 下个月, 本季度, 下季度, 2026年12月, 2026年第四季度."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from parsing.errors import ParseError
from sales.periods import Period, month, month_of, quarter, quarter_of
from translations import marked, msg

PERIOD_EXAMPLES = marked("2026-12, 2026-Q4, this month, next month, this quarter or next quarter")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$", re.IGNORECASE)


def _next_month(today: date) -> Period:
    return month_of(month_of(today).end + timedelta(days=1))


def _next_quarter(today: date) -> Period:
    return quarter_of(quarter_of(today).end + timedelta(days=1))


_NAMED: dict[str, Callable[[date], Period]] = {
    "this month": month_of,
    "next month": _next_month,
    "this quarter": quarter_of,
    "next quarter": _next_quarter,
    **dict.fromkeys(("本月", "这个月", "当月"), month_of),
    **dict.fromkeys(("下月", "下个月"), _next_month),
    **dict.fromkeys(("本季度", "这个季度", "本季"), quarter_of),
    **dict.fromkeys(("下季度", "下个季度", "下季"), _next_quarter),
}
# 2026年12月, 2026年第四季度 / 2026年Q4 / 2026年4季度.
_CHINESE_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月$")
_CHINESE_QUARTER = re.compile(r"^(\d{4})年(?:第?([1-4一二三四])季度?|q([1-4]))$")
_CHINESE_QUARTER_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4}


def parse_period(text: str, today: date) -> Period:
    """A month or quarter; `today` resolves the relative forms."""
    wanted = " ".join(text.split()).casefold()
    if wanted in _NAMED:
        return _NAMED[wanted](today)
    compact = wanted.replace(" ", "")
    if match := _CHINESE_MONTH.match(compact):
        wanted = f"{match[1]}-{match[2]}"
    if match := _CHINESE_QUARTER.match(compact):
        number = match[3] or str(_CHINESE_QUARTER_NUMBERS.get(match[2], match[2]))
        wanted = f"{match[1]}-q{number}"
    if match := _MONTH.match(wanted):
        year, number = int(match[1]), int(match[2])
        if 1 <= number <= 12 and 2000 <= year <= 2100:
            return month(year, number)
    if match := _QUARTER.match(wanted):
        year = int(match[1])
        if 2000 <= year <= 2100:
            return quarter(year, int(match[2]))
    raise ParseError(
        msg("I couldn't read “{value}” as a month or quarter.", value=text.strip()[:40]),
        msg(PERIOD_EXAMPLES),
    )
