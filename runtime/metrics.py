"""Prometheus metrics for GET /metrics, on prometheus_client's default registry (other
modules add their own metrics to it the same way)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from store import inbox
from store.db import Database

log = logging.getLogger(__name__)

REQUESTS = Counter(
    "salesbot_slack_requests_total",
    "Requests Slack sent the bot, by kind and the HTTP status of the ack.",
    ["kind", "status"],
)
ACK_SECONDS = Histogram(
    "salesbot_ack_seconds",
    "Time from receiving a Slack request to its ack, by kind.",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
)
INBOX_PROCESSED = Counter(
    "salesbot_inbox_processed_total",
    "Accepted requests a worker finished, by kind and outcome "
    "(done, unhandled, abandoned, taken_over).",
    ["kind", "outcome"],
)
INBOX_WAITING = Gauge(
    "salesbot_inbox_waiting",
    "Requests acknowledged to Slack and not yet processed (read from the database).",
)
REPLIES_SENT = Counter(
    "salesbot_replies_total",
    "Attempts to send a recorded reply, by outcome (response_url, dm, dm found in history, "
    "retrying, failed, taken over).",
    ["outcome"],
)
LISTENER_FAILURES = Counter(
    "salesbot_listener_failures_total",
    "Listener runs that failed and sent the person an apology.",
)


def watch_inbox(db: Database) -> None:
    """Make the waiting gauge read `db` at every scrape."""
    INBOX_WAITING.set_function(_waiting_in(db))


def _waiting_in(db: Database) -> Callable[[], float]:
    def count() -> float:
        try:
            with db.reading() as session:
                return float(inbox.waiting(session))
        except Exception:
            log.warning("could not count the inbox for /metrics", exc_info=True)
            return float("nan")

    return count


def exposition() -> tuple[bytes, str]:
    """The scrape body and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
