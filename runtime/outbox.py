"""Sending the reply outbox: each answer a worker recorded goes out once, and is retried
until it does.

A reply goes to its request's `response_url` while Slack still takes it (30 minutes), else
by DM, headed "Sorry for the delay" when late. A DM carries Slack message metadata naming
the reply's key; a DM whose post was cut off (the sender died before recording it) is
looked for in the DM's history before it is posted again. Rate limits, Slack's 5xx,
timeouts and broken connections are retried with backoff; an error Slack gives on purpose
(`user_not_found`, …) ends the reply, logged. A post to a response_url that was cut off
cannot be looked up: it is posted again (see the README, "What the bot promises").
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from blocks.common import Message, delayed_reply, notice
from runtime.claiming import ClaimLoop
from runtime.metrics import REPLIES_SENT
from runtime.readers import reader_language
from runtime.slack_client import REQUEST_TIMEOUT_SECONDS, wait_out_rate_limit
from sales.localtime import utc_now
from scheduler.sender import holder_is_gone, sender_id
from scheduler.slack_errors import classify
from services.uploads import conversation_id
from store import replies
from store.db import Database
from store.replies import ClaimedReply

log = logging.getLogger(__name__)
# A response_url works for 30 minutes after the request; leave a margin for the send.
RESPONSE_URL_LIFETIME = timedelta(minutes=29)
EVENT_TYPE = "salesbot_reply"
RETRY_FIRST = timedelta(seconds=2)
RETRY_MAX = timedelta(minutes=1)
POLL_SECONDS = 0.2
HISTORY_PAGES = 3  # of 200 messages: a cut-off DM is looked for among the latest 600
DEFAULT_LEASE = timedelta(seconds=30)
DEFAULT_THREADS = 8  # replies posted at once by one sender
# A DM post cut off (its sender died, or the call timed out) may still reach Slack until
# the call's own timeout has run out: its history is looked at only after that.
POST_IN_FLIGHT = timedelta(seconds=REQUEST_TIMEOUT_SECONDS + 5)


class Transient(Exception):
    """Slack could not take the reply now; try again later."""


class PostMayBeInFlight(Transient):
    """A DM post cut off moments ago may still be on its way into Slack's history: look
    for it there from `retry_at`, not before (it would not be found, and be posted twice)."""

    def __init__(self, retry_at: datetime) -> None:
        super().__init__(f"an earlier post may still be reaching Slack; looking after {retry_at}")
        self.retry_at = retry_at


class PermanentFailure(Exception):
    """Slack refused the reply on purpose: trying again cannot help."""


def retry_delay(attempts: int) -> timedelta:
    delay = min(RETRY_MAX, RETRY_FIRST * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)


def reply_metadata(key: str) -> dict[str, Any]:
    """Slack message metadata naming the reply, found again in the DM's history."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def direct_message(reply: ClaimedReply, now: datetime) -> Message:
    """What a reply says as a DM: the same text and blocks, headed by an apology when it
    comes after its response_url stopped working."""
    answer = reply.message
    message: Message = {"text": answer.get("text", ""), "blocks": answer.get("blocks", [])}
    if now - reply.asked_at > RESPONSE_URL_LIFETIME:
        return delayed_reply(message, reply.asked_at, reader_language(reply.user_id))
    return message if message["blocks"] else notice(message["text"])


class ReplySender(ClaimLoop):
    """Claims recorded replies and posts them on a few threads; any number of senders can
    share a database (claims are leases, as in the inbox)."""

    def __init__(
        self,
        db: Database,
        client: WebClient,
        *,
        lease: timedelta = DEFAULT_LEASE,
        threads: int = DEFAULT_THREADS,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__("reply-sender", threads, POLL_SECONDS)
        self.db = db
        self.client = client
        self.lease = lease
        self.clock = clock  # wall-clock time: response_url lifetimes are real
        self.owner = sender_id()

    def _claim(self, free: int) -> list[ClaimedReply]:
        now = self.clock()
        with self.db.reading() as session:
            orphans = replies.held_by(session, holder_is_gone)
            waiting = bool(orphans) or replies.due(session, now, self.lease)
        if not waiting:
            return []
        with self.db.transaction() as session:
            return replies.claim(session, self.owner, now, self.lease, free, orphans)

    def _handle(self, reply: ClaimedReply) -> None:
        self.deliver(reply)

    def submit(self, answers: Sequence[ClaimedReply]) -> None:
        """Send one request's replies, recorded already claimed by this sender (by the worker,
        straight after its commit: no poll to wait for, no claim of its own), in the order
        they were given, on one of the sender's threads so the worker's thread goes on to the
        next request."""
        assert self._pool is not None
        if answers:
            self._pool.submit(self._deliver_in_order, list(answers))

    def _deliver_in_order(self, answers: list[ClaimedReply]) -> None:
        for reply in answers:  # a card, then the question about it: never the other way round
            self.deliver(reply)

    def deliver(self, reply: ClaimedReply) -> None:
        """Send a reply claimed by this sender and record the outcome; never raises."""
        try:
            outcome = self.send(reply)
        except Transient as error:
            outcome = "retrying"
            log.warning("could not send reply %s yet (%s); will try again", reply.key, error)
            retry_at = (
                error.retry_at
                if isinstance(error, PostMayBeInFlight)
                else self.clock() + retry_delay(reply.attempts)
            )
            with self.db.transaction() as session:
                replies.mark_retry(session, reply.id, self.owner, str(error), retry_at)
        except Exception as error:
            outcome = "failed"
            log.error("could not send reply %s: %s; not retried", reply.key, error,
                      exc_info=not isinstance(error, PermanentFailure))  # fmt: skip
            with self.db.transaction() as session:
                replies.mark_failed(session, reply.id, self.owner, str(error), self.clock())
        REPLIES_SENT.labels(outcome).inc()

    def send(self, reply: ClaimedReply) -> str:
        """Post one claimed reply and record how it went out; raises Transient to retry."""
        now = self.clock()
        url_valid = reply.response_url and now - reply.asked_at <= RESPONSE_URL_LIFETIME
        # Once a DM may have gone out, the reply stays a DM (looked for before posting).
        if url_valid and reply.dm_posted_at is None and self._post_to_url(reply):
            self._record(reply, replies.SENT_AT_RESPONSE_URL)
            return replies.SENT_AT_RESPONSE_URL
        if not reply.user_id:
            raise PermanentFailure("neither a working response_url nor a person to DM")
        if reply.dm_posted_at is not None and now < reply.dm_posted_at + POST_IN_FLIGHT:
            raise PostMayBeInFlight(reply.dm_posted_at + POST_IN_FLIGHT)
        wait_out_rate_limit(self.client)
        try:
            if reply.dm_posted_at is not None and self._found_in_history(reply):
                log.info("reply %s was posted before it was recorded; recording it", reply.key)
                self._record(reply, replies.FOUND_IN_HISTORY)
                return replies.FOUND_IN_HISTORY
            with self.db.transaction() as session:
                if not replies.mark_dm_posting(session, reply.id, self.owner, now):
                    return "taken over"
            self.client.chat_postMessage(
                channel=reply.user_id, metadata=reply_metadata(reply.key),
                **direct_message(reply, now),
            )  # fmt: skip
        except Exception as error:
            failure = classify(error)
            if failure.transient:
                raise Transient(failure.code) from error
            raise PermanentFailure(failure.code) from error
        self._record(reply, replies.SENT_BY_DM)
        return replies.SENT_BY_DM

    def _post_to_url(self, reply: ClaimedReply) -> bool:
        """True once Slack took it; False when the URL is spent (expired, used five times):
        a DM instead. Slack busy or unreachable: Transient, the URL is tried again."""
        assert reply.response_url is not None
        try:
            status = WebhookClient(reply.response_url, timeout=10).send_dict(reply.message)
        except Exception as error:
            raise Transient(classify(error).code) from error
        if status.status_code == 200:
            return True
        if status.status_code == 429 or status.status_code >= 500:
            raise Transient(f"response_url http_{status.status_code}")
        log.info("response_url answered %s; sending a DM instead", status.status_code)
        return False

    def _found_in_history(self, reply: ClaimedReply) -> bool:
        assert reply.dm_posted_at is not None
        assert reply.user_id is not None
        channel = conversation_id(self.client, reply.user_id)
        oldest = f"{reply.dm_posted_at.timestamp() - 60:.6f}"
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            page = self.client.conversations_history(
                channel=channel, oldest=oldest, limit=200, include_all_metadata=True,
                cursor=cursor,
            )  # fmt: skip
            for message in page.get("messages", []):
                metadata = message.get("metadata") or {}
                if metadata.get("event_type") == EVENT_TYPE and (
                    (metadata.get("event_payload") or {}).get("key") == reply.key
                ):
                    return True
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or cursor is None:
                return False
        return False

    def _record(self, reply: ClaimedReply, outcome: str) -> None:
        with self.db.transaction() as session:
            replies.mark_sent(session, reply.id, self.owner, outcome, self.clock())
