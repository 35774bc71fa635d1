"""Follow-ups (a visit's next step with a due date) and the activity that keeps deals fresh."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.audit import record_change, snapshot
from store.deals import OPEN_STAGE_KEYS
from store.models import Customer, Deal, DealNote, StageChange, Visit
from store.reads import aggregate_day, streamed


@dataclass(frozen=True, slots=True)
class FollowUp:
    """An open follow-up as a DM lists it: a plain row (a run holds every rep's)."""

    id: int
    rep_id: int
    customer_name: str
    visited_on: date
    next_step: str | None
    follow_up_due: date | None
    follow_up_snoozed_until: date | None


@dataclass(frozen=True, slots=True)
class OpenDeal:
    """An open deal as a DM lists it: a plain row (a run holds every rep's)."""

    id: int
    owner_id: int
    customer_name: str
    title: str
    stage: str
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class DealActivity:
    """An open deal and when something last happened to it."""

    deal: OpenDeal
    last_change: datetime  # the latest of: updated, stage change, note
    last_visit: date | None  # the owner's latest visit to the deal's customer


def due_follow_ups(session: Session, rep_id: int, today: date) -> list[Visit]:
    """The rep's follow-ups due today or overdue: not done, and not snoozed past today.
    Oldest first."""
    query = (
        select(Visit)
        .where(
            Visit.rep_id == rep_id,
            Visit.next_step.is_not(None),
            Visit.follow_up_due.is_not(None),
            Visit.follow_up_due <= today,
            Visit.follow_up_done_at.is_(None),
            (Visit.follow_up_snoozed_until.is_(None)) | (Visit.follow_up_snoozed_until <= today),
        )
        .order_by(Visit.follow_up_due, Visit.id)
    )
    return list(session.scalars(query))


def is_due(visit: Visit | FollowUp, today: date) -> bool:
    """An open follow-up (see `open_follow_ups`) is due by `today` unless snoozed past it."""
    due, snoozed = visit.follow_up_due, visit.follow_up_snoozed_until
    return due is not None and due <= today and (snoozed is None or snoozed <= today)


def open_follow_ups(
    session: Session, rep_ids: Collection[int] | None, until: date, since: date | None = None
) -> dict[int, list[FollowUp]]:
    """Each rep's follow-ups not done and due by `until` (and from `since`), oldest first;
    `is_due` tells which are due on a rep's own day (the snoozed are among them)."""
    query = (
        select(
            Visit.id,
            Visit.rep_id,
            Customer.name,
            Visit.visited_on,
            Visit.next_step,
            Visit.follow_up_due,
            Visit.follow_up_snoozed_until,
        )
        .join(Customer, Visit.customer_id == Customer.id)
        .where(
            Visit.next_step.is_not(None),
            Visit.follow_up_due.is_not(None),
            Visit.follow_up_due <= until,
            Visit.follow_up_done_at.is_(None),
        )
        .order_by(Visit.follow_up_due, Visit.id)
    )
    if since is not None:
        query = query.where(Visit.follow_up_due >= since)
    if rep_ids is not None:
        query = query.where(Visit.rep_id.in_(rep_ids))
    found: dict[int, list[FollowUp]] = {}
    for row in streamed(session, query, shared=(2, 3, 4, 5, 6)):
        found.setdefault(row[1], []).append(FollowUp(*row))
    return found


def mark_done(session: Session, visit: Visit, when: datetime, actor: str) -> bool:
    """Tick the follow-up off; False when it already was."""
    if visit.follow_up_done_at is not None:
        return False
    before = snapshot(visit)
    visit.follow_up_done_at = when
    record_change(session, actor=actor, record=visit, action="update", before=before)
    return True


def snooze(session: Session, visit: Visit, until: date, actor: str) -> bool:
    """Hide the follow-up until `until`; False when it already was snoozed to that day."""
    if visit.follow_up_snoozed_until == until:
        return False
    before = snapshot(visit)
    visit.follow_up_snoozed_until = until
    record_change(session, actor=actor, record=visit, action="update", before=before)
    return True


def open_deal_activities(
    session: Session, owner_ids: Collection[int] | None
) -> dict[int, list[DealActivity]]:
    """Every open deal of these owners (None: everyone), with when it last changed and was
    last visited by its owner, in four statements (plain rows: a run holds everyone's)."""
    query = (
        select(
            Deal.id,
            Deal.owner_id,
            Customer.name,
            Deal.title,
            Deal.stage,
            Deal.amount,
            Deal.currency,
            Deal.updated_at,
            Deal.created_at,
            Deal.customer_id,
        )
        .join(Customer, Deal.customer_id == Customer.id)
        .where(Deal.stage.in_(OPEN_STAGE_KEYS))
        .order_by(Deal.id)
    )
    if owner_ids is not None:
        query = query.where(Deal.owner_id.in_(owner_ids))
    deals = list(streamed(session, query, shared=(2, 4, 6)))
    if not deals:
        return {}
    open_ids = select(Deal.id).where(Deal.stage.in_(OPEN_STAGE_KEYS))
    if owner_ids is not None:
        open_ids = open_ids.where(Deal.owner_id.in_(owner_ids))
    moved = dict(
        streamed(
            session,
            select(StageChange.deal_id, func.max(StageChange.changed_at))
            .where(StageChange.deal_id.in_(open_ids))
            .group_by(StageChange.deal_id),
        )
    )
    noted = dict(
        streamed(
            session,
            select(DealNote.deal_id, func.max(DealNote.created_at))
            .where(DealNote.deal_id.in_(open_ids))
            .group_by(DealNote.deal_id),
        )
    )
    # The owner's latest visit to each customer they have an open deal with.
    visits = (
        select(Visit.rep_id, Visit.customer_id, func.max(Visit.visited_on))
        .join(Deal, (Deal.owner_id == Visit.rep_id) & (Deal.customer_id == Visit.customer_id))
        .where(Deal.stage.in_(OPEN_STAGE_KEYS))
        .group_by(Visit.rep_id, Visit.customer_id)
    )
    if owner_ids is not None:
        visits = visits.where(Deal.owner_id.in_(owner_ids))
    visited = {(rep, customer): day for rep, customer, day in streamed(session, visits)}
    found: dict[int, list[DealActivity]] = {}
    for deal_id, owner_id, name, title, stage, amount, currency, *when, customer_id in deals:
        times = [_aware(value) for value in when]
        times += [_aware(value) for value in (moved.get(deal_id), noted.get(deal_id)) if value]
        last_visit = visited.get((owner_id, customer_id))
        deal = OpenDeal(deal_id, owner_id, name, title, stage, amount, currency)
        found.setdefault(owner_id, []).append(
            DealActivity(
                deal, max(times), None if last_visit is None else aggregate_day(last_visit)
            )
        )
    return found


def people_with_open_items(session: Session) -> set[int]:
    """Everyone with a follow-up not yet done, or an open deal: who may need the DM."""
    pending = select(Visit.rep_id).where(
        Visit.follow_up_due.is_not(None),
        Visit.next_step.is_not(None),
        Visit.follow_up_done_at.is_(None),
    )
    owners = select(Deal.owner_id).where(Deal.stage.in_(OPEN_STAGE_KEYS))
    return set(session.scalars(pending.distinct())) | set(session.scalars(owners.distinct()))


def _aware(value: object) -> datetime:
    # Aggregates bypass the column type: SQLite hands back naive UTC (or a string).
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
