"""The weekly case review's calendar: which ISO week a case is for, when the prompt and the
reminder fall due. Pure functions of days and a working-day calendar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from sales.workdays import WorkCalendar
from translations import marked

# English, marked for the catalog: shown with gettext(language, name).
WEEKDAY_NAMES = (
    marked("Monday"),
    marked("Tuesday"),
    marked("Wednesday"),
    marked("Thursday"),
    marked("Friday"),
    marked("Saturday"),
    marked("Sunday"),
)
_WEEK_RE = re.compile(r"([0-9]{4})-W([0-9]{2})")
# A working day always comes within this many days (the longest holiday runs are ~10 days).
_SEARCH_DAYS = 31


@dataclass(frozen=True)
class WeeklySlot:
    """A weekday (0 = Monday) and a local time: a team's own choice for a weekly message."""

    weekday: int
    at: time


def week_of(day: date) -> str:
    """The ISO week `day` is in, as the ledger and the cases table write it: `2026-W47`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_monday(week: str) -> date | None:
    """The Monday of a `2026-W47` week; None when the text is not one."""
    match = _WEEK_RE.fullmatch(week.strip())
    if match is None:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def prompt_day(monday: date, weekday: int, calendar: WorkCalendar) -> date | None:
    """The day of that week the prompt goes out: the chosen weekday, or the week's next
    working day when that is a holiday; None when the rest of the week is off."""
    chosen, sunday = monday + timedelta(days=weekday), monday + timedelta(days=6)
    days = calendar.working_days(chosen, sunday)
    return days[0] if days else None


def next_working_day(day: date, calendar: WorkCalendar) -> date:
    """The first working day strictly after `day`."""
    for offset in range(1, _SEARCH_DAYS + 1):
        candidate = day + timedelta(days=offset)
        if calendar.is_working_day(candidate):
            return candidate
    return day + timedelta(days=1)


def prompt_week(day: date, weekday: int, calendar: WorkCalendar) -> str | None:
    """The week whose prompt is due on `day`, if any."""
    return week_of(day) if prompt_day(monday_of(day), weekday, calendar) == day else None


def reminder_week(day: date, weekday: int, calendar: WorkCalendar) -> str | None:
    """The week whose reminder is due on `day` (the working day after its prompt), if any."""
    this_monday = monday_of(day)
    for monday in (this_monday, this_monday - timedelta(weeks=1)):
        prompted = prompt_day(monday, weekday, calendar)
        if prompted is not None and prompted < day and next_working_day(prompted, calendar) == day:
            return week_of(prompted)
    return None


def reminder_day(week: str, weekday: int, calendar: WorkCalendar) -> date | None:
    monday = week_monday(week)
    prompted = prompt_day(monday, weekday, calendar) if monday else None
    return next_working_day(prompted, calendar) if prompted else None


def previous_week(week: str) -> str:
    monday = week_monday(week)
    assert monday is not None, week
    return week_of(monday - timedelta(weeks=1))


def case_week(today: date, weekday: int, calendar: WorkCalendar, owes_last_week: bool) -> str:
    """The week a case written today is for.

    Until the morning reminder for last week's case (the working day after its prompt),
    a rep who still owes last week's case is writing that one; otherwise this week's.
    """
    this_week = week_of(today)
    last_week = previous_week(this_week)
    due_by = reminder_day(last_week, weekday, calendar)
    if owes_last_week and due_by is not None and today <= due_by:
        return last_week
    return this_week
