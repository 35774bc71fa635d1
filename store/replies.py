"""The reply outbox: answers owed to people, recorded once, sent (and retried) by a sender."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store.models import OutboxReply

SENT_AT_RESPONSE_URL = "response_url"
SENT_BY_DM = "dm"
FOUND_IN_HISTORY = "dm found in history"
FAILED = "failed"


@dataclass(frozen=True)
class NewReply:
    """An answer to record: `key` names it (request, delivery, place), so recording it again
    (a request replayed after a crash) changes nothing."""

    key: str
    user_id: str | None
    response_url: str | None
    message: dict[str, Any]
    asked_at: datetime


@dataclass(frozen=True)
class ClaimedReply:
    id: int
    key: str
    user_id: str | None
    response_url: str | None
    message: dict[str, Any]
    asked_at: datetime
    attempts: int
    dm_posted_at: datetime | None = None  # an earlier attempt may have posted the DM


def record(
    session: Session, replies: Sequence[NewReply], now: datetime, *, owner: str | None = None
) -> list[ClaimedReply]:
    """Record each reply not recorded before; the new ones. With `owner`, they are
    recorded claimed by it (the worker sends them at once, without a claim of its own)."""
    if not replies:
        return []
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    claim = {"claimed_at": now, "claimed_by": owner, "attempts": 1} if owner else {"attempts": 0}
    rows = [
        {
            "key": reply.key, "user_id": reply.user_id, "response_url": reply.response_url,
            "message": reply.message, "asked_at": reply.asked_at, "recorded_at": now, **claim,
        }
        for reply in replies
    ]  # fmt: skip
    statement = (
        insert(OutboxReply)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxReply.id, OutboxReply.key)
    )
    ids = {row.key: row.id for row in session.execute(statement)}
    new = [reply for reply in replies if reply.key in ids]
    return [
        ClaimedReply(
            ids[r.key], r.key, r.user_id, r.response_url, r.message, r.asked_at, claim["attempts"]
        )
        for r in new
    ]


def _due(now: datetime, lease: timedelta) -> Any:
    return and_(
        OutboxReply.sent_at.is_(None),
        or_(OutboxReply.retry_at.is_(None), OutboxReply.retry_at <= now),
        or_(OutboxReply.claimed_at.is_(None), OutboxReply.claimed_at < now - lease),
    )


def due(session: Session, now: datetime, lease: timedelta) -> bool:
    """Whether `claim` would find anything (a read: an idle sender takes no write lock)."""
    return session.scalar(select(OutboxReply.id).where(_due(now, lease)).limit(1)) is not None


def held_by(session: Session, is_gone: Callable[[str | None], bool]) -> list[int]:
    """Unsent replies claimed by a process known to be dead: claimable before their lease
    runs out."""
    rows = session.execute(
        select(OutboxReply.id, OutboxReply.claimed_by).where(
            OutboxReply.sent_at.is_(None), OutboxReply.claimed_at.is_not(None)
        )
    ).all()
    return [row.id for row in rows if is_gone(row.claimed_by)]


def claim(
    session: Session,
    owner: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    orphans: Sequence[int] = (),
) -> list[ClaimedReply]:
    """Take up to `limit` replies due now, oldest first: never claimed, claimed longer ago
    than `lease`, or among `orphans` (their holder died)."""
    claimable = _due(now, lease)
    if orphans:
        claimable = or_(
            claimable,
            and_(
                OutboxReply.id.in_(list(orphans)),
                OutboxReply.sent_at.is_(None),
                or_(OutboxReply.retry_at.is_(None), OutboxReply.retry_at <= now),
            ),
        )
    rows = session.scalars(
        select(OutboxReply)
        .where(claimable)
        .order_by(OutboxReply.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.claimed_at, row.claimed_by, row.attempts = now, owner, row.attempts + 1
    return [
        ClaimedReply(
            row.id, row.key, row.user_id, row.response_url, dict(row.message), row.asked_at,
            row.attempts, row.dm_posted_at,
        )
        for row in rows
    ]  # fmt: skip


def _settle(session: Session, reply_id: int, owner: str, **values: Any) -> bool:
    result = session.execute(
        update(OutboxReply)
        .where(OutboxReply.id == reply_id, OutboxReply.claimed_by == owner)
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_dm_posting(session: Session, reply_id: int, owner: str, now: datetime) -> bool:
    """About to post the DM: from now on its outcome is unknown until recorded."""
    return _settle(session, reply_id, owner, dm_posted_at=now)


def mark_sent(session: Session, reply_id: int, owner: str, outcome: str, now: datetime) -> None:
    _settle(session, reply_id, owner, sent_at=now, outcome=outcome, claimed_at=None,
            claimed_by=None, last_error=None)  # fmt: skip


def mark_retry(session: Session, reply_id: int, owner: str, error: str, retry_at: datetime) -> None:
    _settle(session, reply_id, owner, retry_at=retry_at, last_error=error[:80],
            claimed_at=None, claimed_by=None)  # fmt: skip


def mark_failed(session: Session, reply_id: int, owner: str, error: str, now: datetime) -> None:
    """A permanent failure: nothing more can be tried (logged, and counted in metrics)."""
    _settle(session, reply_id, owner, sent_at=now, outcome=FAILED, last_error=error[:80],
            claimed_at=None, claimed_by=None)  # fmt: skip


def unsent(session: Session, *, retrying: bool = True) -> int:
    """Replies recorded and not yet sent: waiting, in flight, and (`retrying`) those Slack
    failed that wait to be tried again."""
    query = select(func.count()).select_from(OutboxReply).where(OutboxReply.sent_at.is_(None))
    if not retrying:
        query = query.where(OutboxReply.last_error.is_(None))
    return session.scalar(query) or 0


def all_replies(session: Session) -> list[OutboxReply]:
    return list(session.scalars(select(OutboxReply).order_by(OutboxReply.id)))
