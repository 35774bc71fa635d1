"""Teams, their members and managers."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from store.audit import record_change, snapshot
from store.customers import name_key
from store.models import Membership, Person, Team

MEMBER = "member"
MANAGER = "manager"


def get_team(session: Session, name: str) -> Team | None:
    return session.scalar(select(Team).where(Team.name_key == name_key(name)))


def all_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name_key)))


def first_teams(session: Session, limit: int) -> tuple[list[Team], int]:
    """The first `limit` teams by name, with their rosters, and how many teams there are:
    `/team` shows a few, whether there are ten teams or a thousand."""
    shown = list(session.scalars(select(Team).order_by(Team.name_key).limit(limit)))
    total = session.scalar(select(func.count()).select_from(Team)) or 0
    return shown, total


@dataclass(frozen=True, slots=True)
class TeamSummary:
    """A team's own settings and how many people it has, without its roster."""

    id: int
    name: str
    channel_id: str | None
    holiday_country: str | None
    case_prompt_weekday: int | None
    case_prompt_time: str | None
    managers: int
    members: int


def team_names(session: Session, manager_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of every team by name, or of the teams `manager_id` manages; no roster is
    loaded (an admin's Home offers every team of thousands)."""
    query = select(Team.id, Team.name).order_by(Team.name_key)
    if manager_id is not None:
        managed = select(Membership.team_id).where(
            Membership.person_id == manager_id, Membership.role == MANAGER
        )
        query = query.where(Team.id.in_(managed))
    return [(id_, name) for id_, name in session.execute(query)]


def team_summaries(session: Session, team_id: int | None = None) -> list[TeamSummary]:
    """Every team (or the one with `team_id`) by name with its counts of managers and
    members, from one grouped query."""

    def counted(role: str) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((Membership.role == role, 1), else_=0)), 0)

    query = (
        select(
            Team.id,
            Team.name,
            Team.channel_id,
            Team.holiday_country,
            Team.case_prompt_weekday,
            Team.case_prompt_time,
            counted(MANAGER),
            counted(MEMBER),
        )
        .outerjoin(Membership, Membership.team_id == Team.id)
        .group_by(Team.id)
        .order_by(Team.name_key)
    )
    if team_id is not None:
        query = query.where(Team.id == team_id)
    return [TeamSummary(*row) for row in session.execute(query)]


def teams_of_people(session: Session, person_ids: Collection[int]) -> list[Team]:
    """Every team any of these people is on (in any role), by name."""
    on = select(Membership.team_id).where(Membership.person_id.in_(person_ids))
    return list(session.scalars(select(Team).where(Team.id.in_(on)).order_by(Team.name_key)))


def create_team(session: Session, name: str, actor: str) -> Team:
    team = Team(name=" ".join(name.split()), name_key=name_key(name))
    session.add(team)
    record_change(session, actor=actor, record=team, action="create", before=None)
    return team


def set_channel(session: Session, team: Team, channel_id: str | None, actor: str) -> None:
    before = snapshot(team)
    team.channel_id = channel_id
    record_change(session, actor=actor, record=team, action="update", before=before)


def set_holiday_country(session: Session, team: Team, country: str | None, actor: str) -> None:
    before = snapshot(team)
    team.holiday_country = country
    record_change(session, actor=actor, record=team, action="update", before=before)


def set_language(session: Session, team: Team, language: str | None, actor: str) -> None:
    """The language of the team's channel messages; None: the bot's DEFAULT_LANGUAGE."""
    before = snapshot(team)
    team.language = language
    record_change(session, actor=actor, record=team, action="update", before=before)


def set_currency(session: Session, team: Team, currency: str | None, actor: str) -> None:
    """The team's currency; None: the bot's DEFAULT_CURRENCY."""
    before = snapshot(team)
    team.currency = currency
    record_change(session, actor=actor, record=team, action="update", before=before)


def set_flag(session: Session, team: Team, flag: str, on: bool, actor: str) -> None:
    """Turn a team switch ("celebrate" or "leaderboard") on or off."""
    assert flag in ("celebrate", "leaderboard")
    before = snapshot(team)
    setattr(team, flag, on)
    record_change(session, actor=actor, record=team, action="update", before=before)


def currency_of(session: Session, person_id: int) -> str | None:
    """The currency of the person's first team (by name) that has one, as a member or
    manager; None when none of their teams has its own."""
    query = (
        select(Team.currency)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.person_id == person_id, Team.currency.is_not(None))
        .order_by(Membership.role.desc(), Team.name_key)
        .limit(1)
    )
    return session.scalars(query).first()


def owner_currency(session: Session, owner: Person | Team) -> str | None:
    """The currency a target of `owner` is in when none is said: a team's own, a person's
    team's (`currency_of`); None: the bot's DEFAULT_CURRENCY."""
    if isinstance(owner, Team):
        return owner.currency
    return currency_of(session, owner.id)


def set_case_review(
    session: Session, team: Team, weekday: int | None, at: str | None, actor: str
) -> None:
    """The team's own case-review prompt day and time ("16:00"); None: the bot's default."""
    before = snapshot(team)
    team.case_prompt_weekday = weekday
    team.case_prompt_time = at
    record_change(session, actor=actor, record=team, action="update", before=before)


def add_to_team(
    session: Session, team: Team, person_id: int, role: str, joined_on: date, actor: str
) -> bool:
    """Put the person on the team in `role`; False when they already were."""
    if any(m.person_id == person_id and m.role == role for m in team.memberships):
        return False
    membership = Membership(team=team, person_id=person_id, role=role, joined_on=joined_on)
    session.add(membership)
    record_change(session, actor=actor, record=membership, action="create", before=None)
    return True


def remove_from_team(session: Session, team: Team, person_id: int, role: str, actor: str) -> bool:
    for membership in list(team.memberships):
        if membership.person_id == person_id and membership.role == role:
            before = snapshot(membership)
            team.memberships.remove(membership)
            session.delete(membership)
            record_change(session, actor=actor, record=membership, action="delete", before=before)
            return True
    return False


def managed_person_ids(session: Session, manager_id: int) -> frozenset[int]:
    """Everyone on the teams this person manages."""
    managed_teams = select(Membership.team_id).where(
        Membership.person_id == manager_id, Membership.role == MANAGER
    )
    query = select(Membership.person_id).where(
        Membership.team_id.in_(managed_teams), Membership.role == MEMBER
    )
    return frozenset(session.scalars(query))


def holiday_countries_of(session: Session, person_id: int) -> list[str]:
    """The holiday countries set on the person's teams (by team name), without loading
    the teams' memberships."""
    query = (
        select(Team.holiday_country)
        .join(Membership)
        .where(Membership.person_id == person_id, Team.holiday_country.is_not(None))
        .order_by(Team.name_key)
    )
    return [country for country in session.scalars(query) if country]


def teams_of(session: Session, person_id: int, role: str | None = None) -> list[Team]:
    query = select(Team).join(Membership).where(Membership.person_id == person_id)
    if role is not None:
        query = query.where(Membership.role == role)
    return list(session.scalars(query.order_by(Team.name_key).distinct()))


def members(team: Team, role: str = MEMBER) -> list[Person]:
    return sorted(
        (m.person for m in team.memberships if m.role == role),
        key=lambda person: person.display_name.casefold(),
    )


def joined_on(team: Team, person_id: int) -> date | None:
    return next(
        (m.joined_on for m in team.memberships if m.person_id == person_id and m.role == MEMBER),
        None,
    )


def team_by_id(session: Session, team_id: int) -> Team | None:
    return session.get(Team, team_id)


def is_manager_of(team: Team, person_id: int) -> bool:
    return any(m.person_id == person_id and m.role == MANAGER for m in team.memberships)


def is_member_of(team: Team, person_id: int) -> bool:
    return any(m.person_id == person_id and m.role == MEMBER for m in team.memberships)


def refresh_role(session: Session, person: Person) -> None:
    """Keep Person.role saying whether they manage a team ("manager") or not ("rep").

    An "admin" stays an admin. Not audited: the memberships it follows from are.
    """
    if person.role == "admin":
        return
    session.flush()
    manages = session.scalar(
        select(Membership.id)
        .where(Membership.person_id == person.id, Membership.role == MANAGER)
        .limit(1)
    )
    person.role = MANAGER if manages is not None else "rep"


def ensure_person_stub(
    session: Session, slack_user_id: str, *, actor: str | None = None
) -> tuple[Person, bool]:
    """The person with this Slack id, created as a stub when unknown (True when created).

    A stub has the Slack id as its name, UTC as its time zone and no profile_synced_at, so the
    bot fetches the real name and time zone from Slack the first time it needs them. With an
    `actor` the creation is audited.
    """
    person = session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))
    if person is not None:
        return person, False
    person = Person(
        slack_user_id=slack_user_id, display_name=slack_user_id, tz="UTC", profile_synced_at=None
    )
    session.add(person)
    if actor is None:
        session.flush()
    else:
        record_change(session, actor=actor, record=person, action="create", before=None)
    return person, True
