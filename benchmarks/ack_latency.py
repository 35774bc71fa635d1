"""Ack and reply latency of the real bot against a bare Bolt app (the floor), same run.

Starts the fake Slack Web API in its own process (users.info delayed, as a slow Slack
would be), the floor app (benchmarks/floor_app.py), and the bot as two processes,
`bot.py web` and `bot.py worker`, on a temporary SQLite database (or --database-url).
Sends signed /visit commands to each, one at a time and in rounds of 16 at once, then
again while the worker's scheduler composes and sends the daily pacing DM to 1,000 seeded
reps. Prints ack p50/p99 (until the HTTP 200), reply p99 (until the answer reached the
response_url) and the ratio to the floor's p99.

    .venv/bin/python -m benchmarks.ack_latency [--requests 320] [--slack-delay 0.2]
        [--recipients 1000] [--database-url URL]

Goals (issue 9): ack p99 within 1.3x of the floor at concurrency 16, reply p99 under 1 s,
and ack p99 within 1.5x of the floor while the job runs.
"""

from __future__ import annotations

import argparse
import multiprocessing
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
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sales.periods import month_of
from store import targets, teams
from store.db import Database
from store.people import save_profile
from tests.runtime.test_chaos import BotProcess, free_port
from tests.support.databases import fresh_database_url
from tests.support.fake_slack import Call, FakeSlack
from tests.support.slack_requests import SlackSender

SECRET = "benchmark-signing-secret"
TOKEN = "xoxb-benchmark-token"
REPO = Path(__file__).resolve().parents[1]
USERS = [f"UBENCH{n:03d}" for n in range(50)]


class LoggingFakeSlack(FakeSlack):
    """The fake Web API, writing each answer at a response_url and each DM to a log."""

    def __init__(self, log: Path) -> None:
        super().__init__(validate=False)
        self._log = log.open("a", buffering=1)
        self._log_lock = threading.Lock()

    def _record(self, call: Call) -> None:
        super()._record(call)
        with self._log_lock:
            if call.method == "response_url":
                self._log.write(f"reply {call.params['url']} {time.monotonic()}\n")
            elif call.method == "chat.postMessage":
                self._log.write(f"post {call.params.get('channel')} {time.monotonic()}\n")


def serve_fake_slack(log: Path, delay: float, urls: int, pipe: Connection) -> None:
    """In its own process, so serving the bot's Web API calls takes no CPU from the client
    that measures (it would count against the bot and not the floor)."""
    fake = LoggingFakeSlack(log).start()
    slow_users_info(fake, delay)
    pipe.send((fake.api_url, [fake.response_url() for _ in range(urls)]))
    pipe.recv()  # until told to stop
    fake.stop()


class FakeSlackProcess:
    def __init__(self, workdir: Path, delay: float, urls: int = 5000) -> None:
        self.log = workdir / "fake-slack.log"
        self.log.touch()
        self._pipe, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(
            target=serve_fake_slack, args=(self.log, delay, urls, child), daemon=True
        )
        self._process.start()
        self.api_url, urls_given = self._pipe.recv()
        self._urls = iter(urls_given)
        self._lock = threading.Lock()

    def response_url(self) -> str:
        with self._lock:
            return next(self._urls)

    def answered_at(self) -> dict[str, float]:
        answered: dict[str, float] = {}
        for line in self.log.read_text().splitlines():
            parts = line.split(" ")
            if len(parts) != 3:
                continue  # the last line, still being written
            kind, target, at = parts
            if kind == "reply":
                answered.setdefault(target, float(at))
        return answered

    def posts_to(self, prefix: str) -> int:
        lines = self.log.read_text().splitlines()
        return sum(1 for line in lines if line.startswith(f"post {prefix}"))

    def stop(self) -> None:
        self._pipe.send("stop")
        self._process.join(10)


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


class Client:
    """Signed /visit commands to one app; for the bot, each round's replies are awaited
    before the next round (people type, they do not flood)."""

    def __init__(self, fake: FakeSlackProcess, url: str, label: str, replies: bool) -> None:
        self.fake = fake
        self.sender = SlackSender(url, SECRET)
        self.run = Run(label)
        self.replies = replies
        self.sent: dict[str, float] = {}

    def send(self, number: int) -> None:
        response_url = self.fake.response_url()
        start = time.monotonic()
        self.sent[response_url] = start
        response = self.sender.command(
            "/visit", f"Customer {number % 40}: benchmark visit {number}; next: call back friday",
            user_id=USERS[number % len(USERS)], response_url=response_url,
        )  # fmt: skip
        self.run.acks.append(time.monotonic() - start)
        if response.status != 200:
            raise SystemExit(f"{self.run.label}: HTTP {response.status}: {response.body}")

    def round(self, pool: ThreadPoolExecutor, numbers: range) -> None:
        list(pool.map(self.send, numbers))
        deadline = time.monotonic() + 10
        while self.replies and time.monotonic() < deadline:
            if set(self.sent) <= self.fake.answered_at().keys():
                break
            time.sleep(0.01)

    def result(self) -> Run:
        if self.replies:
            answered = self.fake.answered_at()
            self.run.replies = [answered[u] - t for u, t in self.sent.items() if u in answered]
            if len(self.run.replies) < len(self.sent):
                print(f"  {self.run.label}: {len(self.sent) - len(self.run.replies)} unanswered")
        return self.run


def measure(clients: list[Client], count: int, concurrency: int) -> list[Run]:
    """Rounds of `concurrency` commands sent at once, to each client in turn: the floor and
    the bot see the same background load (the machine is shared)."""
    with ThreadPoolExecutor(concurrency) as pool:
        for first in range(0, count, concurrency):
            for client in clients:
                client.round(pool, range(first, min(count, first + concurrency)))
    return [client.result() for client in clients]


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
    parser.add_argument("--requests", type=int, default=320)
    parser.add_argument("--slack-delay", type=float, default=0.2, help="seconds per users.info")
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="salesbot-bench-"))
    # On PostgreSQL, a schema of its own, dropped afterwards: every run starts empty.
    with fresh_database_url(workdir, "bench", args.database_url) as database_url:
        run(args, workdir, database_url)


def run(args: argparse.Namespace, workdir: Path, database_url: str) -> None:
    fake = FakeSlackProcess(workdir, args.slack_delay)
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
        measure([Client(fake, floor_url, "warm-up", False), Client(fake, web.url, "warm-up", True)],
                64, 8)  # fmt: skip
        for concurrency in (1, 16):
            count = args.requests // (3 if concurrency == 1 else 1)
            floor_run, bot_run = measure([
                Client(fake, floor_url, f"floor, concurrency {concurrency}", False),
                Client(fake, web.url, f"bot, concurrency {concurrency}", True),
            ], count, concurrency)  # fmt: skip
            report(floor_run, None)
            report(bot_run, floor_run)
        # The worker's scheduler, restarted with the pacing DM due now for every seeded
        # rep, composes and sends them while the web process keeps acking.
        seed_pacing_recipients(database_url, args.recipients, datetime.now(UTC).date())
        worker.stop()
        due = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%H:%M")
        worker = BotProcess("worker", {**env, "PACING_TIME": due}, workdir / "worker.log")
        worker.start()
        time.sleep(2)  # into composing
        floor_run, bot_run = measure([
            Client(fake, floor_url, "floor, c16, job running", False),
            Client(fake, web.url, "bot, c16, job running", True),
        ], args.requests, 16)  # fmt: skip
        report(floor_run, None)
        report(bot_run, floor_run)
        sent = fake.posts_to("UPACE")
        print(f"\n{sent} of {args.recipients} pacing DMs sent by the end of the measurement "
              "(fewer: the job was still composing throughout)")  # fmt: skip
    finally:
        web.stop()
        worker.stop()
        floor.terminate()
        fake.stop()


if __name__ == "__main__":
    threading.current_thread().name = "benchmark"
    main()
