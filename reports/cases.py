"""Who wrote the week's case and who is away, for many people and weeks from one load."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from sales.case_review import previous_week, week_monday, week_of
from store import cases
from store.models import Away, Case


@dataclass(frozen=True)
class CaseStatus:
    """The loaded weeks' cases and the away periods touching them."""

    weeks: frozenset[str]
    cases: list[Case]  # by id
    aways: list[Away]

    def submitted(self, person_ids: Collection[int], week: str) -> list[Case]:
        self._check(week)
        wanted = set(person_ids)
        return [case for case in self.cases if case.week == week and case.author_id in wanted]

    def has_case(self, person_id: int, week: str) -> bool:
        return bool(self.submitted([person_id], week))

    def away_in(self, person_ids: Collection[int], week: str) -> set[int]:
        """Who among `person_ids` is away on some day of the week."""
        self._check(week)
        monday = week_monday(week)
        if monday is None:
            return set()
        sunday = monday + timedelta(days=6)
        wanted = set(person_ids)
        return {
            away.person_id
            for away in self.aways
            if away.person_id in wanted and away.first_day <= sunday and away.last_day >= monday
        }

    def is_away(self, person_id: int, week: str) -> bool:
        return bool(self.away_in([person_id], week))

    def _check(self, week: str) -> None:
        if week not in self.weeks:
            raise KeyError(f"week {week} was not loaded")


# A reminder falls on the working day after the prompt: after a long holiday, weeks later.
WEEKS_BACK = 3


def weeks_around(days: tuple[date, date]) -> set[str]:
    """The weeks of `days` and a few before them: every week a case job may ask about."""
    found = set()
    day = days[0]
    while day <= days[1]:
        week = week_of(day)
        for _ in range(WEEKS_BACK + 1):
            found.add(week)
            week = previous_week(week)
        day += timedelta(days=1)
    return found


def load_case_status(
    session: Session, person_ids: Collection[int] | None, weeks: Collection[str]
) -> CaseStatus:
    mondays = [monday for week in weeks if (monday := week_monday(week)) is not None]
    aways = (
        cases.aways_between(session, person_ids, min(mondays), max(mondays) + timedelta(days=6))
        if mondays
        else []
    )
    return CaseStatus(frozenset(weeks), cases.cases_of_weeks(session, person_ids, weeks), aways)
