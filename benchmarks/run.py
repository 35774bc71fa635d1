"""Time every scheduled job, the Home tab and start-up on a seeded database.

    .venv/bin/python -m benchmarks.seed --database-url URL --size bench
    .venv/bin/python -m benchmarks.run --database-url URL [--at 2026-11-17T16:30:00Z]
        [--jobs daily_pacing,manager_digest] [--no-real] [--no-home] [--no-startup]

Each job runs in a process of its own (so its peak memory is its own), three ways:
- compose: list its recipients and compose every one's message (what the job itself costs);
- dry: `Scheduler.run_job(..., dry_run=...)`, the path of `python bot.py jobs run --dry-run`;
- real: the same, posting to the fake Slack Web API from the tests (this writes the ledger,
  so a second real run finds everything sent: seed again before repeating it).
For each: wall and CPU seconds, SQL statements (a SQLAlchemy cursor event) and the process's
peak resident memory. Then the admin's and a manager's Home tab (gathered, and published to
the fake Slack), and start-up: importing the bot, `python bot.py db upgrade`, `jobs` and
`export teams` end to end (each timed in turn with the libraries' import, the floor), and
`python bot.py run` until it answers.
`--at` defaults to the day the data was seeded for, at 16:30 UTC, when reps in New York, London and
Los Angeles are past their morning send times. The weekly jobs are set due that weekday.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class Meter:
    """Wall time, CPU time and SQL statements of one piece of work."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.statements = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_: Any) -> None:
        self.statements += 1

    def measure(self, work: Callable[[], Any]) -> dict[str, Any]:
        before = self.statements
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        return {
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "statements": self.statements - before,
            "result": result,
        }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def workers_cpu() -> dict[str, float]:
    """CPU seconds of the chart workers so far (stopped, so the kernel counts them), and
    the largest one's peak resident memory."""
    from services.charts import stop_workers

    stop_workers()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu": children.ru_utime + children.ru_stime, "peak_rss_mb": children.ru_maxrss / 1024}


def seeded_day(url: str) -> datetime:
    from sqlalchemy import func, select

    from benchmarks.seed import JOINED_BEFORE
    from store.db import Database
    from store.models import Membership

    db = Database(url)
    with db.reading() as session:
        joined = session.scalar(select(func.max(Membership.joined_on)))
    db.dispose()
    assert joined is not None, "seed the database first (python -m benchmarks.seed)"
    return datetime.combine(joined + JOINED_BEFORE, clock_time(16, 30), tzinfo=UTC)


def context_for(url: str, at: datetime, fake_url: str | None) -> tuple[Any, Any, Any]:
    from bot import build_context
    from runtime.settings import Settings
    from store.db import Database

    settings = Settings(
        slack_bot_token="xoxb-benchmark",
        slack_signing_secret="benchmark-secret",
        slack_app_token=None,
        database_url=url,
        slack_api_url=fake_url or "http://127.0.0.1:9/api/",
        admin_user_ids=frozenset({"UM0000000"}),
        finance_channel="CFINANCE1",
        weekly_digest_day=at.weekday(),
        case_prompt_weekday=at.weekday(),
    )
    from dataclasses import replace

    from scheduler.registry import all_jobs
    from scheduler.runtime import Scheduler

    db = Database(url)
    ctx, client = build_context(settings, db, clock=lambda: at)
    # As bot.py wires it: the admin Home shows the scheduler's health.
    scheduler = Scheduler(ctx, client, all_jobs(settings))
    return replace(ctx, job_statuses=scheduler.status), client, db


def one_job(url: str, name: str, at: datetime, real: bool, dry: bool = True) -> dict[str, Any]:
    """The three runs of one job, in this (child) process."""
    from scheduler.delivery import Outcome
    from scheduler.registry import all_jobs
    from scheduler.runtime import Scheduler
    from tests.support.fake_slack import FakeSlack

    fake = FakeSlack(validate=False).start()
    ctx, client, db = context_for(url, at, fake.api_url)
    meter = Meter(db.engine)
    job = next(job for job in all_jobs(ctx.settings) if job.name == name)

    def compose_all() -> dict[str, int]:
        # Each message is dropped once counted, as a run drops it once sent.
        recipients = job.recipients(ctx)
        messages = sum(job.compose(ctx, r, r.local(at)) is not None for r in recipients)
        return {"recipients": len(recipients), "messages": messages}

    found: dict[str, Any] = {"job": name, "start_rss_mb": peak_rss_mb()}
    composed = meter.measure(compose_all)
    found["compose"] = composed
    # The peak so far is the compose's own (the process has done nothing bigger before).
    found["compose_rss_mb"] = peak_rss_mb()
    found["compose_workers"] = workers_cpu()
    scheduler = Scheduler(ctx, client, all_jobs(ctx.settings))
    if dry:
        shown = meter.measure(lambda: scheduler.run_job(name, now=at, dry_run=io.StringIO()))
        shown["result"] = {"shown": shown["result"].count(Outcome.SHOWN)}
        found["dry"] = shown
    if real:
        sent = meter.measure(lambda: scheduler.run_job(name, now=at))
        report = sent["result"]
        sent["result"] = {
            "sent": report.count(Outcome.SENT),
            "empty": report.count(Outcome.EMPTY),
            "failed": report.count(Outcome.FAILED),
        }
        found["real"] = sent
    found["peak_rss_mb"] = peak_rss_mb()
    fake.stop()
    db.dispose()
    return found


def homes(url: str, at: datetime) -> dict[str, Any]:
    from blocks.home import HomeState
    from services.home import gather_home, publish_home
    from store.people import get_person
    from tests.support.fake_slack import FakeSlack

    fake = FakeSlack(validate=False).start()
    ctx, client, db = context_for(url, at, fake.api_url)
    meter = Meter(db.engine)
    found: dict[str, Any] = {}
    for label, user_id in (("admin", "UM0000000"), ("manager", "UM0000001")):
        with db.reading() as session:
            person = get_person(session, user_id)
        assert person is not None
        gathered = meter.measure(lambda p=person: gather_home(ctx, p, HomeState()))
        gathered["result"] = None
        found[f"{label} Home, gathered"] = gathered
        published = meter.measure(lambda u=user_id: publish_home(ctx, client, u))
        published["result"] = None
        found[f"{label} Home, published"] = published
    found["peak_rss_mb"] = peak_rss_mb()
    fake.stop()
    db.dispose()
    return found


# Each command line is timed this many times, the commands in turn, so that all of them see
# the same spells of a busy host: the range is reported, and the libraries' import (the
# floor no command can go below) is timed among them.
STARTUP_ROUNDS = 5


def startup(url: str) -> dict[str, list[float]]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    libraries = "sqlalchemy.orm, slack_sdk, dotenv" + (", psycopg" if "psycopg" in url else "")
    commands = {
        f"floor: python -c 'import {libraries}'": [sys.executable, "-c", f"import {libraries}"],
        "python -c 'import bot'": [sys.executable, "-c", "import bot"],
        "python bot.py db upgrade": [sys.executable, "bot.py", "db", "upgrade"],
        "python bot.py jobs": [sys.executable, "bot.py", "jobs"],
        "python bot.py export teams": [sys.executable, "bot.py", "export", "teams"],
    }

    def timed(arguments: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(arguments, cwd=ROOT, env=env, check=True, capture_output=True)
        return time.perf_counter() - started

    found: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(STARTUP_ROUNDS):
        for label, arguments in commands.items():
            found[label].append(timed(arguments))
    found["python bot.py run, until GET /healthz answers"] = [serving(env)]
    return found


def serving(env: dict[str, str]) -> float:
    """Seconds from starting `python bot.py run` (HTTP mode, the fake Web API) to its first
    200 on GET /healthz; the scheduler's first tick starts meanwhile, in the background."""
    import socket
    import urllib.request

    from tests.support.fake_slack import FakeSlack

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake = FakeSlack(validate=False).start()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "bot.py", "run"],
        cwd=ROOT,
        env={
            **env,
            "PORT": str(port),
            "SLACK_BOT_TOKEN": "xoxb-benchmark",
            "SLACK_SIGNING_SECRET": "benchmark-secret",
            "SLACK_API_URL": fake.api_url,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except OSError:
                if process.poll() is not None:
                    raise SystemExit("python bot.py run stopped before serving") from None
                time.sleep(0.02)
    finally:
        # Killed, not stopped: a clean stop waits for the first tick (every job) to end.
        process.kill()
        process.wait()
        fake.stop()


def child(arguments: list[str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", *arguments],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark child failed: {result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def row(label: str, run: dict[str, Any]) -> str:
    return (
        f"| {label} | {run['wall']:.2f} | {run['cpu']:.2f} | {run['statements']} | "
        f"{json.dumps(run.get('result') or {})} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--at", type=datetime.fromisoformat)
    parser.add_argument("--jobs", help="comma-separated job names (default: all)")
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--no-dry", action="store_true", help="compose (and real) runs only")
    parser.add_argument("--no-home", action="store_true")
    parser.add_argument("--no-startup", action="store_true")
    parser.add_argument("--child", choices=["job", "home"], help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    args = parser.parse_args()
    at = args.at or seeded_day(args.database_url)
    if args.child == "job":
        found = one_job(args.database_url, args.name, at, not args.no_real, not args.no_dry)
        print(json.dumps(found, default=str))
        return
    if args.child == "home":
        print(json.dumps(homes(args.database_url, at), default=str))
        return

    from scheduler.registry import all_jobs

    names = args.jobs.split(",") if args.jobs else None
    common = ["--database-url", args.database_url, "--at", at.isoformat()]
    print(f"at {at.isoformat()}\n")
    print("| job, run | wall s | CPU s | statements | outcome |")
    print("|---|---|---|---|---|")
    context, _, _ = context_for(args.database_url, at, None)
    for job in all_jobs(context.settings):
        if names and job.name not in names:
            continue
        extra = ["--no-real"] * args.no_real + ["--no-dry"] * args.no_dry
        found = child([*common, "--child", "job", "--name", job.name, *extra])
        for kind in ("compose", "dry", "real"):
            if kind in found:
                print(row(f"{job.name}, {kind}", found[kind]), flush=True)
        workers = found["compose_workers"]
        if workers["cpu"]:
            print(
                f"| {job.name}, chart workers | | {workers['cpu']:.2f} (all) | | "
                f"largest peak RSS {workers['peak_rss_mb']:.0f} MB |",
                flush=True,
            )
        print(
            f"| {job.name}, peak RSS | {found['compose_rss_mb']:.0f} MB composing, "
            f"{found['peak_rss_mb']:.0f} MB all runs ({found['start_rss_mb']:.0f} MB at start) "
            "| | | |",
            flush=True,
        )
    if not args.no_home:
        found = child([*common, "--child", "home"])
        rss = found.pop("peak_rss_mb")
        for label, run in found.items():
            print(row(label, run), flush=True)
        print(f"| Home, peak RSS | {rss:.0f} MB | | | |")
    if not args.no_startup:
        for label, seconds in startup(args.database_url).items():
            spread = f" ({min(seconds):.2f}-{max(seconds):.2f})" if len(seconds) > 1 else ""
            print(f"| start-up: {label} | {statistics.median(seconds):.2f}{spread} | | | |")


if __name__ == "__main__":
    main()
