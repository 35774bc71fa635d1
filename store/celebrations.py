"""Celebrations owed: a card in the team channel for each deal won, kept in the delivery
ledger in the same transaction as the win, so a crash between the win and the post loses
nothing and a second win of the same deal (won, reopened, won again) posts nothing more.

The ledger row (job "celebration", period "deal:<id>", recipient "team:<id>") is written
`queued`; the scheduler's celebration job lists queued rows and posts them like any other
scheduled message (claim, post, record).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store import deliveries
from store.models import Deal, Delivery, Membership, Team
from store.types import utcnow

JOB = "celebration"
_PERIOD_PREFIX = "deal:"


@dataclass(frozen=True)
class Owed:
    deal_id: int
    team_id: int


def period_of(deal_id: int) -> str:
    return f"{_PERIOD_PREFIX}{deal_id}"


def owe(session: Session, deal: Deal) -> int:
    """Queue a celebration of `deal` (just won) for each team its owner is a member of that
    celebrates and has a channel; how many were queued now (0 when already owed or sent).
    Call it inside the transaction that wins the deal."""
    session.flush()  # a deal created won needs its id
    query = (
        select(Team.id)
        .join(Membership, Membership.team_id == Team.id)
        .where(
            Membership.person_id == deal.owner_id,
            Membership.role == "member",
            Team.celebrate.is_(True),
            Team.channel_id.is_not(None),
        )
        .distinct()
    )
    queued = 0
    for team_id in session.scalars(query):
        row = Delivery(
            job=JOB,
            period=period_of(deal.id),
            recipient=f"team:{team_id}",
            status=deliveries.QUEUED,
            attempts=0,
            claimed_at=utcnow(),
        )
        try:
            with session.begin_nested():
                session.add(row)
            queued += 1
        except IntegrityError:
            pass  # this deal's win was celebrated (or queued) before: once per deal
    return queued


def owed(session: Session) -> list[Owed]:
    """Every celebration queued and not yet claimed, oldest first."""
    rows = session.execute(
        select(Delivery.period, Delivery.recipient)
        .where(Delivery.job == JOB, Delivery.status == deliveries.QUEUED)
        .order_by(Delivery.id)
    )
    found = []
    for period, recipient in rows:
        deal_id = period.removeprefix(_PERIOD_PREFIX)
        team_id = recipient.removeprefix("team:")
        if deal_id.isdigit() and team_id.isdigit():
            found.append(Owed(int(deal_id), int(team_id)))
    return found
