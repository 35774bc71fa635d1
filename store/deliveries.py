"""The delivery ledger: who has been sent which scheduled message for which period.

A row's life: `queued` (only for messages owed by an event, written in the event's own
transaction, e.g. a deal won), then `sending` (claimed, under a lease its sender renews)
and then `sent` or `empty`; or `retry` after a transient failure (Slack down, rate limited,
a timeout) until it is sent or its deadline passes (`missed`); or `failed` at once on a
permanent error (`user_not_found`, `not_in_channel`, …), which only a person can fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import Delivery, JobRun

QUEUED = "queued"  # owed by an event (store.celebrations), not yet claimed
SENDING = "sending"
SENT = "sent"
EMPTY = "empty"  # nothing to say this period (e.g. no follow-ups): done, and no message
RETRY = "retry"  # a transient failure: tried again from `retry_at`
FAILED = "failed"  # a permanent error: not tried again
MISSED = "missed"  # not sent before it stopped being useful
SETTLED = frozenset({SENT, EMPTY, FAILED, MISSED})
# A sender renews its claims well within this; one not renewed was cut off (crash, kill -9).
LEASE = timedelta(minutes=2)
# A transient error that says the request never took effect: no need to ask Slack after it.
NOT_POSTED_ERRORS = frozenset({"ratelimited"})
_IN_CHUNK = 500  # keys per IN (...) list


@dataclass(frozen=True)
class LedgerKey:
    job: str
    period: str
    recipient: str

    def payload(self) -> dict[str, str]:
        """How a posted message names its ledger row (in its Slack metadata)."""
        return {"job": self.job, "period": self.period, "recipient": self.recipient}


HolderIsGone = Callable[[str | None], bool]


@dataclass(frozen=True)
class LedgerState:
    status: str
    retry_at: datetime | None
    lease_until: datetime | None
    claimed_by: str | None

    def claimable(self, clock: datetime, holder_is_gone: HolderIsGone | None = None) -> bool:
        """Whether a claim at `clock` could take this row (the claim itself decides): not
        settled, its retry time come, or its lease run out (or its holder known dead)."""
        if self.status in SETTLED:
            return False
        if self.status == RETRY:
            return self.retry_at is None or self.retry_at <= clock
        if self.lease_until is None or self.lease_until <= clock:
            return True
        return holder_is_gone is not None and holder_is_gone(self.claimed_by)


@dataclass(frozen=True)
class Claim:
    id: int
    attempts: int
    # Set when an earlier attempt may have posted (it was cut off, or failed ambiguously):
    # Slack's history since then is searched before posting again.
    verify_since: datetime | None


def states(
    session: Session, job: str, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], LedgerState]:
    """The ledger's state for each (period, recipient) of `job` that has a row, read with
    one statement per few hundred periods (not one per recipient)."""
    wanted = set(keys)
    periods = sorted({period for period, _ in wanted})
    found: dict[tuple[str, str], LedgerState] = {}
    for start in range(0, len(periods), _IN_CHUNK):
        rows = session.execute(
            select(
                Delivery.period,
                Delivery.recipient,
                Delivery.status,
                Delivery.retry_at,
                Delivery.lease_until,
                Delivery.claimed_by,
            ).where(Delivery.job == job, Delivery.period.in_(periods[start : start + _IN_CHUNK]))
        )
        for period, recipient, status, retry_at, lease_until, claimed_by in rows:
            if (period, recipient) in wanted:
                found[(period, recipient)] = LedgerState(status, retry_at, lease_until, claimed_by)
    return found


def claim(
    session: Session,
    key: LedgerKey,
    clock: datetime,
    *,
    owner: str,
    message: dict[str, Any] | None,
    useful_until: datetime | None,
    holder_is_gone: HolderIsGone | None = None,
) -> Claim | None:
    """Take the right to send this message; the claim, or None if it is not ours.

    Not ours: settled, held under a live lease by another sender, or waiting for its retry
    time. `holder_is_gone` may say a claim's holder is dead, so its lease need not run out.
    Every path is a single INSERT or a conditional UPDATE, so two schedulers can never
    both win.
    """
    lease_until = clock + LEASE
    delivery = Delivery(
        job=key.job,
        period=key.period,
        recipient=key.recipient,
        status=SENDING,
        attempts=1,
        claimed_at=clock,
        claimed_by=owner,
        lease_until=lease_until,
        useful_until=useful_until,
        message=message,
    )
    try:
        with session.begin_nested():
            session.add(delivery)
        return Claim(delivery.id, 1, None)
    except IntegrityError:
        pass
    existing = session.scalar(
        select(Delivery).where(
            Delivery.job == key.job,
            Delivery.period == key.period,
            Delivery.recipient == key.recipient,
        )
    )
    if existing is None:
        return None
    state = LedgerState(
        existing.status, existing.retry_at, existing.lease_until, existing.claimed_by
    )
    if not state.claimable(clock, holder_is_gone):
        return None
    retaken = session.execute(
        update(Delivery)
        .where(
            Delivery.id == existing.id,
            Delivery.status == existing.status,
            Delivery.attempts == existing.attempts,
        )
        .values(
            status=SENDING,
            attempts=existing.attempts + 1,
            claimed_at=clock,
            claimed_by=owner,
            lease_until=lease_until,
            retry_at=None,
            useful_until=useful_until,
            message=message if message is not None else existing.message,
        )
        .execution_options(synchronize_session=False)
    )
    if retaken.rowcount != 1:
        return None
    return Claim(existing.id, existing.attempts + 1, _verify_since(existing))


def _verify_since(previous: Delivery) -> datetime | None:
    if previous.status == SENDING:
        return previous.claimed_at  # cut off: it may have posted
    if previous.status == RETRY and previous.last_error not in NOT_POSTED_ERRORS:
        return previous.claimed_at  # a timeout or a 5xx: it may have posted
    return None


def claim_backlog(
    session: Session, job: str, clock: datetime, *, owner: str, limit: int
) -> list[tuple[Delivery, Claim]]:
    """Claim up to `limit` rows of `job` whose turn has come outside the run's own periods:
    retries that are due, and claims whose lease ran out (e.g. yesterday's, cut off)."""
    candidates = session.scalars(
        select(Delivery)
        .where(
            Delivery.job == job,
            or_(
                (Delivery.status == RETRY)
                & (Delivery.retry_at.is_(None) | (Delivery.retry_at <= clock)),
                (Delivery.status == SENDING)
                & (Delivery.lease_until.is_(None) | (Delivery.lease_until <= clock)),
            ),
        )
        .order_by(Delivery.id)
        .limit(limit)
    ).all()
    claimed = []
    for row in candidates:
        key = LedgerKey(row.job, row.period, row.recipient)
        taken = claim(session, key, clock, owner=owner, message=None, useful_until=row.useful_until)
        if taken is not None:
            session.refresh(row)
            claimed.append((row, taken))
    return claimed


def renew(session: Session, ids: Sequence[int], owner: str, lease_until: datetime) -> None:
    """Extend the leases `owner` still holds (its sends are taking a while)."""
    for start in range(0, len(ids), _IN_CHUNK):
        session.execute(
            update(Delivery)
            .where(
                Delivery.id.in_(ids[start : start + _IN_CHUNK]),
                Delivery.status == SENDING,
                Delivery.claimed_by == owner,
            )
            .values(lease_until=lease_until)
            .execution_options(synchronize_session=False)
        )


def is_settled(session: Session, job: str, period: str, recipient: str) -> bool:
    """Sent, or found empty, for this period already (a cheap check before composing)."""
    status = session.scalar(
        select(Delivery.status).where(
            Delivery.job == job, Delivery.period == period, Delivery.recipient == recipient
        )
    )
    return status in (SENT, EMPTY)


def was_sent(session: Session, job: str, period: str, recipient: str) -> bool:
    """Whether this message actually went out (not merely found empty, or failed)."""
    status = session.scalar(
        select(Delivery.status).where(
            Delivery.job == job, Delivery.period == period, Delivery.recipient == recipient
        )
    )
    return status == SENT


def mark_sent(
    session: Session, delivery_id: int, channel: str | None, message_ts: str | None, now: datetime
) -> None:
    _settle(
        session,
        delivery_id,
        SENT,
        sent_at=now,
        channel=channel,
        message_ts=message_ts,
        last_error=None,
    )


def mark_empty(session: Session, delivery_id: int, now: datetime) -> None:
    _settle(session, delivery_id, EMPTY, sent_at=now, last_error=None)


def mark_failed(session: Session, delivery_id: int, error: str, channel: str) -> None:
    """A permanent error sending to `channel`: stop, and show it in health."""
    _settle(session, delivery_id, FAILED, last_error=error[:200], channel=channel[:32])


def mark_missed(session: Session, delivery_id: int, reason: str) -> None:
    _settle(session, delivery_id, MISSED, last_error=reason[:200])


def mark_retry(
    session: Session, delivery_id: int, error: str, retry_at: datetime, channel: str
) -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(
            status=RETRY,
            last_error=error[:200],
            retry_at=retry_at,
            lease_until=None,
            channel=channel[:32],
        )
        .execution_options(synchronize_session=False)
    )


def _settle(session: Session, delivery_id: int, status: str, **values: Any) -> None:
    # Settled rows keep no payload: it only served a late or repeated send.
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(status=status, lease_until=None, retry_at=None, message=None, **values)
        .execution_options(synchronize_session=False)
    )


def deliveries(session: Session, job: str | None = None) -> list[Delivery]:
    query = select(Delivery).order_by(Delivery.id)
    if job is not None:
        query = query.where(Delivery.job == job)
    return list(session.scalars(query))


def sent_in_periods(session: Session, job: str, period_prefix: str) -> list[Delivery]:
    """What `job` has sent for every period starting with `period_prefix`, oldest first
    (e.g. every alert about one instalment, whose periods all start "i12:")."""
    query = (
        select(Delivery)
        .where(
            Delivery.job == job,
            Delivery.period.startswith(period_prefix, autoescape=True),
            Delivery.status == SENT,
        )
        .order_by(Delivery.sent_at, Delivery.id)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class Problem:
    """Messages of one job stuck for one reason: how many, the latest, and one example."""

    job: str
    status: str
    error: str | None
    count: int
    latest: datetime
    example: str  # where one of them was going (a channel or user id)


def problems(session: Session, since: datetime) -> list[Problem]:
    """Permanent failures, missed sends and pending retries since `since`, counted by job,
    state and error (one grouped query, however many recipients are affected)."""
    rows = session.execute(
        select(
            Delivery.job,
            Delivery.status,
            Delivery.last_error,
            func.count(),
            func.max(Delivery.claimed_at),
            func.min(func.coalesce(Delivery.channel, Delivery.recipient)),
        )
        .where(Delivery.status.in_((FAILED, MISSED, RETRY)), Delivery.claimed_at >= since)
        .group_by(Delivery.job, Delivery.status, Delivery.last_error)
    )
    found = [
        Problem(job, status, error, count, latest, example)
        for job, status, error, count, latest, example in rows
    ]
    return sorted(found, key=lambda problem: problem.latest, reverse=True)


def backlog(session: Session) -> dict[str, int]:
    """How many messages are claimed (being sent) and waiting to retry, over every job."""
    rows = session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.status.in_((QUEUED, SENDING, RETRY)))
        .group_by(Delivery.status)
    )
    return {str(status): int(count) for status, count in rows.tuples()}


@dataclass(frozen=True)
class RunCounts:
    sent: int
    failed: int  # permanent errors
    retrying: int
    missed: int


def record_run(
    session: Session,
    job: str,
    *,
    started: datetime,
    finished: datetime,
    counts: RunCounts,
    error: str | None,
    next_send: datetime | None,
) -> None:
    run = session.get(JobRun, job)
    if run is None:
        try:
            with session.begin_nested():
                session.add(JobRun(job=job))
        except IntegrityError:
            pass  # another scheduler recorded its first run at the same moment
        run = session.get_one(JobRun, job)
    run.last_started_at = started
    run.last_finished_at = finished
    run.last_sent = counts.sent
    run.last_failed = counts.failed
    run.last_retrying = counts.retrying
    run.last_missed = counts.missed
    run.last_error = error[:500] if error else None
    run.next_send_at = next_send


def job_runs(session: Session) -> dict[str, JobRun]:
    return {run.job: run for run in session.scalars(select(JobRun))}
