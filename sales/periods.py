"""Target periods: a calendar month (`2026-12`) or quarter (`2026-Q4`)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def month(year: int, month_number: int) -> Period:
    last = calendar.monthrange(year, month_number)[1]
    return Period(
        date(year, month_number, 1), date(year, month_number, last), f"{year}-{month_number:02d}"
    )


def quarter(year: int, number: int) -> Period:
    first_month = 3 * (number - 1) + 1
    start = date(year, first_month, 1)
    end = month(year, first_month + 2).end
    return Period(start, end, f"{year}-Q{number}")


def month_of(day: date) -> Period:
    return month(day.year, day.month)


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def from_label(label: str) -> Period:
    """The period a stored label names (`2026-12` or `2026-Q4`)."""
    year, _, rest = label.partition("-")
    if rest.upper().startswith("Q"):
        return quarter(int(year), int(rest[1:]))
    return month(int(year), int(rest))
