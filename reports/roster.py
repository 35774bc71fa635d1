"""Who is on which team, loaded once: members, managers, calendars and joining days."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from sales.workdays import WorkCalendar, calendar_for
from store import teams
from store.models import Membership, Person, Team


@dataclass
class Roster:
    """Every team with its memberships (two statements), and what follows from them."""

    teams: list[Team]  # by name
    default_country: str | None
    _by_id: dict[int, Team] = field(default_factory=dict)
    _of_person: dict[int, list[Membership]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {team.id: team for team in self.teams}
        for team in self.teams:
            for membership in team.memberships:
                self._of_person.setdefault(membership.person_id, []).append(membership)

    def team(self, team_id: int) -> Team | None:
        return self._by_id.get(team_id)

    def members(self, team: Team, role: str = teams.MEMBER) -> list[Person]:
        return teams.members(team, role)

    def reps(self) -> dict[int, Person]:
        """Every member of a team (as a member, not a manager), by person id."""
        return {
            m.person.id: m.person
            for team in self.teams
            for m in team.memberships
            if m.role == teams.MEMBER
        }

    def teams_of(self, person_id: int, role: str | None = None) -> list[Team]:
        """The person's teams (in `role`), by name."""
        found = {
            m.team_id: self._by_id[m.team_id]
            for m in self._of_person.get(person_id, ())
            if role in (None, m.role)
        }
        return list(found.values())

    def currency_of(self, person_id: int) -> str | None:
        """`store.teams.currency_of` from the loaded roster: the currency of the person's first
        team (as a member before as a manager, then by name) that has one."""
        ordered = sorted(
            self._of_person.get(person_id, ()),
            key=lambda m: (m.role != teams.MEMBER, self._by_id[m.team_id].name_key),
        )
        found = (self._by_id[m.team_id].currency for m in ordered)
        return next((currency for currency in found if currency), None)

    def first_joined(self, person_id: int) -> date | None:
        """When the person first joined any team as a member: pacing starts there."""
        days = [m.joined_on for m in self._of_person.get(person_id, ()) if m.role == teams.MEMBER]
        return min(days, default=None)

    def calendar_of(self, person_id: int) -> WorkCalendar:
        """A team's own holiday country (the first by team name) wins over the default."""
        countries = [team.holiday_country for team in self.teams_of(person_id)]
        return calendar_for(next((c for c in countries if c), None) or self.default_country)

    def team_calendar_default(self) -> WorkCalendar:
        """The calendar of anyone on no team with a holiday country of its own."""
        return calendar_for(self.default_country)

    def team_calendar(self, team: Team) -> WorkCalendar:
        return calendar_for(team.holiday_country or self.default_country)


def load_roster(
    session: Session, default_country: str | None, person_ids: Collection[int] | None = None
) -> Roster:
    """Every team, or (with `person_ids`) only the teams these people are on."""
    if person_ids is None:
        return Roster(teams.all_teams(session), default_country)
    return Roster(teams.teams_of_people(session, person_ids), default_country)


def person_calendar(session: Session, person_id: int, default_country: str | None) -> WorkCalendar:
    """One person's calendar, for a request about them alone (one statement)."""
    countries = teams.holiday_countries_of(session, person_id)
    return calendar_for(countries[0] if countries else default_country)
