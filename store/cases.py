"""The case library (案例库) and away days."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from sales.permissions import CaseReader
from store import teams
from store.audit import record_change, snapshot
from store.deals import OPEN_STAGE_KEYS
from store.models import Away, Case, Customer, Deal, Person, Team, Visit

# Searches rank in Python; at most this many of the newest matching cases are ranked.
SEARCH_SCAN_LIMIT = 2000


@dataclass(frozen=True)
class CaseFields:
    title: str
    pain_point: str
    strategy: str
    result: str
    lessons: str
    tags: tuple[str, ...] = ()
    customer_id: int | None = None
    deal_id: int | None = None


@dataclass(frozen=True)
class CaseLinks:
    """What a case can be about: the author's open deals and their customers."""

    deals: list[Deal]
    customers: list[Customer]


def create_case(
    session: Session, author_id: int, team_id: int | None, week: str, fields: CaseFields
) -> Case:
    author = session.get_one(Person, author_id)
    case = Case(author=author, team_id=team_id, week=week)
    _apply(case, fields)
    session.add(case)
    record_change(session, actor=author.slack_user_id, record=case, action="create", before=None)
    return case


def update_case(session: Session, case: Case, fields: CaseFields, actor: str) -> Case:
    """Change a case loaded in this session (the caller has checked permission on it)."""
    before = snapshot(case)
    _apply(case, fields)
    record_change(session, actor=actor, record=case, action="update", before=before)
    return case


def set_posted(session: Session, case: Case, channel: str, message_ts: str, actor: str) -> None:
    """Where the case's card was posted, so that an edit can update it in place."""
    before = snapshot(case)
    case.channel = channel
    case.message_ts = message_ts
    record_change(session, actor=actor, record=case, action="update", before=before)


def get_case(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def case_deal(session: Session, case: Case) -> Deal | None:
    return session.get(Deal, case.deal_id) if case.deal_id is not None else None


def has_case(session: Session, author_id: int, week: str) -> bool:
    query = select(Case.id).where(Case.author_id == author_id, Case.week == week).limit(1)
    return session.scalar(query) is not None


def cases_of_weeks(
    session: Session, author_ids: Collection[int] | None, weeks: Collection[str]
) -> list[Case]:
    """Every case of these authors (None: everyone's) for any of `weeks`, by id."""
    query = select(Case).where(Case.week.in_(weeks))
    if author_ids is not None:
        query = query.where(Case.author_id.in_(author_ids))
    return list(session.scalars(query.order_by(Case.id)))


def aways_between(
    session: Session, person_ids: Collection[int] | None, first: date, last: date
) -> list[Away]:
    """Every away period of these people (None: everyone's) touching `first`..`last`."""
    query = select(Away).where(Away.first_day <= last, Away.last_day >= first)
    if person_ids is not None:
        query = query.where(Away.person_id.in_(person_ids))
    return list(session.scalars(query.order_by(Away.id)))


def latest_case_of_week(session: Session, author_id: int, week: str) -> Case | None:
    query = select(Case).where(Case.author_id == author_id, Case.week == week)
    return session.scalar(query.order_by(Case.id.desc()).limit(1))


def list_cases(
    session: Session,
    reader: CaseReader,
    *,
    author_id: int | None = None,
    tags: Iterable[str] = (),
    offset: int = 0,
    limit: int = 5,
) -> tuple[list[Case], int]:
    """A page of the cases `reader` may read, newest first, and how many there are in all."""
    query = _visible(select(Case), reader)
    if author_id is not None:
        query = query.where(Case.author_id == author_id)
    for tag in tags:
        # Tags are stored space-separated and lower case: " a b " contains " a ".
        padded = " " + Case.tags + " "
        query = query.where(padded.contains(f" {tag} ", autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(Case.created_at.desc(), Case.id.desc()).offset(offset).limit(limit)
    return list(session.scalars(page)), total


def search_cases(session: Session, reader: CaseReader, words: Collection[str]) -> list[Case]:
    """The cases `reader` may read that have every word in some field (title, pain point,
    strategy, result, lessons, tags, customer name), most relevant first: by how many
    (word, field) pairs match, then by how often the words occur, then newest."""
    fields = (Case.title, Case.pain_point, Case.strategy, Case.result, Case.lessons, Case.tags)
    query = _visible(select(Case).outerjoin(Customer, Case.customer_id == Customer.id), reader)
    for word in words:
        # The database narrows down on the ASCII words, where every backend's lower()
        # agrees; the exact, Unicode-aware match and the ranking happen below.
        if word.isascii():
            columns = [func.lower(column) for column in fields] + [Customer.name_key]
            query = query.where(or_(*(c.contains(word, autoescape=True) for c in columns)))
    query = query.order_by(Case.created_at.desc(), Case.id.desc()).limit(SEARCH_SCAN_LIMIT)
    scored = []
    for case in session.scalars(query).unique():
        score = relevance(case, words)
        if score is not None:
            scored.append((score, case))
    scored.sort(
        key=lambda item: (-item[0][0], -item[0][1], -item[1].created_at.timestamp(), -item[1].id)
    )
    return [case for _, case in scored]


def relevance(case: Case, words: Collection[str]) -> tuple[int, int] | None:
    """(matching word-field pairs, occurrences), or None unless every word is somewhere."""
    texts = [
        case.title,
        case.pain_point,
        case.strategy,
        case.result,
        case.lessons,
        case.tags,
        case.customer.name if case.customer else "",
    ]
    folded = [text.lower() for text in texts]
    pairs = occurrences = 0
    for word in words:
        counts = [text.count(word) for text in folded]
        if not any(counts):
            return None
        pairs += sum(1 for count in counts if count)
        occurrences += sum(counts)
    return pairs, occurrences


def case_reader(session: Session, person_id: int, *, is_admin: bool) -> CaseReader:
    """Admins read every case; others their own and those of the teams they are on."""
    if is_admin:
        return CaseReader(person_id, None)
    return CaseReader(person_id, frozenset(team.id for team in teams.teams_of(session, person_id)))


def home_team(session: Session, person_id: int) -> Team | None:
    """The team a person's cases belong to: the first they are a member of, else the
    first they manage."""
    as_member = teams.teams_of(session, person_id, teams.MEMBER)
    if as_member:
        return as_member[0]
    managed = teams.teams_of(session, person_id, teams.MANAGER)
    return managed[0] if managed else None


def case_links(session: Session, person_id: int, limit: int = 50) -> CaseLinks:
    """The author's open deals (largest first) and the customers they visited or own a deal
    with (most recent first)."""
    deals = list(
        session.scalars(
            select(Deal)
            .where(Deal.owner_id == person_id, Deal.stage.in_(OPEN_STAGE_KEYS))
            .order_by(Deal.updated_at.desc(), Deal.id.desc())
            .limit(limit)
        )
    )
    visited = (
        select(Visit.customer_id.label("customer_id"), func.max(Visit.created_at).label("at"))
        .where(Visit.rep_id == person_id)
        .group_by(Visit.customer_id)
    )
    owned = (
        select(Deal.customer_id.label("customer_id"), func.max(Deal.updated_at).label("at"))
        .where(Deal.owner_id == person_id)
        .group_by(Deal.customer_id)
    )
    touched = visited.union_all(owned).subquery()
    latest = (
        select(touched.c.customer_id, func.max(touched.c.at).label("at"))
        .group_by(touched.c.customer_id)
        .subquery()
    )
    customers = list(
        session.scalars(
            select(Customer)
            .join(latest, latest.c.customer_id == Customer.id)
            .order_by(latest.c.at.desc(), Customer.id.desc())
            .limit(limit)
        )
    )
    return CaseLinks(deals, customers)


def is_their_customer(session: Session, person_id: int, customer_id: int) -> bool:
    """Whether the person has visited the customer or owns a deal with them."""
    visited = select(Visit.id).where(Visit.rep_id == person_id, Visit.customer_id == customer_id)
    owned = select(Deal.id).where(Deal.owner_id == person_id, Deal.customer_id == customer_id)
    return (
        session.scalar(visited.limit(1)) is not None or session.scalar(owned.limit(1)) is not None
    )


def get_deal(session: Session, deal_id: int) -> Deal | None:
    return session.get(Deal, deal_id)


# Away days -------------------------------------------------------------------------------


def add_away(session: Session, person_id: int, first: date, last: date, actor: str) -> Away:
    away = Away(person_id=person_id, first_day=first, last_day=last)
    session.add(away)
    record_change(session, actor=actor, record=away, action="create", before=None)
    return away


def away_from(session: Session, person_id: int, since: date) -> list[Away]:
    """The person's away days that end on or after `since`, soonest first."""
    query = select(Away).where(Away.person_id == person_id, Away.last_day >= since)
    return list(session.scalars(query.order_by(Away.first_day, Away.id)))


def clear_away(session: Session, person_id: int, today: date, actor: str) -> int:
    """Back from today on: drop the away days still to come, end the current ones
    yesterday. How many were changed."""
    changed = 0
    for away in away_from(session, person_id, today):
        before = snapshot(away)
        if away.first_day >= today:
            session.delete(away)
            record_change(session, actor=actor, record=away, action="delete", before=before)
        else:
            away.last_day = today - timedelta(days=1)
            record_change(session, actor=actor, record=away, action="update", before=before)
        changed += 1
    return changed


def away_person_ids(
    session: Session, person_ids: Collection[int], first: date, last: date
) -> set[int]:
    """Who among `person_ids` is away on some day from `first` to `last`."""
    if not person_ids:
        return set()
    query = select(Away.person_id).where(
        Away.person_id.in_(person_ids), Away.first_day <= last, Away.last_day >= first
    )
    return set(session.scalars(query))


def is_away(session: Session, person_id: int, first: date, last: date) -> bool:
    return person_id in away_person_ids(session, [person_id], first, last)


def _visible(query: Select[tuple[Case]], reader: CaseReader) -> Select[tuple[Case]]:
    if reader.team_ids is None:
        return query
    condition: ColumnElement[bool] = Case.author_id == reader.person_id
    if reader.team_ids:
        condition = or_(condition, Case.team_id.in_(reader.team_ids))
    return query.where(condition)


def _apply(case: Case, fields: CaseFields) -> None:
    case.title = fields.title
    case.pain_point = fields.pain_point
    case.strategy = fields.strategy
    case.result = fields.result
    case.lessons = fields.lessons
    case.tags = " ".join(fields.tags)
    case.customer_id = fields.customer_id
    case.deal_id = fields.deal_id
