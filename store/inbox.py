"""The inbox: Slack requests the bot acknowledged, kept until a worker has processed them."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    TextClause,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from store.db import Database
from store.models import InboxRequest
from store.types import UTCDateTime

DONE = "done"
ABANDONED = "abandoned"  # claimed MAX_ATTEMPTS times and never finished: a poison request
MAX_ATTEMPTS = 5


_COLUMNS = ("key", "kind", "body", "accepted_at", "deliveries")


@functools.cache
def _accept_rows(count: int) -> TextClause:
    """One INSERT … ON CONFLICT DO UPDATE of `count` rows (PostgreSQL, and SQLite since
    3.24): a batch of acks is one statement, so on PostgreSQL one round trip that commits
    itself, and a redelivery is counted in the same statement. As text, one per batch size,
    so SQLAlchemy compiles each once (its dialect inserts are not cached): it sits in front
    of every ack."""
    rows = ", ".join(
        f"(:key_{n}, :kind_{n}, :body_{n}, :accepted_at_{n}, :deliveries_{n}, 0, 0)"
        for n in range(count)
    )
    body_type = InboxRequest.__table__.c.body.type
    return text(
        "INSERT INTO inbox (key, kind, body, accepted_at, deliveries, processed, attempts) "
        f"VALUES {rows} ON CONFLICT (key) DO UPDATE SET "
        "deliveries = inbox.deliveries + excluded.deliveries, finished_at = NULL, "
        "body = excluded.body"
    ).bindparams(
        *(bindparam(f"body_{n}", type_=body_type) for n in range(count)),
        *(bindparam(f"accepted_at_{n}", type_=UTCDateTime()) for n in range(count)),
    )


@dataclass(frozen=True)
class Claimed:
    """A request a worker has taken: replay `body` as Slack sent it."""

    id: int
    key: str
    kind: str
    body: dict[str, Any]
    accepted_at: datetime
    attempts: int
    processed: int

    @property
    def failed_attempts(self) -> int:
        """Claims that never finished: the worker died (or was killed) processing it."""
        return self.attempts - 1 - self.processed


@dataclass(frozen=True)
class NewRequest:
    """A request to record: `key` names it, so a redelivery is the same row."""

    key: str
    kind: str
    body: dict[str, Any]


def accept(into: Session | Connection, requests: Sequence[NewRequest], now: datetime) -> None:
    """Record the requests in one statement. One recorded before (Slack delivered it again,
    perhaps in this same batch) has the delivery counted, to be answered too: at the newest
    delivery's response_url, so its body replaces the one kept. On the ack's path: a Core
    connection (no ORM session to set up), and nothing read back (on SQLite every row read
    back is a step that lets go of Python's GIL, and a busy web process takes milliseconds
    to hand it back)."""
    if not requests:
        return
    connection = into.connection() if isinstance(into, Session) else into
    values = _accept_values(requests, now)
    connection.execute(_accept_rows(len(values) // len(_COLUMNS)), values)


def _accept_values(requests: Sequence[NewRequest], now: datetime) -> dict[str, Any]:
    """The statement's values: a row per request key, holding its newest delivery and the
    count of its deliveries in this batch."""
    newest: dict[str, NewRequest] = {}
    count: Counter[str] = Counter()
    for request in requests:
        newest[request.key] = request
        count[request.key] += 1
    return {
        f"{column}_{n}": value
        for n, request in enumerate(newest.values())
        for column, value in zip(
            _COLUMNS, (request.key, request.kind, request.body, now, count[request.key]),
            strict=True,
        )
    }  # fmt: skip


def record_accepted(db: Database, requests: Sequence[NewRequest], now: datetime) -> None:
    """`accept`, committed at once: the ack path's write (see `Database.urgent_statement`)."""
    if requests:
        values = _accept_values(requests, now)
        db.urgent_statement(_accept_rows(len(values) // len(_COLUMNS)), values)


def claimable(session: Session, worker: str, now: datetime, lease: timedelta) -> bool:
    """Whether `claim` would find anything: a read, so an idle worker never takes the
    write lock (on SQLite, the one every ack needs too)."""
    query = _claimable(worker, now, lease).with_only_columns(InboxRequest.id).limit(1)
    return session.scalar(query) is not None


def _claimable(worker: str, now: datetime, lease: timedelta) -> Select[tuple[InboxRequest]]:
    # A worker never takes over its own claims: it is alive and still working on them.
    stale = and_(InboxRequest.claimed_at < now - lease, InboxRequest.claimed_by != worker)
    return select(InboxRequest).where(
        InboxRequest.finished_at.is_(None), or_(InboxRequest.claimed_at.is_(None), stale)
    )


def claim(
    session: Session, worker: str, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """Take up to `limit` waiting requests, oldest first, for `worker`.

    Waiting: never claimed, or claimed longer ago than `lease` by a worker that has not
    finished it (it died). On PostgreSQL the rows other workers are taking are skipped
    (FOR UPDATE SKIP LOCKED); SQLite serialises writers, so the select and update below
    happen under one write lock there.
    """
    rows = session.scalars(
        _claimable(worker, now, lease)
        .order_by(InboxRequest.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.claimed_at = now
        row.claimed_by = worker
        row.attempts += 1
    return [
        Claimed(
            row.id,
            row.key,
            row.kind,
            dict(row.body),
            row.accepted_at,
            row.attempts,
            row.processed,
        )
        for row in rows
    ]


def finish(session: Session, request_id: int, worker: str, outcome: str, now: datetime) -> bool:
    """Mark one delivery of a claimed request processed, and release the claim (a delivery
    that came meanwhile is then claimed again). False if another worker took it over."""
    all_done = InboxRequest.processed + 1 >= InboxRequest.deliveries
    result = session.execute(
        update(InboxRequest)
        .where(
            InboxRequest.id == request_id,
            InboxRequest.claimed_by == worker,
            InboxRequest.finished_at.is_(None),
        )
        .values(
            processed=InboxRequest.processed + 1,
            finished_at=case((all_done, now), else_=None),
            outcome=outcome,
            claimed_at=None,
            claimed_by=None,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def renew(session: Session, request_ids: list[int], worker: str, now: datetime) -> None:
    """Keep `worker`'s claims on requests it is still processing."""
    session.execute(
        update(InboxRequest)
        .where(InboxRequest.id.in_(request_ids), InboxRequest.claimed_by == worker)
        .values(claimed_at=now)
    )


def waiting(session: Session) -> int:
    """Requests acknowledged and not yet processed (claimed or not)."""
    return (
        session.scalar(
            select(func.count()).select_from(InboxRequest).where(InboxRequest.finished_at.is_(None))
        )
        or 0
    )


def get(session: Session, key: str) -> InboxRequest | None:
    return session.scalar(select(InboxRequest).where(InboxRequest.key == key))


def all_requests(session: Session) -> list[InboxRequest]:
    return list(session.scalars(select(InboxRequest).order_by(InboxRequest.id)))
