"""Target periods as people type them: `2026-12`, `2026-Q4`, `dec`, `this month`, `next quarter`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from parsing.errors import ParseError
from sales.periods import Period, month, month_of, quarter, quarter_of

PERIOD_EXAMPLES = "2026-12, 2026-Q4, this month, next month, this quarter or next quarter"
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
}


def parse_period(text: str, today: date) -> Period:
    """A month or quarter; `today` resolves the relative forms."""
    wanted = " ".join(text.split()).casefold()
    if wanted in _NAMED:
        return _NAMED[wanted](today)
    if match := _MONTH.match(wanted):
        year, number = int(match[1]), int(match[2])
        if 1 <= number <= 12 and 2000 <= year <= 2100:
            return month(year, number)
    if match := _QUARTER.match(wanted):
        year = int(match[1])
        if 2000 <= year <= 2100:
            return quarter(year, int(match[2]))
    raise ParseError(
        f"I couldn't read “{text.strip()[:40]}” as a month or quarter.", PERIOD_EXAMPLES
    )
