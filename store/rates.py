"""Exchange rates admins keep (`/fx`, `bot.py import rates`), loaded once per report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sales.fx import Rate, Rates
from store.audit import record_change, snapshot
from store.models import ExchangeRate


def load_rates(session: Session) -> Rates:
    """Every rate, in one statement: a report converts all its people's money with these."""
    rows = session.scalars(select(ExchangeRate))
    return Rates.of(
        Rate(row.from_currency, row.to_currency, row.rate, row.effective_on) for row in rows
    )


def latest_rates(session: Session) -> list[ExchangeRate]:
    """Each pair's rates, newest first within a pair, pairs by name (what `/fx` lists)."""
    query = select(ExchangeRate).order_by(
        ExchangeRate.from_currency, ExchangeRate.to_currency, ExchangeRate.effective_on.desc()
    )
    return list(session.scalars(query))


def set_rate(
    session: Session,
    from_currency: str,
    to_currency: str,
    rate: Decimal,
    effective_on: date,
    actor: str,
) -> tuple[ExchangeRate, Decimal | None]:
    """Set the pair's rate from `effective_on` (replacing one set for that very day), audited.
    Returns the row and the rate it replaced, if any."""
    row = session.scalars(
        select(ExchangeRate).where(
            ExchangeRate.from_currency == from_currency,
            ExchangeRate.to_currency == to_currency,
            ExchangeRate.effective_on == effective_on,
        )
    ).one_or_none()
    if row is None:
        row = ExchangeRate(
            from_currency=from_currency,
            to_currency=to_currency,
            rate=rate,
            effective_on=effective_on,
            set_by=actor,
        )
        session.add(row)
        record_change(session, actor=actor, record=row, action="create", before=None)
        return row, None
    was = row.rate
    before = snapshot(row)
    row.rate = rate
    row.set_by = actor
    record_change(session, actor=actor, record=row, action="update", before=before)
    return row, was


def rate_by_id(session: Session, rate_id: int) -> ExchangeRate | None:
    return session.get(ExchangeRate, rate_id)
