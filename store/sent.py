"""What jobs have sent, read in bulk for composing many messages at once.

The ledger itself (claims, sends, failures) is `store.deliveries`; these only read it.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.deliveries import SENT
from store.models import Delivery


def sent_to(session: Session, job: str, periods: Collection[str]) -> set[tuple[str, str]]:
    """(period, recipient) of every message `job` actually sent for any of `periods`."""
    if not periods:
        return set()
    query = select(Delivery.period, Delivery.recipient).where(
        Delivery.job == job, Delivery.period.in_(periods), Delivery.status == SENT
    )
    return {(period, recipient) for period, recipient in session.execute(query)}


def sent_by(session: Session, job: str) -> list[Delivery]:
    """Every message `job` has sent, oldest first (e.g. every payment alert's history)."""
    query = (
        select(Delivery)
        .where(Delivery.job == job, Delivery.status == SENT)
        .order_by(Delivery.sent_at, Delivery.id)
    )
    return list(session.scalars(query))
