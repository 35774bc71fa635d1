"""Case review rules that need the store: a team's prompt slot, the week a case is for."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from reports.roster import person_calendar
from runtime.settings import Settings
from sales.case_review import WeeklySlot, case_week, previous_week, week_monday, week_of
from store import cases
from store.models import Person, Team

if TYPE_CHECKING:
    from services.context import BotContext


def case_slot(team: Team | None, settings: Settings) -> WeeklySlot:
    """When the team's reps are asked for their case: its own choice, else the default."""
    weekday = settings.case_prompt_weekday
    at = settings.case_prompt_time
    if team is not None and team.case_prompt_weekday is not None:
        weekday = team.case_prompt_weekday
    if team is not None and team.case_prompt_time:
        hours, _, minutes = team.case_prompt_time.partition(":")
        if hours.isdigit() and minutes.isdigit():
            at = time(int(hours), int(minutes))
    return WeeklySlot(weekday, at)


def is_away_week(session: Session, person_id: int, week: str) -> bool:
    monday = week_monday(week)
    if monday is None:
        return False
    return cases.is_away(session, person_id, monday, monday + timedelta(days=6))


def week_for_new_case(ctx: BotContext, session: Session, person: Person, today: date) -> str:
    """The week a case the person starts today is for (see sales.case_review.case_week):
    last week's while they still owe it, until its reminder; else this week's."""
    slot = case_slot(cases.home_team(session, person.id), ctx.settings)
    last_week = previous_week(week_of(today))
    owes = not cases.has_case(session, person.id, last_week) and not is_away_week(
        session, person.id, last_week
    )
    return case_week(
        today, slot.weekday, person_calendar(session, person.id, ctx.settings.holiday_country), owes
    )
