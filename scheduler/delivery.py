"""Sending scheduled messages exactly once: claim in the ledger, post, record.

A run claims each due message (with what it says, so a later attempt sends the same) and
hands it to a small pool of sender threads, which post it with Slack message metadata
naming its ledger key. Transient failures (rate limits, 5xx, timeouts) are retried on later
ticks with backoff until the message stops being useful; permanent ones stop at once. A
claim whose outcome is unknown (cut off mid-send) is looked up in the conversation's history
by that metadata before anything is posted again.
"""

from __future__ import annotations

import base64
import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any, TextIO

from slack_sdk import WebClient

from blocks.common import Message, readable_text
from runtime.slack_client import wait_out_rate_limit
from sales.localtime import zone
from scheduler import telemetry
from scheduler.job import Job, Recipient, period_of, send_time_of
from scheduler.slack_errors import SendFailure, classify
from services.charts import CHARTS, ChartFile
from services.context import BotContext
from services.uploads import conversation_id, share_charts
from store import deliveries
from store.deliveries import Claim, LedgerKey

log = logging.getLogger(__name__)

# Threads posting at once. Slack allows chat.postMessage about one message per second per
# conversation and bursts well above this across conversations; a 429 pauses them all.
SEND_CONCURRENCY = 8
# Consecutive transient failures after which a run stops claiming (Slack is down): the
# rest wait for the next tick instead of each failing in turn.
OUTAGE_AFTER = 3
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(minutes=10)
BACKLOG_PER_RUN = 500  # earlier periods' retries and cut-off claims taken per run
EVENT_TYPE = "salesbot_scheduled_message"
HISTORY_PAGES = 5  # of 200 messages: a cut-off send is looked for among the latest 1,000
# Messages about one day (pacing, follow-ups) are worth sending until that day ends for the
# recipient; alerts, prompts and digests until they are sent.
SAME_DAY_ATTRIBUTE = "useful_on_its_day_only"


class Outcome(Enum):
    SENT = "sent"
    FOUND = "found sent before a crash"
    EMPTY = "nothing to send"
    RETRYING = "failed, will retry"
    FAILED = "failed, not retried"
    ERROR = "error (see the log)"
    MISSED = "missed"
    WAITING = "waiting to retry"
    DEFERRED = "deferred (Slack unavailable)"
    NOT_DUE = "not due"
    DONE_BEFORE = "sent before"
    IN_PROGRESS = "being sent by another run"
    SHOWN = "shown (dry run)"


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


def backoff(attempts: int) -> timedelta:
    """How long to leave a transient failure before the next attempt (with jitter, so a
    recovered Slack is not met by every retry at once)."""
    delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)


def ledger_metadata(key: LedgerKey) -> dict[str, Any]:
    """Slack message metadata naming the ledger row, found again in history after a crash."""
    return {"event_type": EVENT_TYPE, "event_payload": key.payload()}


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
        )
        for item in payload.get("charts", [])
    ]
    return str(payload["channel"]), dict(payload["message"]), charts


# --- who holds a claim ------------------------------------------------------------------


_HOST = socket.gethostname()[:40]  # a claim's holder fits in deliveries.claimed_by


def sender_id() -> str:
    """Names this process in the claims it holds: host, process id, and a random part."""
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_is_gone(owner: str | None) -> bool:
    """Whether the process holding a claim is known dead (it ran on this host and its
    process is gone): its claims need not wait for their lease to run out."""
    if not owner:
        return True
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


# --- sending ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    """A claimed message, ready to post."""

    label: str
    key: LedgerKey
    claim: Claim
    channel: str
    message: Message
    charts: list[ChartFile]


class Sender:
    """Posts claimed messages on a few threads, within Slack's rate limits, renewing the
    leases of the claims still in flight."""

    def __init__(self, ctx: BotContext, client: WebClient, job: str, *, threads: int) -> None:
        self.ctx = ctx
        self.client = client
        self.job = job
        self.owner = sender_id()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"send-{job}")
        # No more claims out than threads to send them: a claim is made just in time, and
        # when Slack turns out to be down, few have been taken.
        self._slots = threading.BoundedSemaphore(threads)
        self._lock = threading.Lock()
        self._in_flight: set[int] = set()
        self._transient_streak = 0
        self._stop = threading.Event()
        self._heartbeat = threading.Thread(
            target=self._renew_leases, name=f"lease-{job}", daemon=True
        )
        self._heartbeat.start()

    @property
    def slack_unavailable(self) -> bool:
        with self._lock:
            return self._transient_streak >= OUTAGE_AFTER

    def reserve(self) -> None:
        """Wait for room before claiming: a claim should not age in a queue."""
        self._slots.acquire()

    def submit(self, send: Send) -> Future[Outcome]:
        with self._lock:
            self._in_flight.add(send.claim.id)
        return self._pool.submit(self._send, send)

    def release(self) -> None:
        """Give back a reserved slot that was not used for a send."""
        self._slots.release()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._stop.set()
        self._heartbeat.join(timeout=5)

    def _renew_leases(self) -> None:
        every = deliveries.LEASE.total_seconds() / 4
        while not self._stop.wait(every):
            with self._lock:
                ids = sorted(self._in_flight)
            if not ids:
                continue
            try:
                with self.ctx.db.transaction() as session:
                    deliveries.renew(session, ids, self.owner, self.ctx.clock() + deliveries.LEASE)
            except Exception:
                log.exception("could not renew the leases of %d sends", len(ids))

    def _send(self, send: Send) -> Outcome:
        try:
            outcome = self._attempt(send)
        except Exception:  # a bug here must not leave the claim's slot taken
            log.exception("sending %s failed unexpectedly", send.label)
            outcome = self._failed(send, SendFailure("internal_error", True), "chat.postMessage")
        finally:
            with self._lock:
                self._in_flight.discard(send.claim.id)
            self._slots.release()
        telemetry.SENDS.labels(self.job, outcome.name.lower()).inc()
        return outcome

    def _attempt(self, send: Send) -> Outcome:
        wait_out_rate_limit(self.client)
        if send.claim.verify_since is not None:
            try:
                found = self._find_in_history(send)
            except Exception as error:
                failure = classify(error)
                log.warning("could not look for %s in Slack: %s", send.label, failure.code)
                return self._failed(send, replace(failure, code=f"history:{failure.code}"), "")
            if found is not None:
                channel, ts = found
                log.info("%s was posted before it was recorded; recording it", send.label)
                self._record_sent(send, channel, ts)
                return Outcome.FOUND
        try:
            response = self.client.chat_postMessage(
                channel=send.channel, metadata=ledger_metadata(send.key), **send.message
            )
        except Exception as error:
            return self._failed(send, classify(error), "chat.postMessage")
        channel, ts = str(response.get("channel")), response.get("ts")
        self._record_sent(send, channel, ts)
        if send.charts:
            share_charts(self.client, channel, send.charts, thread_ts=ts)
        return Outcome.SENT

    def _record_sent(self, send: Send, channel: str, ts: str | None) -> None:
        with self._lock:
            self._transient_streak = 0
        with self.ctx.db.transaction() as session:
            deliveries.mark_sent(session, send.claim.id, channel, ts, self.ctx.clock())

    def _find_in_history(self, send: Send) -> tuple[str, str] | None:
        """The conversation and ts of the message carrying this ledger key, if Slack has it."""
        assert send.claim.verify_since is not None
        conversation = conversation_id(self.client, send.channel)
        oldest = f"{send.claim.verify_since.timestamp() - 60:.6f}"
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            page = self.client.conversations_history(
                channel=conversation,
                oldest=oldest,
                limit=200,
                include_all_metadata=True,
                cursor=cursor,
            )
            for message in page.get("messages", []):
                metadata = message.get("metadata") or {}
                if (
                    metadata.get("event_type") == EVENT_TYPE
                    and metadata.get("event_payload") == send.key.payload()
                ):
                    return conversation, str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or cursor is None:
                break
        return None

    def _failed(self, send: Send, failure: SendFailure, method: str) -> Outcome:
        method = method or ("conversations.history" if failure.code.startswith("history:") else "")
        telemetry.SLACK_API_ERRORS.labels(method or "unknown", failure.code).inc()
        with self.ctx.db.transaction() as session:
            if failure.transient:
                wait = BACKOFF_MAX if failure.is_config else backoff(send.claim.attempts)
                retry_at = self.ctx.clock() + wait
                deliveries.mark_retry(session, send.claim.id, failure.code, retry_at, send.channel)
            else:
                deliveries.mark_failed(session, send.claim.id, failure.code, send.channel)
        with self._lock:
            if failure.is_config:  # every other send would fail alike: stop the run now
                self._transient_streak = max(self._transient_streak, OUTAGE_AFTER)
            elif failure.transient:
                self._transient_streak += 1
            else:
                self._transient_streak = 0
        if failure.transient:
            log.warning("could not send %s: %s; will try again", send.label, failure.code)
            return Outcome.RETRYING
        log.warning("could not send %s: %s; not retried", send.label, failure.code)
        return Outcome.FAILED


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
        deliveries.mark_missed(session, claim.id, f"too late (useful until {deadline:%H:%M})")


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
                reason = "too late" if payload is not None else "nothing kept to send late"
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
    body += "".join(f"\n[chart: {chart.title}]" for chart in (message or {}).get(CHARTS, []))
    out.write(f"{heading}\n{body}\n\n")
