"""Ack and reply latency of the real bot against a bare Bolt app (the floor), same run.

Starts the fake Slack Web API (users.info delayed, as a slow Slack would be), the floor app
(benchmarks/floor_app.py), and the bot as two processes, `bot.py web` and `bot.py worker`,
on a temporary SQLite database (or --database-url). Sends signed /visit commands at
concurrency 1 and 16 to each, then again while a worker process composes the 1,000-recipient
daily pacing job (`bot.py jobs run daily_pacing`, the scheduler's own path). Prints ack
p50/p99 (until the HTTP 200), reply p99 (until the answer reached the response_url) and
the ratios to the floor.

    .venv/bin/python -m benchmarks.ack_latency [--requests 300] [--slack-delay 0.2]
        [--recipients 1000] [--database-url URL]

Goals (issue 9): ack p99 within 1.3x of the floor at concurrency 16, reply p99 under 1 s,
and ack p99 within 1.5x of the floor while the job runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sales.periods import month_of
from store import targets, teams
from store.db import Database
from store.people import save_profile
from tests.runtime.test_chaos import BotProcess, free_port
from tests.support.fake_slack import Call, FakeSlack
from tests.support.slack_requests import SlackSender

SECRET = "benchmark-signing-secret"
TOKEN = "xoxb-benchmark-token"
REPO = Path(__file__).resolve().parents[1]
USERS = [f"UBENCH{n:03d}" for n in range(50)]


class TimedFakeSlack(FakeSlack):
    """The fake Web API, noting when each response_url got its answer."""

    def __init__(self) -> None:
        super().__init__(validate=False)
        self.answered_at: dict[str, float] = {}

    def _record(self, call: Call) -> None:
        if call.method == "response_url":
            self.answered_at.setdefault(call.params["url"], time.perf_counter())
        super()._record(call)


@dataclass
class Run:
    label: str
    acks: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def slow_users_info(fake: FakeSlack, delay: float) -> None:
    def answer(params: dict[str, Any]) -> dict[str, Any]:
        time.sleep(delay)
        return {
            "ok": True,
            "user": fake.add_user(params.get("user", "UNKNOWN"), tz="Asia/Shanghai"),
        }

    fake.respond_with("users.info", answer)


def burst(fake: TimedFakeSlack, url: str, count: int, concurrency: int, label: str,
          expect_replies: bool) -> Run:  # fmt: skip
    """`count` commands in rounds of `concurrency` sent at once; for the bot, each round's
    replies are awaited before the next round (people type, they do not flood)."""
    sender = SlackSender(url, SECRET)
    run = Run(label)
    sent: dict[str, float] = {}

    def one(number: int) -> None:
        response_url = fake.response_url()
        start = time.perf_counter()
        sent[response_url] = start
        response = sender.command(
            "/visit", f"Customer {number % 40}: benchmark visit {number}; next: call back friday",
            user_id=USERS[number % len(USERS)], response_url=response_url,
        )  # fmt: skip
        run.acks.append(time.perf_counter() - start)
        if response.status != 200:
            raise SystemExit(f"{label}: HTTP {response.status}: {response.body}")

    with ThreadPoolExecutor(concurrency) as pool:
        for first in range(0, count, concurrency):
            list(pool.map(one, range(first, min(count, first + concurrency))))
            deadline = time.monotonic() + 10
            while expect_replies and time.monotonic() < deadline:
                if all(u in fake.answered_at for u in sent):
                    break
                time.sleep(0.005)
    if expect_replies:
        run.replies = [fake.answered_at[u] - t for u, t in sent.items() if u in fake.answered_at]
        if len(run.replies) < len(sent):
            print(f"  {label}: {len(sent) - len(run.replies)} replies never came")
    return run


def seed_pacing_recipients(database_url: str, count: int, today: date) -> None:
    """`count` reps on one team, each with a visits target this month: a pacing DM each."""
    db = Database(database_url)
    now = datetime.now(UTC)
    with db.transaction() as session:
        team = teams.create_team(session, "Benchmark", "UBENCHADMIN")
        session.flush()
        for number in range(count):
            person = save_profile(
                session, f"UPACE{number:05d}", display_name=f"rep {number}",
                tz="UTC", locale=None, synced_at=now,
            )  # fmt: skip
            session.flush()
            teams.add_to_team(session, team, person.id, teams.MEMBER, today - timedelta(days=40),
                              "UBENCHADMIN")  # fmt: skip
            targets.set_target(
                session, owner=person, metric="visits", period=month_of(today),
                amount=Decimal(20), currency=None, actor="UBENCHADMIN",
            )  # fmt: skip
    db.dispose()


def report(run: Run, floor: Run | None) -> None:
    p50, p99 = percentile(run.acks, 0.5), percentile(run.acks, 0.99)
    line = f"{run.label:<34} ack p50 {p50 * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms"
    if floor is not None:
        line += f"  ({p99 / percentile(floor.acks, 0.99):4.2f}x floor p99)"
    if run.replies:
        line += f"  reply p99 {percentile(run.replies, 0.99) * 1000:6.0f} ms"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--slack-delay", type=float, default=0.2, help="seconds per users.info")
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="salesbot-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    fake = TimedFakeSlack().start()
    slow_users_info(fake, args.slack_delay)
    env = {
        "PATH": os.environ.get("PATH", ""), "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "SCHEDULER_TICK_MINUTES": "60",
        "PYTHONPATH": str(REPO),
    }  # fmt: skip
    floor_port = free_port()
    floor = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.floor_app", str(floor_port), SECRET, fake.api_url],
        cwd=REPO, env=env,
    )  # fmt: skip
    web = BotProcess("web", env, workdir / "web.log").start()
    worker = BotProcess("worker", env, workdir / "worker.log").start()
    floor_url = f"http://127.0.0.1:{floor_port}"
    print(f"database {database_url}; users.info delayed {args.slack_delay:.2f} s; "
          f"{os.cpu_count()} CPUs\n")  # fmt: skip
    try:
        # Warm-up: imports, connections, auth.test, the first profiles.
        burst(fake, floor_url, 50, 8, "warm-up", expect_replies=False)
        burst(fake, web.url, 60, 8, "warm-up", expect_replies=True)
        for concurrency in (1, 16):
            count = args.requests // (3 if concurrency == 1 else 1)
            base = burst(fake, floor_url, count, concurrency, f"floor, concurrency {concurrency}",
                         expect_replies=False)  # fmt: skip
            report(base, None)
            run = burst(fake, web.url, count, concurrency, f"bot, concurrency {concurrency}",
                        expect_replies=True)  # fmt: skip
            report(run, base)
        # The worker's scheduler, restarted with the pacing DM due now for every seeded
        # rep, composes and sends them while the web process keeps acking.
        seed_pacing_recipients(database_url, args.recipients, datetime.now(UTC).date())
        worker.stop()
        due = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%H:%M")
        worker = BotProcess("worker", {**env, "PACING_TIME": due}, workdir / "worker.log")
        worker.start()
        time.sleep(2)  # into composing
        base = burst(fake, floor_url, args.requests, 16, "floor, c16, job running", False)
        report(base, None)
        run = burst(fake, web.url, args.requests, 16, "bot, c16, job running", True)
        report(run, base)
        sent = len(pacing_dms(fake))
        print(f"\n{sent} of {args.recipients} pacing DMs sent by the end of the measurement "
              "(fewer: the job was still composing throughout)")  # fmt: skip
    finally:
        web.stop()
        worker.stop()
        floor.terminate()
        fake.stop()


def pacing_dms(fake: FakeSlack) -> list[Call]:
    return [c for c in fake.calls("chat.postMessage") if c.params["channel"].startswith("UPACE")]


if __name__ == "__main__":
    threading.current_thread().name = "benchmark"
    main()
