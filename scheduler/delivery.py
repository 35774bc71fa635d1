"""Sending scheduled messages exactly once: claim in the ledger, post, record.

A run finds who is due, reads the ledger for all of them at once, and for each message not
yet settled composes it, claims it (with what it says, so a later attempt sends the same)
and hands it to the senders (`scheduler.sender`), which post it with Slack message metadata
naming its ledger key. Transient failures are retried on later ticks with backoff until the
message stops being useful; permanent ones stop at once. Earlier periods still owed are
sent late where still useful, otherwise recorded as missed.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from slack_sdk import WebClient

from blocks.common import Message, readable_text
from sales.localtime import zone
from scheduler import telemetry
from scheduler.job import Job, Recipient, period_of, send_time_of
from scheduler.sender import SEND_CONCURRENCY, Outcome, Send, Sender, holder_is_gone
from scheduler.slack_errors import MISSED_NOTHING_KEPT, MISSED_TOO_LATE, missed_until
from services.charts import CHARTS, ChartFile
from store import deliveries
from store.deliveries import Claim, LedgerKey

if TYPE_CHECKING:
    from services.context import BotContext

log = logging.getLogger(__name__)

BACKLOG_PER_RUN = 500  # earlier periods' retries and cut-off claims taken per run
# Messages about one day (pacing, follow-ups) are worth sending until that day ends for the
# recipient; alerts, prompts and digests until they are sent.
SAME_DAY_ATTRIBUTE = "useful_on_its_day_only"


@dataclass
class RunReport:
    job: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    next_send: datetime | None = None

    def count(self, *outcomes: Outcome) -> int:
        return sum(1 for value in self.outcomes.values() if value in outcomes)


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


# Fields that name whom a recipient is, not when they are due.
_IDENTITY_FIELDS = frozenset({"key", "channel", "person_id", "team_id", "instalment_id"})


def earliest_send(job: Job, recipients: list[Recipient], now: datetime) -> datetime | None:
    """The soonest next send among `recipients`, worked out once per distinct schedule
    (time zone, calendar, slot, …) rather than once per recipient."""
    seen: dict[Recipient, datetime | None] = {}
    for recipient in recipients:
        blank = {f.name: None for f in fields(recipient) if f.name in _IDENTITY_FIELDS}
        blank.update(key="", channel="")
        schedule = replace(recipient, **blank)
        if schedule not in seen:
            seen[schedule] = next_send(job, recipient, now)
    return min((when for when in seen.values() if when is not None), default=None)


def useful_until(job: Job, recipient: Recipient, day: date) -> datetime | None:
    """Until when the message for `day` is worth sending (None: until it is sent)."""
    if not getattr(job, SAME_DAY_ATTRIBUTE, False):
        return None
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone(recipient.tz))


# --- what a claim keeps: the message, its destination and its charts --------------------


def pack(channel: str, message: Message) -> dict[str, Any]:
    body = dict(message)
    charts: list[ChartFile] = body.pop(CHARTS, [])
    return {
        "channel": channel,
        "message": body,
        "charts": [
            {
                "filename": chart.filename,
                "title": chart.title,
                "alt_text": chart.alt_text,
                "note": chart.note,
                "png": base64.b64encode(chart.png).decode("ascii"),
            }
            for chart in charts
        ],
    }


def unpack(payload: dict[str, Any]) -> tuple[str, Message, list[ChartFile]]:
    charts = [
        ChartFile(
            filename=item["filename"],
            title=item["title"],
            png=base64.b64decode(item["png"]),
            alt_text=item["alt_text"],
            note=item.get("note"),
        )
        for item in payload.get("charts", [])
    ]
    return str(payload["channel"]), dict(payload["message"]), charts


# --- a run of one job ----------------------------------------------------------------------


def run_deliveries(
    ctx: BotContext,
    client: WebClient,
    job: Job,
    recipients: list[Recipient],
    now: datetime,
    report: RunReport,
    *,
    dry_run: TextIO | None = None,
) -> None:
    """Send every message of `job` due at `now` and not yet settled, then the job's earlier
    periods still owed (late where still useful, otherwise marked missed)."""
    due = list(_due(job, recipients, now, report))
    clock = ctx.clock()
    with ctx.db.reading() as session:
        states = deliveries.states(session, job.name, ((p, r.key) for r, p in due))
    todo = []
    for recipient, period in due:
        state = states.get((period, recipient.key))
        if state is None or state.claimable(clock, holder_is_gone):
            todo.append((recipient, period))
        else:
            report.outcomes[recipient.label] = _SETTLED_OUTCOMES.get(state.status, Outcome.WAITING)
    if dry_run is not None:
        for recipient, period in todo:
            composed, message = _compose(job, ctx, recipient, now, report)
            if composed:
                _show(dry_run, job, recipient, period, message)
                report.outcomes[recipient.label] = Outcome.SHOWN
        return
    sender = Sender(ctx, client, job.name, threads=SEND_CONCURRENCY)
    futures: dict[str, Future[Outcome]] = {}
    try:
        for recipient, period in todo:
            if sender.slack_unavailable:
                report.outcomes[recipient.label] = Outcome.DEFERRED
                continue
            outcome = _claim_and_submit(ctx, sender, job, recipient, period, now, report, futures)
            if outcome is not None:
                report.outcomes[recipient.label] = outcome
        if not sender.slack_unavailable:
            _send_backlog(ctx, sender, job, report, futures)
    finally:
        sender.close()
    for label, future in futures.items():
        report.outcomes[label] = future.result()


# What a run reports for a message the ledger already holds (a live claim is on its way).
_SETTLED_OUTCOMES = {
    deliveries.SENT: Outcome.DONE_BEFORE,
    deliveries.EMPTY: Outcome.DONE_BEFORE,
    deliveries.SENDING: Outcome.IN_PROGRESS,
    deliveries.FAILED: Outcome.FAILED,
    deliveries.MISSED: Outcome.MISSED,
    deliveries.RETRY: Outcome.WAITING,
}


def _due(
    job: Job, recipients: list[Recipient], now: datetime, report: RunReport
) -> Iterator[tuple[Recipient, str]]:
    for recipient in recipients:
        try:
            period = due_period(job, recipient, now)
        except Exception as error:  # one recipient's bad data never stops the others
            log.exception("job %s: could not tell when %s is due", job.name, recipient.label)
            report.errors.append(f"{recipient.label}: {type(error).__name__}")
            continue
        if period is None:
            report.outcomes[recipient.label] = Outcome.NOT_DUE
        else:
            yield recipient, period


def _compose(
    job: Job, ctx: BotContext, recipient: Recipient, now: datetime, report: RunReport
) -> tuple[bool, Message | None]:
    """Whether composing worked, and the message (None: nothing to say). A failure is
    logged and reported, and the message left unclaimed for the next tick."""
    try:
        return True, job.compose(ctx, recipient, recipient.local(now))
    except Exception as error:  # one recipient's failure never stops the others
        log.exception("job %s could not compose for %s", job.name, recipient.label)
        report.errors.append(f"{recipient.label}: {type(error).__name__}")
        report.outcomes[recipient.label] = Outcome.ERROR
        return False, None


def _claim_and_submit(
    ctx: BotContext,
    sender: Sender,
    job: Job,
    recipient: Recipient,
    period: str,
    now: datetime,
    report: RunReport,
    futures: dict[str, Future[Outcome]],
) -> Outcome | None:
    """Compose, claim and hand to a sender thread; an outcome unless one is on its way."""
    local_now = recipient.local(now)
    deadline = useful_until(job, recipient, local_now.date())
    key = LedgerKey(job.name, period, recipient.key)
    composed, message = _compose(job, ctx, recipient, now, report)
    if not composed:
        return Outcome.ERROR
    clock = ctx.clock()
    sender.reserve()
    if sender.slack_unavailable:  # found out while waiting for a slot: claim nothing more
        sender.release()
        return Outcome.DEFERRED
    try:
        with ctx.db.transaction() as session:
            claim = deliveries.claim(
                session,
                key,
                clock,
                owner=sender.owner,
                message=None if message is None else pack(recipient.channel, message),
                useful_until=deadline,
                holder_is_gone=holder_is_gone,
            )
            # Judged at the run's `now`: `jobs run --at` sends as if then.
            if claim is not None and (message is None or _too_late(deadline, now)):
                _settle_unsent(session, claim, message, deadline, clock)
                outcome = Outcome.EMPTY if message is None else Outcome.MISSED
                claim = None
            else:
                outcome = Outcome.DONE_BEFORE
    except Exception:
        sender.release()
        raise
    if claim is None:
        sender.release()
        if outcome is not Outcome.DONE_BEFORE:
            telemetry.SENDS.labels(job.name, outcome.name.lower()).inc()
        return outcome
    assert message is not None
    body = dict(message)
    charts: list[ChartFile] = body.pop(CHARTS, [])
    send = Send(recipient.label, key, claim, recipient.channel, body, charts)
    futures[recipient.label] = sender.submit(send)
    return None


def _too_late(deadline: datetime | None, clock: datetime) -> bool:
    return deadline is not None and clock >= deadline


def _settle_unsent(
    session: Any, claim: Claim, message: Message | None, deadline: datetime | None, clock: datetime
) -> None:
    if message is None:
        deliveries.mark_empty(session, claim.id, clock)
    else:
        assert deadline is not None
        deliveries.mark_missed(session, claim.id, missed_until(f"{deadline:%H:%M}"))


def _send_backlog(
    ctx: BotContext,
    sender: Sender,
    job: Job,
    report: RunReport,
    futures: dict[str, Future[Outcome]],
) -> None:
    """Earlier periods' retries and cut-off claims: sent late (the message claimed then) if
    still useful, otherwise recorded as missed."""
    clock = ctx.clock()
    with ctx.db.transaction() as session:
        claimed = deliveries.claim_backlog(
            session, job.name, clock, owner=sender.owner, limit=BACKLOG_PER_RUN
        )
        rows = [
            (row.period, row.recipient, row.useful_until, row.message, taken)
            for row, taken in claimed
        ]
    for period, recipient_key, deadline, payload, claim in rows:
        label = f"{recipient_key} ({period})"
        key = LedgerKey(job.name, period, recipient_key)
        if _too_late(deadline, clock) or payload is None:
            with ctx.db.transaction() as session:
                reason = MISSED_TOO_LATE if payload is not None else MISSED_NOTHING_KEPT
                deliveries.mark_missed(session, claim.id, reason)
            report.outcomes[label] = Outcome.MISSED
            telemetry.SENDS.labels(job.name, "missed").inc()
            continue
        channel, body, charts = unpack(payload)
        sender.reserve()
        futures[label] = sender.submit(Send(label, key, claim, channel, body, charts))


def _show(
    out: TextIO, job: Job, recipient: Recipient, period: str, message: Message | None
) -> None:
    heading = f"--- {job.name} · {period} · to {recipient.channel} ({recipient.key})"
    body = readable_text(message) if message else "(nothing to send)"
    body += "".join(
        f"\n[chart: {chart.title}]" + (f"\n{chart.note}" if chart.note else "")
        for chart in (message or {}).get(CHARTS, [])
    )
    out.write(f"{heading}\n{body}\n\n")
