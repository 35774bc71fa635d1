"""What jobs have sent, read in bulk for composing many messages at once.

The ledger itself (claims, sends, failures) is `store.deliveries`; these only read it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.deliveries import SENT
from store.models import Delivery
from store.reads import streamed


def sent_to(session: Session, job: str, periods: Collection[str]) -> set[tuple[str, str]]:
    """(period, recipient) of every message `job` actually sent for any of `periods`."""
    if not periods:
        return set()
    query = select(Delivery.period, Delivery.recipient).where(
        Delivery.job == job, Delivery.period.in_(periods), Delivery.status == SENT
    )
    return {(period, recipient) for period, recipient in session.execute(query)}


@dataclass(frozen=True, slots=True)
class Sent:
    """When a message went out and to whom, without what it said."""

    period: str
    recipient: str
    sent_at: datetime | None


def sent_by(session: Session, job: str) -> list[Sent]:
    """Every message `job` has sent, oldest first (e.g. every payment alert's history), as
    plain rows: the messages themselves stay in the database."""
    query = (
        select(Delivery.period, Delivery.recipient, Delivery.sent_at)
        .where(Delivery.job == job, Delivery.status == SENT)
        .order_by(Delivery.sent_at, Delivery.id)
    )
    return [Sent(*row) for row in streamed(session, query, shared=(0,))]
