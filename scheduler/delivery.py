"""Sending one scheduled message exactly once: claim in the ledger, post, record."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from typing import TextIO

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from blocks.common import Message, readable_text
from scheduler.job import Job, Recipient, period_of, send_time_of
from services.charts import CHARTS, ChartFile
from services.context import BotContext
from services.uploads import share_charts
from store import deliveries

log = logging.getLogger(__name__)


class Outcome(Enum):
    SENT = "sent"
    EMPTY = "nothing to send"
    FAILED = "failed"
    NOT_DUE = "not due"
    DONE_BEFORE = "sent before"
    SHOWN = "shown (dry run)"


@dataclass
class RunReport:
    job: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for value in self.outcomes.values() if value is outcome)


def due_period(job: Job, recipient: Recipient, now: datetime) -> str | None:
    """The period `recipient` is owed a message for at `now`, if any."""
    local_now = recipient.local(now)
    day: date = local_now.date()
    if not recipient.calendar.is_working_day(day):
        return None
    if local_now.time() < send_time_of(job, recipient):
        return None
    return period_of(job, day, recipient)


def next_send(job: Job, recipient: Recipient, now: datetime) -> datetime | None:
    """When this recipient's next message falls due (within the next few weeks)."""
    local_now = recipient.local(now)
    for offset in range(0, 45):
        day = local_now.date() + timedelta(days=offset)
        at = datetime.combine(day, send_time_of(job, recipient), tzinfo=local_now.tzinfo)
        if (
            at > local_now
            and recipient.calendar.is_working_day(day)
            and period_of(job, day, recipient)
        ):
            return at
    return None


def deliver(
    ctx: BotContext,
    client: WebClient,
    job: Job,
    recipient: Recipient,
    now: datetime,
    *,
    dry_run: TextIO | None = None,
) -> Outcome:
    period = due_period(job, recipient, now)
    if period is None:
        return Outcome.NOT_DUE
    with ctx.db.reading() as session:
        if deliveries.is_settled(session, job.name, period, recipient.key):
            return Outcome.DONE_BEFORE
    message = job.compose(ctx, recipient, recipient.local(now))
    if dry_run is not None:
        _show(dry_run, job, recipient, period, message)
        return Outcome.SHOWN
    # Claim in a transaction of its own, committed before posting, so that every other
    # scheduler sees the claim and stays away.
    with ctx.db.transaction() as session:
        delivery_id = deliveries.claim(session, job.name, period, recipient.key, now)
    if delivery_id is None:
        return Outcome.DONE_BEFORE
    if message is None:
        with ctx.db.transaction() as session:
            deliveries.mark_sent(session, delivery_id, None, None, now, empty=True)
        return Outcome.EMPTY
    return _post(ctx, client, delivery_id, recipient, message, now)


def _post(
    ctx: BotContext,
    client: WebClient,
    delivery_id: int,
    recipient: Recipient,
    message: Message,
    now: datetime,
) -> Outcome:
    # Charts ride along with a message: uploaded into its thread once it is out.
    message = dict(message)
    charts: list[ChartFile] = message.pop(CHARTS, [])
    try:
        response = client.chat_postMessage(channel=recipient.channel, **message)
    except SlackApiError as error:
        reason = str(error.response.get("error", "unknown_error"))
        log.warning("could not send to %s: %s; will try again", recipient.key, reason)
        with ctx.db.transaction() as session:
            deliveries.mark_failed(session, delivery_id, reason)
        return Outcome.FAILED
    except Exception as error:  # a network failure must not stop the others
        log.exception("could not send to %s", recipient.key)
        with ctx.db.transaction() as session:
            deliveries.mark_failed(session, delivery_id, type(error).__name__)
        return Outcome.FAILED
    with ctx.db.transaction() as session:
        deliveries.mark_sent(
            session, delivery_id, str(response.get("channel")), response.get("ts"), now
        )
    if charts:
        share_charts(client, str(response.get("channel")), charts, thread_ts=response.get("ts"))
    return Outcome.SENT


def _show(
    out: TextIO, job: Job, recipient: Recipient, period: str, message: Message | None
) -> None:
    heading = f"--- {job.name} · {period} · to {recipient.channel} ({recipient.key})"
    body = readable_text(message) if message else "(nothing to send)"
    body += "".join(f"\n[chart: {chart.title}]" for chart in (message or {}).get(CHARTS, []))
    out.write(f"{heading}\n{body}\n\n")
