"""Helpers for the runtime tests: plain HTTP GETs, a root logger put back as it was, and the
fake Slack and environment of the bot run as a subprocess (the chaos tests)."""

from __future__ import annotations

import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.support.fake_slack import FakeSlack

USERS = [f"UCHAOS{n:02d}" for n in range(8)]


def http_get(url: str) -> tuple[int, str]:
    """Status and body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


@pytest.fixture
def restore_root_logger() -> Iterator[logging.Logger]:
    """`configure_logging` (and so `bot.main`) replaces the root handlers; undo that."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def empty_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No environment variables, and the working directory an empty temporary one, whose
    .env (if a test writes one) is the one bot.main reads."""
    for name in list(os.environ):
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def chaos_env(database_url: str, tmp_path: Path) -> Iterator[tuple[FakeSlack, dict[str, str]]]:
    fake = FakeSlack().start()
    for user in USERS:
        fake.add_user(user, tz="America/New_York")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "INBOX_LEASE_SECONDS": "2",
        "SCHEDULER_TICK_MINUTES": "60",
    }
    yield fake, env
    fake.stop()
