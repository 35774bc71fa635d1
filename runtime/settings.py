"""Settings from the environment (and `.env`), validated once at start."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///salesbot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class SettingsError(Exception):
    """One or more settings are missing or wrong; `problems` has one line per setting."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str
    slack_signing_secret: str | None
    slack_app_token: str | None
    port: int = 3000
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str = DEFAULT_SLACK_API_URL
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    default_currency: str = "USD"
    log_level: str = "INFO"

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        values = (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token)
        return [value for value in values if value]


def load_settings(env: Mapping[str, str], *, need_slack: bool = True) -> Settings:
    """Read and check every setting, reporting all problems at once.

    Commands that never talk to Slack (export, db upgrade) pass `need_slack=False`.
    """
    problems: list[str] = []

    def text(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    bot_token = text("SLACK_BOT_TOKEN")
    if bot_token is None and not need_slack:
        bot_token = "xoxb-not-needed"
    if bot_token is None:
        problems.append("SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-…).")
    elif not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-.")

    app_token = text("SLACK_APP_TOKEN")
    if app_token is not None and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-.")

    signing_secret = text("SLACK_SIGNING_SECRET")
    if signing_secret is None and app_token is None and need_slack:
        problems.append(
            "SLACK_SIGNING_SECRET is missing: HTTP mode needs it (Basic Information → "
            "App Credentials). Or set SLACK_APP_TOKEN to use Socket Mode."
        )

    port = _port(text("PORT"), problems)
    database_url = text("DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        make_url(database_url)
    except ArgumentError:
        problems.append(
            "DATABASE_URL is not a database URL, e.g. sqlite:///salesbot.db or "
            "postgresql+psycopg://user:password@host/dbname."
        )

    api_url = text("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not api_url.startswith(("https://", "http://")):
        problems.append("SLACK_API_URL must start with https:// (default https://slack.com/api/).")
    api_url = api_url if api_url.endswith("/") else api_url + "/"

    admins = frozenset(
        part.strip() for part in env.get("ADMIN_USER_IDS", "").split(",") if part.strip()
    )
    wrong_admins = sorted(user for user in admins if not _USER_ID.match(user))
    if wrong_admins:
        problems.append(
            f"ADMIN_USER_IDS has values that are not Slack user ids: {', '.join(wrong_admins)} "
            "(expected ids like U012AB3CD, comma-separated)."
        )

    currency = (text("DEFAULT_CURRENCY") or "USD").upper()
    if not _CURRENCY.match(currency):
        problems.append("DEFAULT_CURRENCY must be a three-letter ISO 4217 code such as USD or CNY.")

    log_level = (text("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}.")

    if problems:
        raise SettingsError(problems)
    assert bot_token is not None  # guaranteed by the checks above
    return Settings(
        slack_bot_token=bot_token,
        slack_signing_secret=signing_secret,
        slack_app_token=app_token,
        port=port,
        database_url=database_url,
        slack_api_url=api_url,
        admin_user_ids=admins,
        default_currency=currency,
        log_level=log_level,
    )


def _port(value: str | None, problems: list[str]) -> int:
    if value is None:
        return 3000
    if value.isdigit() and 0 < int(value) < 65536:
        return int(value)
    problems.append(f"PORT must be a number from 1 to 65535, not {value!r}.")
    return 3000
