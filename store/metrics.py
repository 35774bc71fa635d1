"""What people achieved: the numbers behind pacing, digests and KPIs.

Windows are [start, end) instants in UTC; callers turn a person's local days into them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sales.stages import STAGES
from store.models import Deal, Payment, StageChange, Visit

PROPOSAL_OR_LATER = ("proposal", "negotiation", "won")


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive


def achieved(
    session: Session,
    metric: str,
    owner_ids: Collection[int],
    window: Window,
    days: tuple[date, date],
    currency: str | None,
) -> Decimal:
    """The amount `owner_ids` reached on `metric` in the window (or, for visits, the days)."""
    if not owner_ids:
        return Decimal(0)
    if metric == "visits":
        return Decimal(visit_count(session, owner_ids, *days))
    if metric == "revenue":
        return sum(
            (deal.amount for deal, _ in won_deals(session, owner_ids, window)
             if currency is None or deal.currency == currency),
            Decimal(0),
        )  # fmt: skip
    if metric == "collected":
        return collected(session, owner_ids, *days, currency)
    if metric == "new_customers":
        return Decimal(len(new_customers(session, owner_ids, window)))
    if metric == "proposals":
        return Decimal(len(first_reached(session, owner_ids, window, PROPOSAL_OR_LATER)))
    raise ValueError(f"unknown metric {metric!r}")


def collected(
    session: Session, owner_ids: Collection[int], first: date, last: date, currency: str | None
) -> Decimal:
    """Cash received from `first` to `last` for deals these people own (in `currency`)."""
    query = (
        select(func.coalesce(func.sum(Payment.amount), 0))
        .join(Deal, Payment.deal_id == Deal.id)
        .where(
            Deal.owner_id.in_(owner_ids),
            Payment.received_on >= first,
            Payment.received_on <= last,
        )
    )
    if currency is not None:
        query = query.where(Payment.currency == currency)
    return _cents(session.scalar(query))


def collected_by_currency(
    session: Session, owner_ids: Collection[int], first: date, last: date
) -> dict[str, Decimal]:
    """Cash received from `first` to `last` for these people's deals, per currency."""
    query = (
        select(Payment.currency, func.sum(Payment.amount))
        .join(Deal, Payment.deal_id == Deal.id)
        .where(
            Deal.owner_id.in_(owner_ids),
            Payment.received_on >= first,
            Payment.received_on <= last,
        )
        .group_by(Payment.currency)
        .order_by(Payment.currency)
    )
    return {currency: _cents(total) for currency, total in session.execute(query).tuples()}


def visit_count(session: Session, rep_ids: Collection[int], first: date, last: date) -> int:
    query = select(func.count(Visit.id)).where(
        Visit.rep_id.in_(rep_ids), Visit.visited_on >= first, Visit.visited_on <= last
    )
    return session.scalar(query) or 0


def visits_by_rep(
    session: Session, rep_ids: Collection[int], first: date, last: date
) -> dict[int, int]:
    query = (
        select(Visit.rep_id, func.count(Visit.id))
        .where(Visit.rep_id.in_(rep_ids), Visit.visited_on >= first, Visit.visited_on <= last)
        .group_by(Visit.rep_id)
    )
    return dict(session.execute(query).tuples().all())


def visits_on(session: Session, rep_id: int, day: date) -> list[Visit]:
    query = select(Visit).where(Visit.rep_id == rep_id, Visit.visited_on == day)
    return list(session.scalars(query.order_by(Visit.id)))


def last_visit_days(session: Session, rep_ids: Collection[int]) -> dict[int, date]:
    query = (
        select(Visit.rep_id, func.max(Visit.visited_on))
        .where(Visit.rep_id.in_(rep_ids))
        .group_by(Visit.rep_id)
    )
    return dict(session.execute(query).tuples().all())


def stage_moves(session: Session, owner_ids: Collection[int], window: Window) -> list[StageChange]:
    """Every stage change of these owners' deals in the window, creations excluded."""
    query = (
        select(StageChange)
        .join(Deal, StageChange.deal_id == Deal.id)
        .where(
            Deal.owner_id.in_(owner_ids),
            StageChange.from_stage.is_not(None),
            StageChange.changed_at >= window.start,
            StageChange.changed_at < window.end,
        )
        .order_by(StageChange.changed_at, StageChange.id)
    )
    return list(session.scalars(query))


def won_deals(
    session: Session, owner_ids: Collection[int], window: Window
) -> list[tuple[Deal, datetime]]:
    """Deals won (and still won) in the window, each once, with when it was won."""
    won_at = (
        select(StageChange.deal_id, func.max(StageChange.changed_at).label("won_at"))
        .where(StageChange.to_stage == "won")
        .group_by(StageChange.deal_id)
        .subquery()
    )
    query = (
        select(Deal, won_at.c.won_at)
        .join(won_at, won_at.c.deal_id == Deal.id)
        .where(
            Deal.owner_id.in_(owner_ids),
            Deal.stage == "won",
            won_at.c.won_at >= window.start,
            won_at.c.won_at < window.end,
        )
        .order_by(Deal.id)
    )
    return [(deal, _aware(when)) for deal, when in session.execute(query)]


def new_customers(session: Session, owner_ids: Collection[int], window: Window) -> set[int]:
    """Customers whose first won deal (by anyone) was won in the window by one of these owners."""
    won = won_deals(session, owner_ids, window)
    if not won:
        return set()
    customer_ids = {deal.customer_id for deal, _ in won}
    first_win = (
        select(Deal.customer_id, func.min(StageChange.changed_at))
        .join(StageChange, StageChange.deal_id == Deal.id)
        .where(Deal.customer_id.in_(customer_ids), StageChange.to_stage == "won")
        .group_by(Deal.customer_id)
    )
    return {
        customer_id
        for customer_id, first in session.execute(first_win)
        if window.start <= _aware(first) < window.end
    }


def first_reached(
    session: Session, owner_ids: Collection[int], window: Window, stages: Collection[str]
) -> dict[int, int]:
    """Deals that first reached any of `stages` in the window: deal id -> owner id."""
    query = (
        select(Deal.id, Deal.owner_id, func.min(StageChange.changed_at))
        .join(StageChange, StageChange.deal_id == Deal.id)
        .where(Deal.owner_id.in_(owner_ids), StageChange.to_stage.in_(stages))
        .group_by(Deal.id, Deal.owner_id)
    )
    return {
        deal_id: owner_id
        for deal_id, owner_id, first in session.execute(query)
        if window.start <= _aware(first) < window.end
    }


@dataclass(frozen=True)
class FunnelWindow:
    reached: dict[str, int]  # deals that reached each stage (or beyond) in the window
    won_amounts: list[tuple[Decimal, str]]
    cycle_times: list[timedelta]  # created -> won, for deals won in the window
    proposals_by_rep: dict[int, int]
    wins_by_rep: dict[int, int]


def funnel(session: Session, owner_ids: Collection[int], window: Window) -> FunnelWindow:
    """The weekly data review's numbers for these owners' deals over the window."""
    order = [key for key, stage in STAGES.items() if stage.is_open] + ["won"]
    reached: Counter[str] = Counter()
    for index, stage in enumerate(order):
        reached[stage] = len(first_reached(session, owner_ids, window, order[index:]))
    won = won_deals(session, owner_ids, window)
    proposals = first_reached(session, owner_ids, window, PROPOSAL_OR_LATER)
    wins_by_rep: defaultdict[int, int] = defaultdict(int)
    for deal, _ in won:
        wins_by_rep[deal.owner_id] += 1
    return FunnelWindow(
        reached=dict(reached),
        won_amounts=[(deal.amount, deal.currency) for deal, _ in won],
        cycle_times=[_aware(won_at) - deal.created_at for deal, won_at in won],
        proposals_by_rep=dict(Counter(proposals.values())),
        wins_by_rep=dict(wins_by_rep),
    )


def _cents(value: object) -> Decimal:
    # Sums come back as Decimal on PostgreSQL, and may come back as float on SQLite.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _aware(value: datetime) -> datetime:
    # Aggregates bypass the column type, so SQLite hands back naive UTC (or a string).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
