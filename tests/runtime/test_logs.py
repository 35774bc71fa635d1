"""Tokens and the signing secret never reach a log line, at any level, tracebacks included."""

from __future__ import annotations

import io
import logging
import threading
from typing import Any

import pytest

import store.visits
from runtime.logs import RedactSecrets, configure_logging
from store.models import Visit
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, RunningBot
from tests.support.reading import text_of

APP_TOKEN = "xapp-1-A0001-1234567890-abcdef"
SECRETS = [BOT_TOKEN, SIGNING_SECRET, APP_TOKEN]
OTHER_TOKENS = ["xoxb-999-888-someoneelses", "xoxp-111-222-333-userpasted"]


def logger_into(buffer: io.StringIO, secrets: list[str]) -> logging.Logger:
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    log = logging.getLogger(f"salesbot.test_logs.{id(buffer)}")
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(logging.DEBUG)
    return log


def test_our_secrets_and_any_slack_token_are_redacted() -> None:
    out = io.StringIO()
    log = logger_into(out, SECRETS)
    log.info("bot %s secret %s app %s", BOT_TOKEN, SIGNING_SECRET, APP_TOKEN)
    log.warning("pasted: %s and %s", *OTHER_TOKENS)
    log.debug(f"headers {{'Authorization': 'Bearer {BOT_TOKEN}'}}")
    written = out.getvalue()
    for secret in SECRETS + OTHER_TOKENS:
        assert secret not in written
    assert "[redacted]" in written
    assert "bot " in written
    assert "pasted: " in written
    assert len(written.splitlines()) == 3


def test_secrets_inside_a_traceback_are_redacted() -> None:
    out = io.StringIO()
    log = logger_into(out, SECRETS)
    try:
        raise RuntimeError(f"auth failed for {BOT_TOKEN} / {SIGNING_SECRET} / {OTHER_TOKENS[1]}")
    except RuntimeError:
        log.exception("request failed with %s", APP_TOKEN)
    written = out.getvalue()
    assert "Traceback (most recent call last)" in written
    assert "RuntimeError: auth failed for" in written
    for secret in SECRETS + OTHER_TOKENS:
        assert secret not in written


def test_configure_logging_installs_the_filter_on_the_root_handler(
    restore_root_logger: logging.Logger,
) -> None:
    configure_logging("WARNING", SECRETS)
    [handler] = restore_root_logger.handlers
    out = io.StringIO()
    handler.setStream(out)  # type: ignore[attr-defined]
    assert restore_root_logger.level == logging.WARNING
    logging.getLogger("slack_sdk.anything").warning("token=%s", BOT_TOKEN)
    logging.getLogger("salesbot").info("below the level %s", BOT_TOKEN)
    written = out.getvalue()
    assert "token=[redacted]" in written
    assert BOT_TOKEN not in written
    assert "below the level" not in written


def test_a_debug_run_of_the_bot_logs_no_secret(
    running_bot: RunningBot,
    restore_root_logger: logging.Logger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure_logging("DEBUG", running_bot.settings.secrets())
    [handler] = restore_root_logger.handlers
    out = io.StringIO()
    handler.setStream(out)  # type: ignore[attr-defined]

    # A visit whose notes carry a pasted user token: the card echoes them, and slack_sdk
    # logs the request bodies it sends at DEBUG.
    card = running_bot.ask("/visit", f"Acme: they pasted {OTHER_TOKENS[1]} in chat")
    assert "Visit logged" in text_of(card)

    # An unexpected error whose message carries our own bot token. (It waits for the HTTP
    # answer first; see test_errors.broken_log_visit for why.)
    real = store.visits.log_visit
    acked = threading.Event()

    def leaky_log_visit(*args: Any, **kwargs: Any) -> Visit:
        real(*args, **kwargs)
        acked.wait(10)
        raise RuntimeError(f"failed with token {BOT_TOKEN}")

    monkeypatch.setattr(store.visits, "log_visit", leaky_log_visit)
    response, response_url = running_bot.command("/visit", "Globex: hi")
    acked.set()
    assert response.status == 200
    assert "Sorry" in text_of(running_bot.reply_to(response_url))

    # The apology is sent after the error is logged; the log is complete by now.
    written = out.getvalue()
    assert "DEBUG" in written
    assert "Sending a request" in written
    assert "listener failed" in written
    assert "Traceback" in written
    assert BOT_TOKEN not in written
    assert SIGNING_SECRET not in written
    assert OTHER_TOKENS[1] not in written
    assert "xoxp-[redacted]" in written
