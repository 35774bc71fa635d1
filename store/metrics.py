"""What people achieved, loaded for many people at once: the facts behind pacing, digests,
charts and the Home tab.

Each loader reads one span's facts for a whole set of people (None: everyone) in one grouped
query; `sales.activity.Activity` answers every window inside the span from them, in memory.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from sales.activity import Activity, Receipt, Win
from store.models import Customer, Deal, Payment, Person, StageChange, Visit
from store.reads import aggregate_day, one_copy, streamed

# Up to this many owners (a Home, a rep's charts), stage moves are found from their deals;
# more (a job's slice of 100 teams) from the window's moves, which is then the cheaper.
FEW_OWNERS = 200


def last_visit_days(session: Session, rep_ids: Collection[int] | None) -> dict[int, date]:
    """Each rep's latest visit day."""
    query = select(Visit.rep_id, func.max(Visit.visited_on)).group_by(Visit.rep_id)
    if rep_ids is not None:
        query = query.where(Visit.rep_id.in_(rep_ids))
    return {rep: aggregate_day(day) for rep, day in streamed(session, query)}


def _last_won(owner_ids: Collection[int] | None, start: datetime, end: datetime) -> Select:
    """(deal id, last won at) of these owners' deals still won, last won in [start, end).

    Only these owners' won deals are grouped, through ix_stage_changes_to_stage."""
    won_at = func.max(StageChange.changed_at)
    query = (
        select(StageChange.deal_id, won_at.label("won_at"))
        .join(Deal, StageChange.deal_id == Deal.id)
        .where(StageChange.to_stage == "won", Deal.stage == "won")
        .group_by(StageChange.deal_id)
        .having(won_at >= start, won_at < end)
    )
    return query if owner_ids is None else query.where(Deal.owner_id.in_(owner_ids))


def load_activity(
    session: Session, owner_ids: Collection[int] | None, first: date, last: date
) -> Activity:
    """Visits, wins, first arrivals by stage and cash, for local days `first`..`last` in any
    time zone (instants a day either side)."""
    start = datetime.combine(first - timedelta(days=1), time(0), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=2), time(0), tzinfo=UTC)
    wins = wins_between(session, owner_ids, start, end)
    # The largest reads stream straight into the activity: no list of their rows is held.
    stages: dict[int, str] = {}
    activity = Activity.of(
        visits=daily_visits(session, owner_ids, first, last),
        wins=wins,
        first_win_of_customer=first_wins(session, {win.customer_id for win in wins}),
        arrivals=_noting_stages(arrivals_between(session, owner_ids, start, end), stages),
        receipts=daily_receipts(session, owner_ids, first, last),
    )
    activity.stages = stages
    return activity


def _noting_stages(
    arrivals: Iterator[tuple[int, int, str, datetime, str]], stages: dict[int, str]
) -> Iterator[tuple[int, int, str, datetime]]:
    """`arrivals` without each deal's stage now, which goes into `stages`."""
    for owner, deal, stage, at, current in arrivals:
        stages[deal] = current
        yield owner, deal, stage, at


def daily_visits(
    session: Session, rep_ids: Collection[int] | None, first: date, last: date
) -> Iterator[tuple[int, date, int]]:
    """(rep, day, visits) for every day from `first` to `last` with a visit, streamed: read
    them before the session ends."""
    query = (
        select(Visit.rep_id, Visit.visited_on, func.count(Visit.id))
        .where(Visit.visited_on >= first, Visit.visited_on <= last)
        .group_by(Visit.rep_id, Visit.visited_on)
    )
    if rep_ids is not None:
        query = query.where(Visit.rep_id.in_(rep_ids))
    day = one_copy()
    for rep, value, count in streamed(session, query):
        yield rep, day(aggregate_day(value)), count


def wins_between(
    session: Session, owner_ids: Collection[int] | None, start: datetime, end: datetime
) -> list[Win]:
    """Deals still won whose last win falls in [start, end)."""
    won_at = _last_won(owner_ids, start, end).subquery()
    query = (
        select(
            Deal.id,
            Deal.owner_id,
            Deal.customer_id,
            Deal.amount,
            Deal.currency,
            Deal.created_at,
            won_at.c.won_at,
            Person.tz,
        )
        .join(won_at, won_at.c.deal_id == Deal.id)
        .join(Person, Person.id == Deal.owner_id)
        .order_by(Deal.id)
    )
    return [
        Win(deal_id, owner_id, customer_id, amount, currency, created, _aware(when), tz or "UTC")
        for deal_id, owner_id, customer_id, amount, currency, created, when, tz in streamed(
            session, query, shared=(4, 7)
        )
    ]


def first_wins(session: Session, customer_ids: Collection[int]) -> dict[int, datetime]:
    """When each customer's first deal (by anyone, won then or still) was won."""
    query = (
        select(Deal.customer_id, func.min(StageChange.changed_at))
        .join(StageChange, StageChange.deal_id == Deal.id)
        .where(Deal.customer_id.in_(customer_ids), StageChange.to_stage == "won")
        .group_by(Deal.customer_id)
    )
    return {customer_id: _aware(first) for customer_id, first in streamed(session, query)}


def arrivals_between(
    session: Session, owner_ids: Collection[int] | None, start: datetime, end: datetime
) -> Iterator[tuple[int, int, str, datetime, str]]:
    """(owner, deal, stage, first reached, the deal's stage now) for every deal that changed
    stage (or was created) in [start, end): all its stages, so that "first reached" can be
    told, and where it stands, so that a deal lost then reopened is open again. Streamed:
    read them before the session ends."""
    moved = select(StageChange.deal_id).where(
        StageChange.changed_at >= start, StageChange.changed_at < end
    )
    if owner_ids is not None and len(owner_ids) <= FEW_OWNERS:
        # SQLite would list every deal anyone moved in the window, then drop the others':
        # 0.2-1.2 s for one person's Home at 10,000 reps, 2-6 ms starting from their deals.
        moved = moved.join(Deal, Deal.id == StageChange.deal_id).where(Deal.owner_id.in_(owner_ids))
    first = func.min(StageChange.changed_at)
    query = (
        select(Deal.owner_id, StageChange.deal_id, StageChange.to_stage, first, Deal.stage)
        .join(Deal, StageChange.deal_id == Deal.id)
        .where(StageChange.deal_id.in_(moved))
        .group_by(Deal.owner_id, StageChange.deal_id, StageChange.to_stage, Deal.stage)
    )
    if owner_ids is not None:
        query = query.where(Deal.owner_id.in_(owner_ids))
    stage_name = one_copy()
    for owner, deal, stage, at, current in streamed(session, query):
        yield owner, deal, stage_name(stage), _aware(at), stage_name(current)


def daily_receipts(
    session: Session, owner_ids: Collection[int] | None, first: date, last: date
) -> Iterator[Receipt]:
    """Cash received per owner, day and currency from `first` to `last`, streamed: read
    them before the session ends."""
    query = (
        select(Deal.owner_id, Payment.received_on, Payment.currency, func.sum(Payment.amount))
        .join(Deal, Payment.deal_id == Deal.id)
        .where(Payment.received_on >= first, Payment.received_on <= last)
        .group_by(Deal.owner_id, Payment.received_on, Payment.currency)
    )
    if owner_ids is not None:
        query = query.where(Deal.owner_id.in_(owner_ids))
    shared = one_copy()
    for owner, day, currency, total in streamed(session, query):
        yield Receipt(owner, shared(aggregate_day(day)), shared(currency), _cents(total))


@dataclass(frozen=True, slots=True)
class LoggedVisit:
    """A visit as a digest lists it: a plain row (a run holds every rep's)."""

    id: int
    rep_id: int
    visited_on: date
    customer_name: str
    notes: str


def visits_on_days(
    session: Session, rep_ids: Collection[int] | None, days: Collection[date]
) -> dict[tuple[int, date], list[LoggedVisit]]:
    """Each rep's visits on each of `days`, in the order they were logged."""
    if not days:
        return {}
    query = (
        select(Visit.id, Visit.rep_id, Visit.visited_on, Customer.name, Visit.notes)
        .join(Customer, Visit.customer_id == Customer.id)
        .where(Visit.visited_on.in_(days))
        .order_by(Visit.id)
    )
    if rep_ids is not None:
        query = query.where(Visit.rep_id.in_(rep_ids))
    found: dict[tuple[int, date], list[LoggedVisit]] = {}
    for row in streamed(session, query, shared=(2, 3)):
        visit = LoggedVisit(*row)
        found.setdefault((visit.rep_id, visit.visited_on), []).append(visit)
    return found


@dataclass(frozen=True, slots=True)
class StageMove:
    """A deal's stage change as a digest lists it: a plain row (a run holds every team's)."""

    id: int
    deal_id: int
    owner_id: int
    owner_slack_id: str
    customer_name: str
    title: str
    from_stage: str | None
    to_stage: str
    changed_at: datetime


def moves_between(
    session: Session, owner_ids: Collection[int] | None, start: datetime, end: datetime
) -> list[StageMove]:
    """Every stage change of these owners' deals in [start, end), creations excluded, in the
    order they happened."""
    query = (
        select(
            StageChange.id,
            StageChange.deal_id,
            Deal.owner_id,
            Person.slack_user_id,
            Customer.name,
            Deal.title,
            StageChange.from_stage,
            StageChange.to_stage,
            StageChange.changed_at,
        )
        .join(Deal, StageChange.deal_id == Deal.id)
        .join(Customer, Deal.customer_id == Customer.id)
        .join(Person, Deal.owner_id == Person.id)
        .where(
            StageChange.from_stage.is_not(None),
            StageChange.changed_at >= start,
            StageChange.changed_at < end,
        )
        .order_by(StageChange.changed_at, StageChange.id)
    )
    if owner_ids is not None:
        query = query.where(Deal.owner_id.in_(owner_ids))
    return [
        StageMove(id_, deal, owner, slack_id, customer, title, before, after, when)
        for id_, deal, owner, slack_id, customer, title, before, after, when in streamed(
            session, query, shared=(3, 4, 5, 6, 7)
        )
    ]


def _cents(value: object) -> Decimal:
    # Sums come back as Decimal on PostgreSQL, and may come back as float on SQLite.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _aware(value: datetime) -> datetime:
    # Aggregates bypass the column type, so SQLite hands back naive UTC (or a string).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
