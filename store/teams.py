"""Teams, their members and managers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
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


def create_team(session: Session, name: str, actor: str) -> Team:
    team = Team(name=" ".join(name.split()), name_key=name_key(name))
    session.add(team)
    record_change(session, actor=actor, record=team, action="create", before=None)
    return team


def set_channel(session: Session, team: Team, channel_id: str | None, actor: str) -> None:
    before = snapshot(team)
    team.channel_id = channel_id
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
