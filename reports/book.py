"""A report's facts for many people at once: the roster, the targets in force and what
everyone achieved, loaded in a few statements and then asked any number of questions."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from reports.forecast import Pipeline, forecast_until, load_pipeline
from reports.roster import Roster, load_roster
from sales.activity import Activity, Window
from sales.periods import month_of
from store import metrics, rates, targets
from store.models import Team
from store.targets import TargetInForce


@dataclass
class Targets:
    """Targets in force over a span, each owner's in `store.targets` order."""

    all: list[TargetInForce]
    _of_person: dict[int, list[TargetInForce]] = field(default_factory=dict)
    _of_team: dict[int, list[TargetInForce]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for target in self.all:
            if target.person_id is not None:
                self._of_person.setdefault(target.person_id, []).append(target)
            if target.team_id is not None:
                self._of_team.setdefault(target.team_id, []).append(target)

    def for_person(self, person_id: int, on: date) -> list[TargetInForce]:
        return [t for t in self._of_person.get(person_id, []) if _in_force(t, on)]

    def for_team(self, team_id: int, on: date) -> list[TargetInForce]:
        return [t for t in self._of_team.get(team_id, []) if _in_force(t, on)]


@dataclass(frozen=True)
class Book:
    """Everything a report needs about a set of people over a span of local days."""

    roster: Roster
    targets: Targets
    activity: Activity
    first: date  # the first local day whose facts are loaded
    last: date
    default_currency: str = "USD"  # of people on no team with a currency of its own
    pipeline: Pipeline | None = None  # open deals, when the forecast was asked for

    def team_currency(self, team: Team) -> str:
        return team.currency or self.default_currency

    def person_currency(self, person_id: int) -> str:
        """The currency of the person's first team (by name) that has one, else the default."""
        teams = self.roster.teams_of(person_id)
        return next((team.currency for team in teams if team.currency), self.default_currency)


def load_book(
    session: Session,
    default_country: str | None,
    owner_ids: Collection[int] | None,
    days: tuple[date, date],
    since: date | None = None,
    default_currency: str = "USD",
    probabilities: Mapping[str, int] | None = None,
) -> Book:
    """The roster (of these people's teams), the targets in force on `days` (these people's
    and their teams') and these people's facts (None: every team, target and person's)
    from the earliest of those targets' starts (or `since`) to the last day, with every
    exchange rate (one statement, however many people). With stage `probabilities`, also
    the open deals the forecast needs (two statements), and the month's wins."""
    roster = load_roster(session, default_country, owner_ids)
    team_ids = (
        {team.id for person_id in owner_ids for team in roster.teams_of(person_id)}
        if owner_ids is not None
        else ()
    )
    in_force = Targets(targets.targets_during(session, *days, owner_ids, team_ids))
    starts = [target.period_start for target in in_force.all] + [since or days[0], days[0]]
    if probabilities is not None:
        starts.append(month_of(days[0]).start)
    first = min(starts)
    activity = metrics.load_activity(session, owner_ids, first, days[1])
    activity.rates = rates.load_rates(session)
    found = (
        load_pipeline(
            session, owner_ids, forecast_until(in_force.all, days[1]), days[1], probabilities
        )
        if probabilities is not None
        else None
    )
    return Book(roster, in_force, activity, first, days[1], default_currency, found)


def local_window(first: date, last: date, local_now: datetime) -> Window:
    """Whole local days `first`..`last` as a UTC window."""
    start = datetime.combine(first, time(0), tzinfo=local_now.tzinfo)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=local_now.tzinfo)
    return Window(start, end)


def _in_force(target: TargetInForce, on: date) -> bool:
    return target.period_start <= on <= target.period_end
