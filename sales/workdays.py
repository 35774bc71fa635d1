"""Working days per country, so pacing never expects sales on a weekend or a public holiday."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holidays import HolidayBase

_SATURDAY = 5
_ONE_DAY = timedelta(days=1)


def is_known_country(code: str) -> bool:
    """Whether `holidays` knows the country (ISO alpha-2 such as `US`, alpha-3 aliases too)."""
    # `holidays` (14 ms to import) loads only where a country is named.
    import holidays

    return code.strip().upper() in holidays.list_supported_countries()


_SPANS_KEPT = 4096


class WorkCalendar:
    """Working days for one country: Monday-Friday minus that country's public holidays.

    Weekend days a government declares working days in exchange for a bridge holiday
    (China's 调休, e.g. Saturday 2026-02-14 for the Spring Festival) count as working days:
    `holidays` lists the bridge day off, and dropping it without the make-up Saturday would
    undercount the month.
    """

    def __init__(self, country: str | None) -> None:
        code = (country or "").strip().upper()
        if code and not is_known_country(code):
            raise ValueError(
                f"{country!r} is not a country code the holidays calendar knows, "
                "e.g. US, CN, GB or DE."
            )
        self.country: str | None = code or None
        # Years load lazily inside `holidays`; that mutates shared state and the bot
        # answers requests on several threads.
        self._lock = threading.Lock()
        self._holidays: HolidayBase | None = None
        if code:
            import holidays

            self._holidays = holidays.country_holidays(code)
        # A day's answer never changes; reports ask about the same days for every rep.
        self._working: dict[date, bool] = {}
        self._spans: dict[tuple[date, date], tuple[date, ...]] = {}

    def __repr__(self) -> str:
        return f"WorkCalendar({self.country!r})"

    def holiday_name(self, day: date) -> str | None:
        if self._holidays is None:
            return None
        with self._lock:
            return self._holidays.get(day)

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is not None:
            return known
        if self._holidays is None:
            return day.weekday() < _SATURDAY
        with self._lock:
            is_holiday = day in self._holidays  # loads day.year before the make-up check
            if day.weekday() >= _SATURDAY:
                working = day in self._holidays.weekend_workdays
            else:
                working = not is_holiday
            self._working[day] = working
        return working

    def working_days(self, start: date, end: date) -> list[date]:
        """The working days from `start` to `end`, both included."""
        known = self._spans.get((start, end))
        if known is None:
            days = (start + timedelta(days=offset) for offset in range((end - start).days + 1))
            known = tuple(day for day in days if self.is_working_day(day))
            if len(self._spans) >= _SPANS_KEPT:
                self._spans.clear()
            self._spans[start, end] = known
        return list(known)

    def count(self, start: date, end: date) -> int:
        return len(self.working_days(start, end))

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        day -= _ONE_DAY
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def last_working_days(self, day: date, n: int) -> list[date]:
        """The `n` working days strictly before `day`, oldest first."""
        if n < 0:
            raise ValueError(f"cannot take {n} working days")
        found: list[date] = []
        while len(found) < n:
            day = self.previous_working_day(day)
            found.append(day)
        return found[::-1]


@lru_cache(maxsize=64)
def _cached_calendar(code: str) -> WorkCalendar:
    return WorkCalendar(code)


def calendar_for(country: str | None) -> WorkCalendar:
    """One shared calendar per country, so each year's holidays are computed once."""
    # Normalising first keeps "us", "US " and "US" on the same cached calendar.
    return _cached_calendar((country or "").strip().upper())
