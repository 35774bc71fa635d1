"""Shared fixtures: a database per test, the fake Slack Web API, and the real bot on HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot import Bot, build_bot
from runtime.http import http_server, serve_until, wsgi_app
from runtime.settings import Settings
from runtime.worker import InboxWorker
from scheduler.runtime import Scheduler
from services.home import wait_for_refreshes
from store import inbox, replies
from store.db import Database
from tests.support.databases import fresh_database_url
from tests.support.fake_slack import Call, FakeSlack
from tests.support.slack_requests import Response, SlackSender

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token-1234"
ADMIN = "UADMIN1"
REP = "UREP001"
OTHER_REP = "UREP002"
# A Wednesday afternoon in New York, where the reps live.
START = datetime(2026, 11, 18, 20, 0, tzinfo=UTC)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: SQLite by default, PostgreSQL when TEST_DATABASE_URL is set."""
    with fresh_database_url(tmp_path) as url:
        yield url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    fake.add_user(REP, name="rita", real_name="Rita Rep", tz="America/New_York")
    fake.add_user(OTHER_REP, name="oscar", real_name="Oscar Other", tz="Asia/Shanghai")
    fake.add_user(ADMIN, name="ada", real_name="Ada Admin", tz="Europe/London")
    yield fake
    fake.stop()
    assert fake.problems == [], "the bot sent invalid Block Kit:\n" + "\n".join(fake.problems)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class RunningBot:
    """The real bot serving HTTP on a free port, talking to the fake Slack."""

    slack: SlackSender
    fake: FakeSlack
    db: Database
    clock: Clock
    url: str
    settings: Settings
    scheduler: Scheduler
    sleeps: list[float]  # every wait the bot asked for (rate limits), instead of sleeping
    worker: InboxWorker  # processes what the web side accepted, as `python bot.py` does

    def command(
        self, command: str, text: str, user: str = REP, **kwargs: Any
    ) -> tuple[Response, str]:
        response_url = self.fake.response_url()
        response = self.slack.command(
            command, text, user_id=user, response_url=response_url, **kwargs
        )
        return response, response_url

    def reply_to(self, response_url: str, index: int = 0, timeout: float = 5.0) -> dict[str, Any]:
        """The `index`-th message the bot sent to `response_url` (waiting for it)."""

        def found() -> list[Call]:
            calls = [c for c in self.fake.calls("response_url") if c.params["url"] == response_url]
            return calls if len(calls) > index else []

        return self.fake.wait_for(found, timeout)[index].params

    def ask(self, command: str, text: str, user: str = REP) -> dict[str, Any]:
        """Run a command and wait for the bot's ephemeral answer."""
        response, response_url = self.command(command, text, user)
        assert response.status == 200, response.body
        answer = self.reply_to(response_url)
        # Its other replies too, before the test moves the clock (a reply still unsent when
        # the clock jumps past the response_url's 30 minutes becomes a "sorry" DM).
        self.settle()
        return answer

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until the worker has processed every request the bot accepted, and its
        replies are out (or waiting to be retried: Slack failed them)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.db.reading() as session:
                if inbox.waiting(session) == 0 and replies.unsent(session, retrying=False) == 0:
                    return
            assert time.monotonic() < deadline, "accepted requests were not processed in time"
            time.sleep(0.01)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(database_url: str, fake_slack: FakeSlack) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_app_token=None,
        port=0,
        database_url=database_url,
        slack_api_url=fake_slack.api_url,
        admin_user_ids=frozenset({ADMIN}),
        default_currency="USD",
    )


@contextmanager
def serve_bot(
    settings: Settings,
    db: Database,
    fake: FakeSlack,
    clock: Clock,
    prepare: Callable[[Bot], None] = lambda bot: None,
) -> Iterator[RunningBot]:
    """The real bot serving HTTP on a free port until the block ends; `prepare` sees it
    built and not yet started."""
    sleeps: list[float] = []
    bot = build_bot(settings, db, clock, sleep=sleeps.append)
    prepare(bot)
    # The real web and worker paths, in one process as `python bot.py` runs them: each
    # request is recorded and acked, then the worker (woken at once) replays it.
    bot.worker.start()
    server = http_server(wsgi_app(bot.app, db.is_reachable, bot.front_door), "127.0.0.1", 0)
    stop = threading.Event()
    thread = threading.Thread(target=serve_until, args=(server, stop), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    try:
        yield RunningBot(
            slack=SlackSender(url, SIGNING_SECRET),
            fake=fake,
            db=db,
            clock=clock,
            url=url,
            settings=settings,
            scheduler=bot.scheduler,
            sleeps=sleeps,
            worker=bot.worker,
        )
    finally:
        # Home refreshes run in the background after a change: let them finish before
        # the database goes away.
        wait_for_refreshes()
        stop.set()
        thread.join(timeout=5)
        bot.worker.stop()


@pytest.fixture
def running_bot(
    settings: Settings, db: Database, fake_slack: FakeSlack, clock: Clock
) -> Iterator[RunningBot]:
    with serve_bot(settings, db, fake_slack, clock) as bot:
        yield bot
