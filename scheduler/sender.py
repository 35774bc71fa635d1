"""Posting claimed messages: a few threads within Slack's rate limits, each message with
metadata naming its ledger key, looked up in the conversation's history first when an
earlier attempt may have posted it; failures sorted into retry-later and stop-now."""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient

from blocks.common import Message
from runtime.slack_client import wait_out_rate_limit
from scheduler import telemetry
from scheduler.slack_errors import SendFailure, classify
from services.charts import ChartFile
from services.uploads import conversation_id, share_charts
from store import deliveries
from store.db import mark_background_thread
from store.deliveries import Claim, LedgerKey

if TYPE_CHECKING:
    from services.context import BotContext

log = logging.getLogger(__name__)

# Threads posting at once. Slack allows chat.postMessage about one message per second per
# conversation and bursts well above this across conversations; a 429 pauses them all.
SEND_CONCURRENCY = 8
# Consecutive transient failures after which a run stops claiming (Slack is down): the
# rest wait for the next tick instead of each failing in turn.
OUTAGE_AFTER = 3
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(minutes=10)
EVENT_TYPE = "salesbot_scheduled_message"
HISTORY_PAGES = 5  # of 200 messages: a cut-off send is looked for among the latest 1,000


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


def backoff(attempts: int) -> timedelta:
    """How long to leave a transient failure before the next attempt (with jitter, so a
    recovered Slack is not met by every retry at once)."""
    delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)


def ledger_metadata(key: LedgerKey) -> dict[str, Any]:
    """Slack message metadata naming the ledger row, found again in history after a crash."""
    return {"event_type": EVENT_TYPE, "event_payload": key.payload()}


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
        self._pool = ThreadPoolExecutor(
            max_workers=threads,
            thread_name_prefix=f"send-{job}",
            initializer=mark_background_thread,
        )
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
        mark_background_thread()
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
