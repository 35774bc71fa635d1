"""Open deals for the forecast, loaded for many people at once: grouped amounts by owner,
stage, call, currency and close day, and the deals whose close day has passed."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sales.forecast import OpenAmount, SlippedDeal
from store.deals import OPEN_STAGE_KEYS
from store.metrics import _cents
from store.models import Customer, Deal
from store.reads import aggregate_day, streamed


def open_amounts(
    session: Session, owner_ids: Collection[int] | None, until: date
) -> list[OpenAmount]:
    """These owners' open deals expected to close by `until` (or with no close day), summed
    per owner, stage, forecast call, currency and close day (one statement)."""
    query = (
        select(
            Deal.owner_id,
            Deal.stage,
            Deal.forecast,
            Deal.currency,
            Deal.expected_close,
            func.sum(Deal.amount),
            func.count(Deal.id),
        )
        .where(
            Deal.stage.in_(OPEN_STAGE_KEYS),
            or_(Deal.expected_close.is_(None), Deal.expected_close <= until),
        )
        .group_by(Deal.owner_id, Deal.stage, Deal.forecast, Deal.currency, Deal.expected_close)
    )
    if owner_ids is not None:
        query = query.where(Deal.owner_id.in_(owner_ids))
    return [
        OpenAmount(
            owner,
            stage,
            category,
            currency,
            aggregate_day(close) if close is not None else None,
            _cents(total),
            count,
        )
        for owner, stage, category, currency, close, total, count in streamed(
            session, query, shared=(1, 2, 3, 4)
        )
    ]


def slipped_deals(
    session: Session, owner_ids: Collection[int] | None, before: date
) -> list[SlippedDeal]:
    """These owners' open deals expected to close before `before`, oldest close first."""
    query = (
        select(
            Deal.id,
            Deal.owner_id,
            Customer.name,
            Deal.title,
            Deal.amount,
            Deal.currency,
            Deal.expected_close,
        )
        .join(Customer, Deal.customer_id == Customer.id)
        .where(Deal.stage.in_(OPEN_STAGE_KEYS), Deal.expected_close < before)
        .order_by(Deal.expected_close, Deal.id)
    )
    if owner_ids is not None:
        query = query.where(Deal.owner_id.in_(owner_ids))
    return [
        SlippedDeal(deal_id, owner, f"{customer} — {title}", amount, currency, close)
        for deal_id, owner, customer, title, amount, currency, close in streamed(
            session, query, shared=(5, 6)
        )
    ]
