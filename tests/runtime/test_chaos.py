"""Acknowledged means durable: the real bot, as a subprocess, killed with SIGKILL mid-burst.

Every /visit the bot acknowledged is stored exactly once after a restart, and its person
gets an answer at its response_url. A reply repeats only when its sender was cut off
posting it to the response_url and before recording that (Slack keeps no record of such a
post to look up; see the README, "What the bot promises"), so at most one repeat per reply
sender thread is allowed. DMs are exactly once (tests/runtime/test_replies.py).

The same holds in Socket Mode, where the commands come as envelopes over the bot's socket
to the local Socket Mode server and an ack is the envelope's acknowledgement: the restarted
bot opens a new connection to the same server and finishes what the dead one acked.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from runtime.outbox import DEFAULT_THREADS as SENDER_THREADS
from store import inbox
from store.db import Database
from store.visits import all_visits
from tests.conftest import SIGNING_SECRET
from tests.runtime.conftest import USERS, http_get
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender
from tests.support.socket_mode import APP_TOKEN, FakeSocketMode, SocketModeSender

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class BotProcess:
    """`python bot.py [role]` in its own process, pointed at the fake Slack."""

    role: str | None
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BotProcess:
        args = [sys.executable, str(REPO / "bot.py"), *([self.role] if self.role else [])]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                args, env={**self.env, "PORT": str(self.port)}, cwd=self.log.parent,
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if http_get(f"{self.url}/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"{self.role or 'bot'} did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Burst:
    """Signed /visit commands, each with its own response_url and a token in its note;
    with `socket_mode`, the same commands as envelopes over the bot's socket instead."""

    fake: FakeSlack
    socket_mode: FakeSocketMode | None = None
    distinct_users: bool = False  # each command from someone new: a users.info each
    acked: dict[int, str] = field(default_factory=dict)  # command number → response_url
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, url: str, number: int) -> None:
        response_url = self.fake.response_url()
        sender = self.sender(url)
        text = f"Acme Corp: chaos note token-{number:04d}"
        try:
            response = sender.command(
                "/visit", text, user_id=self.user(number), response_url=response_url
            )
        except OSError:
            return  # the bot died before answering: not acknowledged, nothing promised
        if response.status == 200 and response.body == "":
            with self.lock:
                self.acked[number] = response_url

    def sender(self, url: str) -> SlackSender:
        if self.socket_mode is None:
            return SlackSender(url, SIGNING_SECRET, timeout=5)
        # A dead bot has no connection: such a command is refused at once, not after 10 s.
        return SocketModeSender(self.socket_mode, connect_timeout=1)

    def user(self, number: int) -> str:
        return f"UNEW{number:04d}" if self.distinct_users else USERS[number % len(USERS)]

    def run(self, url: str, count: int, *, kill_after: int | None = None, kill: Any = None) -> None:
        """Send `count` commands, 8 at a time; call `kill` once `kill_after` are acked."""
        killed = threading.Event()

        def one(number: int) -> None:
            if killed.is_set():
                return
            self.send(url, number)
            if kill_after is not None and len(self.acked) >= kill_after and not killed.is_set():
                with self.lock:
                    if not killed.is_set():
                        killed.set()
                        kill()

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(one, range(count)))

    def replies(self) -> Counter[str]:
        return Counter(call.params["url"] for call in self.fake.calls("response_url"))

    def wait_until_answered(self, timeout: float = 20) -> Counter[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = self.replies()
            if all(replies[url] >= 1 for url in self.acked.values()):
                return replies
            time.sleep(0.1)
        missing = [n for n, url in self.acked.items() if self.replies()[url] == 0]
        raise AssertionError(f"acknowledged commands never answered: {missing}")


def stored_tokens(database_url: str) -> Counter[int]:
    db = Database(database_url)
    try:
        with db.reading() as session:
            return Counter(int(visit.notes.rsplit("token-", 1)[1]) for visit in all_visits(session))
    finally:
        db.dispose()


def inbox_rows(database_url: str) -> list[Any]:
    db = Database(database_url)
    try:
        with db.reading() as session:
            return inbox.all_requests(session)
    finally:
        db.dispose()


def assert_exactly_once(burst: Burst, database_url: str, replies: Counter[str]) -> None:
    stored = stored_tokens(database_url)
    lost = sorted(set(burst.acked) - set(stored))
    assert lost == [], f"acknowledged and never stored: {lost}"
    twice = sorted(number for number, count in stored.items() if count > 1)
    assert twice == [], f"stored more than once: {twice}"
    repeated = {n: replies[url] for n, url in burst.acked.items() if replies[url] > 1}
    assert len(repeated) <= SENDER_THREADS, f"answered more than once: {repeated}"


def test_a_bot_killed_mid_burst_loses_and_repeats_nothing_it_acknowledged(
    chaos_env: tuple[FakeSlack, dict[str, str]], database_url: str, tmp_path: Path
) -> None:
    fake, env = chaos_env
    bot = BotProcess(None, env, tmp_path / "bot.log").start()
    burst = Burst(fake)
    try:
        burst.run(bot.url, 200, kill_after=60, kill=bot.kill)
        assert 60 <= len(burst.acked) < 200, "the kill came too late to test anything"
        bot = BotProcess(None, env, tmp_path / "bot.log", port=bot.port).start()
        replies = burst.wait_until_answered()
        assert_exactly_once(burst, database_url, replies)
    finally:
        bot.stop()


def test_a_worker_killed_mid_processing_loses_and_repeats_nothing(
    chaos_env: tuple[FakeSlack, dict[str, str]], database_url: str, tmp_path: Path
) -> None:
    fake, env = chaos_env

    def slow_users_info(params: dict[str, Any]) -> dict[str, Any]:
        # Keeps each request in the worker long enough to be cut off by the kill.
        time.sleep(0.2)
        return {"ok": True, "user": fake.add_user(params["user"], tz="America/New_York")}

    fake.respond_with("users.info", slow_users_info)
    web = BotProcess("web", env, tmp_path / "web.log").start()
    worker = BotProcess("worker", env, tmp_path / "worker.log").start()
    burst = Burst(fake, distinct_users=True)
    try:
        burst.run(web.url, 60)
        assert len(burst.acked) == 60, "the web process acks every command"
        deadline = time.monotonic() + 10
        while sum(burst.replies().values()) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        worker.kill()
        cut_off = [
            row for row in inbox_rows(database_url) if row.claimed_at and not row.finished_at
        ]
        assert cut_off, "the kill found no request in the worker's hands"
        worker = BotProcess("worker", env, tmp_path / "worker.log", port=worker.port).start()
        replies = burst.wait_until_answered()
        assert_exactly_once(burst, database_url, replies)
        assert all(row.finished_at for row in inbox_rows(database_url))
    finally:
        worker.stop()
        web.stop()


@pytest.fixture
def socket_mode_env(
    chaos_env: tuple[FakeSlack, dict[str, str]],
) -> Iterator[tuple[FakeSlack, FakeSocketMode, dict[str, str]]]:
    """chaos_env in Socket Mode: an app token and no signing secret; apps.connections.open
    hands out the local Socket Mode server's URL."""
    fake, env = chaos_env
    server = FakeSocketMode().start()
    fake.use_socket_mode(server.connection_url)
    env = {**env, "SLACK_APP_TOKEN": APP_TOKEN}
    del env["SLACK_SIGNING_SECRET"]
    yield fake, server, env
    server.stop()


def test_a_socket_mode_bot_killed_mid_burst_loses_and_repeats_nothing_it_acknowledged(
    socket_mode_env: tuple[FakeSlack, FakeSocketMode, dict[str, str]],
    database_url: str,
    tmp_path: Path,
) -> None:
    fake, server, env = socket_mode_env
    bot = BotProcess(None, env, tmp_path / "bot.log").start()
    server.wait_connected()
    burst = Burst(fake, socket_mode=server)
    try:
        burst.run(bot.url, 200, kill_after=60, kill=bot.kill)
        assert 60 <= len(burst.acked) < 200, "the kill came too late to test anything"
        bot = BotProcess(None, env, tmp_path / "bot.log", port=bot.port).start()
        server.wait_connected(connections=2)
        replies = burst.wait_until_answered()
        assert_exactly_once(burst, database_url, replies)
        assert len(fake.calls("apps.connections.open")) == 2
        assert server.problems == [], "an envelope acked twice, or never sent"
    finally:
        bot.stop()
