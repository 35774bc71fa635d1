"""How fast the bot acknowledges Slack, even when Slack's own API is slow.

Starts the real bot in HTTP mode on a temporary SQLite database, points it at the fake
Slack Web API from the tests with every users.info call delayed, and sends signed slash
commands: first one at a time, then many at once. Prints latency percentiles and the
process's peak memory.

    .venv/bin/python -m benchmarks.ack_latency [--requests 200] [--concurrency 20]
        [--slack-delay 0.5] [--database-url URL]

Slack gives an app 3 seconds to acknowledge; the goal is a p99 far below that whatever the
Web API or database is doing.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot import build_bot
from runtime.http import http_server, serve_until, wsgi_app
from runtime.settings import Settings
from store.db import Database
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender

SECRET = "benchmark-signing-secret"
USERS = [f"UBENCH{n:03d}" for n in range(50)]


def slow_users_info(fake: FakeSlack, delay: float) -> None:
    def answer(params: dict[str, Any]) -> dict[str, Any]:
        time.sleep(delay)
        user_id = params.get("user", "UNKNOWN")
        return {"ok": True, "user": {"id": user_id, "name": user_id.lower(), "tz": "Asia/Shanghai",
                                     "profile": {"display_name": user_id.lower()}}}  # fmt: skip

    fake.respond_with("users.info", answer)


def timed(send: Any) -> float:
    start = time.perf_counter()
    response = send()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise SystemExit(f"the bot answered {response.status}: {response.body}")
    return elapsed


def report(label: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    pick = lambda share: ordered[min(len(ordered) - 1, int(share * len(ordered)))]  # noqa: E731
    print(
        f"{label:<28} n={len(ordered):<4} p50={statistics.median(ordered) * 1000:6.1f} ms  "
        f"p95={pick(0.95) * 1000:6.1f} ms  p99={pick(0.99) * 1000:6.1f} ms  "
        f"max={ordered[-1] * 1000:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--slack-delay", type=float, default=0.5, help="seconds per users.info")
    parser.add_argument("--database-url")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="salesbot-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    fake = FakeSlack(validate=False).start()
    slow_users_info(fake, args.slack_delay)
    settings = Settings(
        slack_bot_token="xoxb-benchmark",
        slack_signing_secret=SECRET,
        slack_app_token=None,
        database_url=url,
        slack_api_url=fake.api_url,
    )
    db = Database(url)
    db.upgrade()
    bot = build_bot(settings, db)
    server = http_server(wsgi_app(bot.app, db.is_reachable), "127.0.0.1", 0)
    stop = threading.Event()
    thread = threading.Thread(target=serve_until, args=(server, stop), daemon=True)
    thread.start()
    sender = SlackSender(f"http://127.0.0.1:{server.effective_port}", SECRET)  # type: ignore[union-attr]

    def visit(n: int) -> Any:
        return sender.command(
            "/visit", f"Customer {n % 40}: benchmark visit {n}; next: call back by friday",
            user_id=USERS[n % len(USERS)], response_url=fake.response_url(),
        )  # fmt: skip

    def deal(n: int) -> Any:
        return sender.command(
            "/deal", f"new Customer {n % 40}; Deal {n}; {n}k",
            user_id=USERS[n % len(USERS)], response_url=fake.response_url(),
        )  # fmt: skip

    print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
    print(f"users.info delayed by {args.slack_delay:.2f} s on every call\n")
    report("/visit one at a time", [timed(lambda n=n: visit(n)) for n in range(args.requests)])
    report("/deal one at a time", [timed(lambda n=n: deal(n)) for n in range(args.requests)])
    with ThreadPoolExecutor(args.concurrency) as pool:
        burst = list(pool.map(lambda n: timed(lambda: visit(n)), range(args.requests)))
    report(f"/visit {args.concurrency} at once", burst)

    replies = lambda: len(fake.calls("response_url"))  # noqa: E731
    expected = 3 * args.requests
    fake.wait_for(lambda: replies() >= expected, timeout=600)
    print(f"\nall {expected} replies posted after the acks")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole process, incl. the fake Slack): {peak:.0f} MB")
    stop.set()
    thread.join(timeout=10)
    fake.stop()


if __name__ == "__main__":
    main()
