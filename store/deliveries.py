"""The delivery ledger: who has been sent which scheduled message for which period."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import Delivery, JobRun

SENDING = "sending"
SENT = "sent"
EMPTY = "empty"  # nothing to say this period (e.g. no follow-ups): done, and no message
FAILED = "failed"
MAX_ATTEMPTS = 5
# A send claimed this long ago and never finished was cut off (crash, kill -9): try again.
STALE_CLAIM = timedelta(minutes=15)


def claim(session: Session, job: str, period: str, recipient: str, now: datetime) -> int | None:
    """Take the right to send this message; the delivery id, or None if it is not ours.

    Not ours: already sent, being sent by another process, or given up on. Every path is a
    single INSERT or a conditional UPDATE, so two schedulers can never both win.
    """
    delivery = Delivery(job=job, period=period, recipient=recipient, status=SENDING, attempts=1)
    delivery.claimed_at = now
    try:
        with session.begin_nested():
            session.add(delivery)
        return delivery.id
    except IntegrityError:
        pass
    existing = session.scalar(
        select(Delivery).where(
            Delivery.job == job, Delivery.period == period, Delivery.recipient == recipient
        )
    )
    if existing is None or existing.status in (SENT, EMPTY) or existing.attempts >= MAX_ATTEMPTS:
        return None
    if existing.status == SENDING and now - existing.claimed_at < STALE_CLAIM:
        return None
    retaken = session.execute(
        update(Delivery)
        .where(
            Delivery.id == existing.id,
            Delivery.status == existing.status,
            Delivery.attempts == existing.attempts,
        )
        .values(status=SENDING, attempts=existing.attempts + 1, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return existing.id if retaken.rowcount == 1 else None


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
    session: Session,
    delivery_id: int,
    channel: str | None,
    message_ts: str | None,
    now: datetime,
    *,
    empty: bool = False,
) -> None:
    delivery = session.get_one(Delivery, delivery_id)
    delivery.status = EMPTY if empty else SENT
    delivery.sent_at = now
    delivery.channel = channel
    delivery.message_ts = message_ts
    delivery.last_error = None


def mark_failed(session: Session, delivery_id: int, error: str) -> None:
    delivery = session.get_one(Delivery, delivery_id)
    delivery.status = FAILED
    delivery.last_error = error[:200]


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


def record_run(
    session: Session,
    job: str,
    *,
    started: datetime,
    finished: datetime,
    sent: int,
    failed: int,
    error: str | None,
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
    run.last_sent = sent
    run.last_failed = failed
    run.last_error = error[:500] if error else None


def job_runs(session: Session) -> dict[str, JobRun]:
    return {run.job: run for run in session.scalars(select(JobRun))}
