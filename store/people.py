from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import Person


def get_person(session: Session, slack_user_id: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def save_profile(
    session: Session,
    slack_user_id: str,
    *,
    display_name: str,
    tz: str,
    locale: str | None,
    synced_at: datetime | None,
) -> Person:
    """Create or refresh a person from their Slack profile."""
    person = get_person(session, slack_user_id)
    if person is None:
        person = Person(slack_user_id=slack_user_id, display_name=display_name, tz=tz)
        try:
            # A savepoint, because two first requests from one person can race here.
            with session.begin_nested():
                session.add(person)
        except IntegrityError:
            person = get_person(session, slack_user_id)
            assert person is not None
    person.display_name = display_name
    person.tz = tz
    person.locale = locale
    person.profile_synced_at = synced_at
    return person


def set_language(session: Session, person_id: int, language: str | None) -> Person:
    """The person's own language choice; None: follow their Slack locale again."""
    person = session.get_one(Person, person_id)
    person.language = language
    return person


def person_by_id(session: Session, person_id: int) -> Person:
    return session.get_one(Person, person_id)


def people_by_slack_id(session: Session, slack_user_ids: Iterable[str]) -> dict[str, Person]:
    """The stored people among these Slack ids, by id (in batches the database accepts)."""
    wanted = sorted(set(slack_user_ids))
    found: dict[str, Person] = {}
    for start in range(0, len(wanted), 500):
        query = select(Person).where(Person.slack_user_id.in_(wanted[start : start + 500]))
        found.update((person.slack_user_id, person) for person in session.scalars(query))
    return found


def people_by_ids(session: Session, person_ids: Collection[int]) -> dict[int, Person]:
    """The people with these ids, by id (one statement)."""
    if not person_ids:
        return {}
    query = select(Person).where(Person.id.in_(sorted(person_ids)))
    return {person.id: person for person in session.scalars(query)}


def time_zones_of(session: Session, person_ids: Collection[int]) -> dict[int, str]:
    """Each of these people's time zone, by id (one statement): what a run needs of
    everyone, without holding everyone's profile."""
    if not person_ids:
        return {}
    query = select(Person.id, Person.tz).where(Person.id.in_(sorted(person_ids)))
    # A few zones, shared by thousands of people: one string each.
    zones: dict[str, str] = {}
    return {person_id: zones.setdefault(tz, tz) for person_id, tz in session.execute(query)}
