"""GET /healthz tells a load balancer or orchestrator whether the bot can do its job."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator

import pytest

from bot import build_bot
from runtime.http import http_server, serve_until, wsgi_app
from runtime.settings import Settings
from store.db import Database
from tests.conftest import RunningBot
from tests.runtime.conftest import http_get

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/x"


def test_healthy_bot_reports_ok(running_bot: RunningBot) -> None:
    status, body = http_get(f"{running_bot.url}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}


@pytest.fixture
def serve() -> Iterator[Callable[[Database, Settings], str]]:
    """Serve the bot, with a given database, the way bot.run does; yields a starter."""
    running: list[tuple[threading.Event, threading.Thread]] = []

    def start(db: Database, settings: Settings) -> str:
        bot = build_bot(settings, db)
        server = http_server(wsgi_app(bot.app, db.is_reachable), "127.0.0.1", 0)
        stop = threading.Event()
        thread = threading.Thread(target=serve_until, args=(server, stop), daemon=True)
        thread.start()
        running.append((stop, thread))
        return f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]

    yield start
    for stop, thread in running:
        stop.set()
        thread.join(timeout=5)


def test_unreachable_database_reports_503(
    serve: Callable[[Database, Settings], str],
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    db = Database(UNREACHABLE)
    try:
        url = serve(db, settings)
        with caplog.at_level(logging.WARNING):
            status, body = http_get(f"{url}/healthz")
    finally:
        db.dispose()
    assert status == 503
    assert json.loads(body) == {"status": "error", "database": "unreachable"}
    # The operator finds out why in the log.
    assert "database health check failed" in caplog.text


def test_unknown_paths_are_not_found(running_bot: RunningBot) -> None:
    for path in ("/", "/health", "/healthz/extra", "/slack/other"):
        status, _ = http_get(f"{running_bot.url}{path}")
        assert status == 404, path
