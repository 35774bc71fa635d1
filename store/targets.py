"""Targets: what a person or a team must reach for one metric in one month or quarter."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from sales.metrics import METRICS
from sales.periods import Period
from store.audit import record_change, snapshot
from store.models import Person, Target, Team
from store.reads import streamed

_METRIC_ORDER = {key: index for index, key in enumerate(METRICS)}


def owner_key(owner: Person | Team) -> str:
    """`person:<id>` or `team:<id>`, the key a target's owner is stored under."""
    kind = "person" if isinstance(owner, Person) else "team"
    return f"{kind}:{owner.id}"


def get_target(
    session: Session, owner: Person | Team, metric: str, period: Period
) -> Target | None:
    return session.scalar(
        select(Target).where(
            Target.owner_key == owner_key(owner),
            Target.metric == metric,
            Target.period == period.label,
        )
    )


def set_target(
    session: Session,
    *,
    owner: Person | Team,
    metric: str,
    period: Period,
    amount: Decimal,
    currency: str | None,
    actor: str,
) -> tuple[Target, bool]:
    """Set the owner's target for `metric` in `period`; True when it was created.

    Setting it again updates it (audited with the record before and after); setting the same
    amount and currency again changes nothing. Counts (non-money metrics) have no currency.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    if not METRICS[metric].is_money:
        currency = None
    session.flush()  # owner.id for a new team or person
    target = get_target(session, owner, metric, period)
    if target is None:
        target = Target(
            owner_key=owner_key(owner),
            person_id=owner.id if isinstance(owner, Person) else None,
            team_id=owner.id if isinstance(owner, Team) else None,
            metric=metric,
            period=period.label,
            period_start=period.start,
            period_end=period.end,
            amount=amount,
            currency=currency,
            set_by=actor,
        )
        session.add(target)
        record_change(session, actor=actor, record=target, action="create", before=None)
        return target, True
    if target.amount == amount and target.currency == currency:
        return target, False
    before = snapshot(target)
    target.amount = amount
    target.currency = currency
    target.set_by = actor
    record_change(session, actor=actor, record=target, action="update", before=before)
    return target, False


def targets_for_person(session: Session, person_id: int, on: date | None = None) -> list[Target]:
    """The person's own targets whose period contains `on` (all when None)."""
    return _ordered(session, _during(select(Target).where(Target.person_id == person_id), on))


def targets_for_team(session: Session, team_id: int, on: date | None = None) -> list[Target]:
    """The team's targets whose period contains `on` (all when None)."""
    return _ordered(session, _during(select(Target).where(Target.team_id == team_id), on))


def targets_in_force(session: Session, on: date) -> list[Target]:
    """Every person's and team's target whose period contains `on`."""
    return _ordered(session, _during(select(Target), on))


@dataclass(frozen=True, slots=True)
class TargetInForce:
    """A target as reports count against it: a plain row (a run holds every person's and
    team's, and an ORM target would bring its owner, its team and the team's roster)."""

    id: int
    owner_key: str
    person_id: int | None
    team_id: int | None
    metric: str
    period: str
    period_start: date
    period_end: date
    amount: Decimal
    currency: str | None


def targets_during(
    session: Session,
    first: date,
    last: date,
    person_ids: Collection[int] | None = None,
    team_ids: Collection[int] = (),
) -> list[TargetInForce]:
    """Every person's and team's target in force on some day from `first` to `last`; with
    `person_ids`, only theirs and those of `team_ids`. In `_ordered`'s order."""
    query = select(
        Target.id,
        Target.owner_key,
        Target.person_id,
        Target.team_id,
        Target.metric,
        Target.period,
        Target.period_start,
        Target.period_end,
        Target.amount,
        Target.currency,
    ).where(Target.period_start <= last, Target.period_end >= first)
    if person_ids is not None:
        query = query.where(Target.person_id.in_(person_ids) | Target.team_id.in_(team_ids))
    query = query.order_by(Target.period_start, Target.period_end, Target.id)
    return sorted(
        (TargetInForce(*row) for row in streamed(session, query, shared=(1, 4, 5, 6, 7, 9))),
        key=_order_key,
    )


def _during(query: Select[tuple[Target]], on: date | None) -> Select[tuple[Target]]:
    if on is None:
        return query
    return query.where(Target.period_start <= on, Target.period_end >= on)


def _ordered(session: Session, query: Select[tuple[Target]]) -> list[Target]:
    """By period (start, then months before quarters), then metric in METRICS order."""
    rows = session.scalars(query.order_by(Target.period_start, Target.period_end, Target.id))
    return sorted(rows, key=_order_key)


def _order_key(target: Target | TargetInForce) -> tuple[date, date, int, str]:
    return (
        target.period_start,
        target.period_end,
        _METRIC_ORDER.get(target.metric, 99),
        target.owner_key,
    )
