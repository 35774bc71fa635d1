"""How long the scheduler takes to send many DMs: the delivery path alone.

Runs one synthetic job with N recipients (composing is a constant message, so this measures
claiming, posting, recording and the ledger, not the jobs' numbers) through the real
`run_deliveries` against the fake Slack Web API from the tests, with every chat.postMessage
answered after a delay like Slack's round trip. Prints the wall time, messages per second,
ledger statements, and checks every message went out once.

    .venv/bin/python -m benchmarks.send_volume [--recipients 2000] [--slack-delay 0.05]
        [--database-url URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import event

from blocks.common import Message
from bot import build_context
from runtime.settings import Settings
from sales.workdays import WorkCalendar, calendar_for
from scheduler.delivery import Outcome, RunReport, run_deliveries
from scheduler.job import Recipient
from scheduler.sender import SEND_CONCURRENCY
from services.context import BotContext
from store.db import Database
from tests.support.fake_slack import FakeSlack

NOW = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)  # a Wednesday, 09:30 in New York


class Announcement:
    """A daily DM to every recipient at 09:00 their time."""

    name = "benchmark_announcement"
    summary = "benchmark"
    useful_on_its_day_only = True

    def __init__(self, recipients: list[Recipient]) -> None:
        self._recipients = recipients

    def send_time(self) -> clock_time:
        return clock_time(9, 0)

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        return local_day.isoformat()

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return self._recipients

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message:
        return {"text": f"Good morning {recipient.key}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--slack-delay", type=float, default=0.05)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FakeSlack(validate=False) as fake:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        db = Database(url)
        db.upgrade()
        settings = Settings(
            slack_bot_token="xoxb-benchmark",
            slack_signing_secret="benchmark",
            slack_app_token=None,
            database_url=url,
            slack_api_url=fake.api_url,
        )
        ctx, client = build_context(settings, db, clock=lambda: NOW)
        calendar = calendar_for(None)
        recipients = [
            Recipient(f"UV{n:06d}", f"UV{n:06d}", "America/New_York", calendar)
            for n in range(args.recipients)
        ]
        job = Announcement(recipients)
        fake.slow_down("chat.postMessage", args.slack_delay)
        statements = Counter[str]()

        @event.listens_for(db.engine, "before_cursor_execute")
        def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            statements[statement.split()[0].upper()] += 1

        report = RunReport(job=job.name)
        started = time.perf_counter()
        run_deliveries(ctx, client, job, recipients, NOW, report)
        elapsed = time.perf_counter() - started
        sent = report.count(Outcome.SENT)
        posts = Counter(call.params["channel"] for call in fake.calls("chat.postMessage"))
        print(
            f"{args.recipients} recipients, {SEND_CONCURRENCY} senders, Slack answering in "
            f"{args.slack_delay * 1000:.0f} ms, {db.engine.dialect.name}\n"
            f"sent {sent} in {elapsed:.1f} s ({sent / elapsed:.0f} messages/s); "
            f"posted twice: {sum(1 for n in posts.values() if n > 1)}\n"
            f"statements: {dict(statements)}"
        )
        # A second run finds everything settled with one ledger read.
        statements.clear()
        again = RunReport(job=job.name)
        started = time.perf_counter()
        run_deliveries(ctx, client, job, recipients, NOW, again)
        print(
            f"second run: {again.count(Outcome.DONE_BEFORE)} sent before, "
            f"{time.perf_counter() - started:.2f} s, statements: {dict(statements)}"
        )
        db.dispose()


if __name__ == "__main__":
    main()
