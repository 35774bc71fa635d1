"""Who wrote the week's case and who is away, for many people and weeks from one load."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from sales.case_review import previous_week, week_monday, week_of
from store import cases
from store.models import Away, Case


@dataclass(frozen=True)
class CaseStatus:
    """The loaded weeks' cases and the away periods touching them, indexed once by author
    and week (cases) and by person (aways), so each question costs the people it names."""

    weeks: frozenset[str]
    cases: list[Case]  # by id
    aways: list[Away]
    _cases_by: dict[tuple[int, str], list[Case]] = field(init=False, repr=False, compare=False)
    _aways_by: dict[int, list[Away]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        cases_by: dict[tuple[int, str], list[Case]] = defaultdict(list)
        for case in self.cases:
            cases_by[(case.author_id, case.week)].append(case)
        aways_by: dict[int, list[Away]] = defaultdict(list)
        for away in self.aways:
            aways_by[away.person_id].append(away)
        object.__setattr__(self, "_cases_by", dict(cases_by))
        object.__setattr__(self, "_aways_by", dict(aways_by))

    def submitted(self, person_ids: Collection[int], week: str) -> list[Case]:
        """The week's cases by `person_ids`, in the order they were loaded (by id)."""
        self._check(week)
        found = [
            case
            for person_id in set(person_ids)
            for case in self._cases_by.get((person_id, week), ())
        ]
        return sorted(found, key=lambda case: case.id)

    def has_case(self, person_id: int, week: str) -> bool:
        return bool(self.submitted([person_id], week))

    def away_in(self, person_ids: Collection[int], week: str) -> set[int]:
        """Who among `person_ids` is away on some day of the week."""
        self._check(week)
        monday = week_monday(week)
        if monday is None:
            return set()
        sunday = monday + timedelta(days=6)
        return {
            person_id
            for person_id in set(person_ids)
            for away in self._aways_by.get(person_id, ())
            if away.first_day <= sunday and away.last_day >= monday
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
