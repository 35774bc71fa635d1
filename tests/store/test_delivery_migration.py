"""Upgrading a ledger written before leases and retries: old failures become retries (they
were counted against five attempts; now only permanent errors stop), old claims wait to be
looked up in Slack, and old run records keep their counts."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from store import deliveries
from store.db import Database, _alembic_config

CLAIMED = datetime(2026, 11, 18, 14, 1, tzinfo=UTC)


def test_an_old_ledger_is_carried_over(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "0004")
        with db.engine.begin() as connection:
            for status, recipient in (("failed", "U1"), ("sending", "U2"), ("sent", "U3")):
                connection.execute(
                    text(
                        "INSERT INTO deliveries (job, period, recipient, status, attempts,"
                        " claimed_at) VALUES ('daily_pacing', '2026-11-18', :r, :s, 5, :at)"
                    ),
                    {"r": recipient, "s": status, "at": CLAIMED.replace(tzinfo=None)},
                )
            connection.execute(
                text(
                    "INSERT INTO job_runs (job, last_sent, last_failed)"
                    " VALUES ('daily_pacing', 3, 1)"
                )
            )
        db.upgrade()
        with db.reading() as session:
            rows = {d.recipient: d for d in deliveries.deliveries(session)}
            runs = deliveries.job_runs(session)
        assert {key: row.status for key, row in rows.items()} == {
            "U1": deliveries.RETRY,
            "U2": deliveries.SENDING,
            "U3": deliveries.SENT,
        }
        # The old claim has no lease: any sender may take it, after looking in Slack.
        key = deliveries.LedgerKey("daily_pacing", "2026-11-18", "U2")
        with db.transaction() as session:
            claim = deliveries.claim(
                session, key, CLAIMED, owner="me", message=None, useful_until=None
            )
        assert claim is not None
        assert claim.verify_since == CLAIMED
        run = runs["daily_pacing"]
        assert (run.last_sent, run.last_failed, run.last_retrying, run.last_missed) == (3, 1, 0, 0)
    finally:
        db.dispose()
