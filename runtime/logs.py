"""Logging set-up that keeps tokens and secrets out of every log line."""

from __future__ import annotations

import logging
import re

# Slack tokens have recognisable prefixes; redact them even when they are not ours
# (e.g. a token pasted into a message that ends up in a debug log).
_TOKEN = re.compile(r"\b(xox[abposre]-|xapp-)[A-Za-z0-9-]+")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if len(secret) >= 6]

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return _TOKEN.sub(lambda match: match.group(1) + "[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        # Format once with the record's own args, then freeze the redacted text.
        try:
            text = record.getMessage()
        except (TypeError, ValueError):
            # A log call whose arguments don't fit its format must not break the caller.
            text = f"{record.msg} (log arguments: {record.args!r})"
        record.msg = self.redact(text)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class ExpectedNoise(logging.Filter):
    """Library messages about choices the bot makes on purpose, kept for DEBUG only."""

    # Bolt warns when SLACK_BOT_TOKEN is in the environment and a client is passed too;
    # the bot always passes its own client (SLACK_API_URL, rate-limit handling).
    _MESSAGES = ("As you gave `client` as well, `token` will be unused.",)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage() in self._MESSAGES:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True


def configure_logging(level: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ExpectedNoise())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic tells of every migration step, APScheduler of every tick, at INFO; the bot
    # says in one line what changed, and the scheduler's health is in `jobs` and the Home.
    for chatty in ("alembic", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
