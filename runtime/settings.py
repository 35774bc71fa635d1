"""Settings from the environment (and `.env`), validated once at start."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from sales.collections import AlertRules
from sales.workdays import is_known_country
from translations import ENGLISH, Language, marked, parse_language

DEFAULT_DATABASE_URL = "sqlite:///salesbot.db"
# Stands in for the bot token in commands that never talk to Slack.
NO_TOKEN = "xoxb-not-needed"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SQLITE_SYNCHRONOUS = ("normal", "full")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_CHANNEL = re.compile(r"^[CG][A-Z0-9]{2,}$")
# Values in .env.example stand for the real ones ("xoxb-your-bot-token"); a file copied and
# not yet edited must be reported as such, not sent to Slack.
_PLACEHOLDER = re.compile(r"your[-_]|<[^>]*>|changeme", re.IGNORECASE)
DEFAULT_STALE_DAYS = {"lead": 14, "qualified": 14, "contacted": 10, "proposal": 7, "negotiation": 7}
# How often each customer tier (客户分层) should be visited, in days.
DEFAULT_TIER_CADENCE = {"core": 14, "growth": 30, "longtail": 90}
# How likely an open deal at each stage is to be won, in percent: the forecast's weights.
DEFAULT_STAGE_PROBABILITY = {
    "lead": 10,
    "qualified": 20,
    "contacted": 30,
    "proposal": 50,
    "negotiation": 70,
}


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
    default_language: Language = ENGLISH  # of teams' channel messages; people get their own
    log_level: str = "INFO"
    holiday_country: str | None = None
    pacing_time: time = time(9, 0)
    digest_time: time = time(9, 0)
    weekly_digest_day: int = 0  # Monday
    scheduler_tick_minutes: int = 5
    # A worker that stops renewing its claim on a request this long is taken to be dead.
    inbox_lease_seconds: int = 30
    # SQLite only: "normal" survives the bot being killed; "full" also a power loss.
    sqlite_synchronous: str = "normal"
    payment_alert_time: time = time(9, 0)
    payment_reminder_days: int = 3
    payment_escalation_days: tuple[int, int, int] = (1, 7, 30)
    finance_channel: str | None = None
    case_prompt_weekday: int = 4  # Friday
    case_prompt_time: time = time(16, 0)
    follow_up_time: time = time(9, 0)
    stale_deal_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_STALE_DAYS))
    tier_cadence_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_TIER_CADENCE))
    stage_probability: dict[str, int] = field(
        default_factory=lambda: dict(DEFAULT_STAGE_PROBABILITY)
    )

    @property
    def talks_to_slack(self) -> bool:
        return self.slack_bot_token != NO_TOKEN

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def alert_rules(self) -> AlertRules:
        """When payment alerts go out: PAYMENT_REMINDER_DAYS and PAYMENT_ESCALATION_DAYS."""
        return AlertRules(self.payment_reminder_days, self.payment_escalation_days)

    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        values = (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token)
        return [value for value in values if value]


def load_settings(
    env: Mapping[str, str], *, need_slack: bool = True, receives_requests: bool | None = None
) -> Settings:
    """Read and check every setting, reporting all problems at once.

    Commands that never talk to Slack (export, db upgrade) pass `need_slack=False`; those
    that post but never receive Slack's requests (`jobs run`) pass `receives_requests=False`,
    so they need no signing secret.
    """
    problems: list[str] = []
    receives = need_slack if receives_requests is None else receives_requests

    def text(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    bot_token = _real(text("SLACK_BOT_TOKEN"), "SLACK_BOT_TOKEN", "Bot User OAuth Token", problems)
    if bot_token is None and not need_slack:
        bot_token = NO_TOKEN
    if bot_token is None:
        if not _placeholder_reported("SLACK_BOT_TOKEN", problems):
            problems.append("SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-…).")
    elif not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-.")

    # What only receiving requests needs is not checked for commands that never receive.
    checked = problems if receives else []
    app_token = _real(text("SLACK_APP_TOKEN"), "SLACK_APP_TOKEN", "App-Level Token", checked)
    if app_token is not None and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-.")

    signing_secret = _real(
        text("SLACK_SIGNING_SECRET"), "SLACK_SIGNING_SECRET", "Signing Secret", checked
    )
    if (
        signing_secret is None
        and app_token is None
        and receives
        and not _placeholder_reported("SLACK_SIGNING_SECRET", problems)
        and not _placeholder_reported("SLACK_APP_TOKEN", problems)
    ):
        problems.append(
            "SLACK_SIGNING_SECRET is missing: HTTP mode needs it (Basic Information → "
            "App Credentials). Or set SLACK_APP_TOKEN to use Socket Mode."
        )

    port = _whole_number("PORT", text("PORT"), 3000, 1, 65535, problems)
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

    default_language = parse_language(text("DEFAULT_LANGUAGE") or "en")
    if default_language is None:
        problems.append("DEFAULT_LANGUAGE must be en (English) or zh (简体中文).")

    log_level = (text("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}.")

    holiday_country = _holiday_country(text("HOLIDAY_COUNTRY"), problems)
    pacing_time = _local_time("PACING_TIME", text("PACING_TIME"), time(9, 0), problems)
    digest_time = _local_time("DIGEST_TIME", text("DIGEST_TIME"), time(9, 0), problems)
    weekly_day = _weekday("WEEKLY_DIGEST_DAY", text("WEEKLY_DIGEST_DAY"), 0, problems)
    sqlite_synchronous = (text("SQLITE_SYNCHRONOUS") or "normal").lower()
    if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
        problems.append("SQLITE_SYNCHRONOUS must be normal or full.")
    lease = _whole_number("INBOX_LEASE_SECONDS", text("INBOX_LEASE_SECONDS"), 30, 1, 3600, problems)
    tick = _whole_number(
        "SCHEDULER_TICK_MINUTES", text("SCHEDULER_TICK_MINUTES"), 5, 1, 60, problems
    )

    payment_time = _local_time(
        "PAYMENT_ALERT_TIME", text("PAYMENT_ALERT_TIME"), time(9, 0), problems
    )
    reminder_days = _whole_number(
        "PAYMENT_REMINDER_DAYS", text("PAYMENT_REMINDER_DAYS"), 3, 0, 60, problems
    )
    escalation = _escalation_days(text("PAYMENT_ESCALATION_DAYS"), problems)
    finance_channel = text("FINANCE_CHANNEL")
    if finance_channel is not None and not _CHANNEL.match(finance_channel):
        problems.append(
            "FINANCE_CHANNEL must be a channel id such as C012AB3CD (channel details → About)."
        )
    case_day = _weekday("CASE_PROMPT_DAY", text("CASE_PROMPT_DAY"), 4, problems)
    case_time = _local_time("CASE_PROMPT_TIME", text("CASE_PROMPT_TIME"), time(16, 0), problems)
    follow_up_time = _local_time("FOLLOW_UP_TIME", text("FOLLOW_UP_TIME"), time(9, 0), problems)
    stale_days = _stale_days(text("STALE_DEAL_DAYS"), problems)
    cadence = _tier_cadence(text("TIER_CADENCE_DAYS"), problems)
    probability = _stage_probability(text("STAGE_PROBABILITY"), problems)

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
        default_language=default_language or ENGLISH,
        log_level=log_level,
        holiday_country=holiday_country,
        pacing_time=pacing_time,
        digest_time=digest_time,
        weekly_digest_day=weekly_day,
        scheduler_tick_minutes=tick,
        inbox_lease_seconds=lease,
        sqlite_synchronous=sqlite_synchronous,
        payment_alert_time=payment_time,
        payment_reminder_days=reminder_days,
        payment_escalation_days=escalation,
        finance_channel=finance_channel,
        case_prompt_weekday=case_day,
        case_prompt_time=case_time,
        follow_up_time=follow_up_time,
        stale_deal_days=stale_days,
        tier_cadence_days=cadence,
        stage_probability=probability,
    )


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Adjustable:
    """A setting admins may also change from the Home tab; a value stored there wins over the
    environment's. Stored values are read by the same parsers as the environment's."""

    name: str  # the environment variable
    attribute: str  # the Settings field
    label: str  # English, marked for the catalog
    kind: str  # "time", "weekday" or "country"


ADJUSTABLE: tuple[Adjustable, ...] = (
    Adjustable("PACING_TIME", "pacing_time", marked("Pacing DM"), "time"),
    Adjustable("DIGEST_TIME", "digest_time", marked("Manager digest and weekly review"), "time"),
    Adjustable("WEEKLY_DIGEST_DAY", "weekly_digest_day", marked("Weekly review day"), "weekday"),
    Adjustable("FOLLOW_UP_TIME", "follow_up_time", marked("Follow-ups and case reminders"), "time"),
    Adjustable("PAYMENT_ALERT_TIME", "payment_alert_time", marked("Payment alerts"), "time"),
    Adjustable(
        "CASE_PROMPT_DAY", "case_prompt_weekday", marked("Case-review prompt day"), "weekday"
    ),
    Adjustable("CASE_PROMPT_TIME", "case_prompt_time", marked("Case-review prompt time"), "time"),
    Adjustable("HOLIDAY_COUNTRY", "holiday_country", marked("Public holidays of"), "country"),
)
ADJUSTABLE_BY_NAME = {setting.name: setting for setting in ADJUSTABLE}


def parse_adjustable(name: str, text: str) -> tuple[object, str | None]:
    """`text` read as the environment variable `name` is: (value, None) or (None, problem)."""
    setting = ADJUSTABLE_BY_NAME[name]
    problems: list[str] = []
    value = text.strip() or None
    parsed: object
    if setting.kind == "time":
        parsed = _local_time(name, value or "", time(0, 0), problems)
    elif setting.kind == "weekday":
        parsed = _weekday(name, value or "", 0, problems)
    else:
        parsed = _holiday_country(value, problems)
    return (None, problems[0]) if problems else (parsed, None)


def adjustable_text(settings: Settings, name: str) -> str:
    """The setting as the environment writes it (`09:00`, `friday`, `US`); "" when unset."""
    return format_adjustable(name, getattr(settings, ADJUSTABLE_BY_NAME[name].attribute))


def format_adjustable(name: str, value: object) -> str:
    """A value of the setting `name` written the way the environment writes it."""
    kind = ADJUSTABLE_BY_NAME[name].kind
    if value is None:
        return ""
    if kind == "time":
        return f"{value:%H:%M}"
    if kind == "weekday":
        assert isinstance(value, int)
        return WEEKDAYS[value]
    return str(value)


def with_overrides(settings: Settings, stored: Mapping[str, str]) -> tuple[Settings, list[str]]:
    """The settings with the values admins stored in place of the environment's.

    A stored value that no longer reads (or names no adjustable setting) is left out; the
    problems say which.
    """
    changes: dict[str, object] = {}
    problems: list[str] = []
    for name, text in sorted(stored.items()):
        setting = ADJUSTABLE_BY_NAME.get(name)
        if setting is None:
            problems.append(f"{name} can't be changed from the Home tab.")
            continue
        value, problem = parse_adjustable(name, text)
        if problem is not None:
            problems.append(problem)
            continue
        changes[setting.attribute] = value
    return (replace(settings, **changes) if changes else settings), problems


def _real(value: str | None, name: str, what: str, problems: list[str]) -> str | None:
    """`value`, or None (and a problem) when it is still .env.example's stand-in."""
    if value is None or not _PLACEHOLDER.search(value):
        return value
    problems.append(
        f"{name} is still the example value {value!r} from .env.example: paste your app's "
        f"{what} from https://api.slack.com/apps."
    )
    return None


def _placeholder_reported(name: str, problems: list[str]) -> bool:
    return any(problem.startswith(f"{name} is still the example value") for problem in problems)


def _holiday_country(value: str | None, problems: list[str]) -> str | None:
    if value is None:
        return None
    code = value.upper()
    if not is_known_country(code):
        problems.append(
            f"HOLIDAY_COUNTRY {value!r} is not a supported country code, e.g. US, CN or DE."
        )
    return code


def _local_time(name: str, value: str | None, default: time, problems: list[str]) -> time:
    if value is None:
        return default
    hours, _, minutes = value.partition(":")
    if hours.isdigit() and (minutes == "" or minutes.isdigit()):
        hour, minute = int(hours), int(minutes or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    problems.append(f"{name} must be a local time such as 09:00 or 17:30, not {value!r}.")
    return default


def _weekday(name: str, value: str | None, default: int, problems: list[str]) -> int:
    if value is None:
        return default
    for number, day in enumerate(WEEKDAYS):
        if value.casefold() in (day, day[:3]):
            return number
    problems.append(f"{name} must be a weekday name such as monday, not {value!r}.")
    return default


def _escalation_days(value: str | None, problems: list[str]) -> tuple[int, int, int]:
    if value is None:
        return (1, 7, 30)
    parts = [part.strip() for part in value.split(",")]
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        first, second, third = (int(part) for part in parts)
        if 0 < first < second < third:
            return (first, second, third)
    problems.append(
        "PAYMENT_ESCALATION_DAYS must be three rising day counts, e.g. 1,7,30 "
        "(owner; owner and manager; manager and finance)."
    )
    return (1, 7, 30)


def _stale_days(value: str | None, problems: list[str]) -> dict[str, int]:
    days = dict(DEFAULT_STALE_DAYS)
    if value is None:
        return days
    for part in value.split(","):
        stage, _, number = part.strip().partition("=")
        if stage.strip() in days and number.strip().isdigit() and int(number) > 0:
            days[stage.strip()] = int(number)
        else:
            problems.append(
                "STALE_DEAL_DAYS must look like lead=14,proposal=7 (open stages, days > 0), "
                f"not {part.strip()!r}."
            )
            break
    return days


def _tier_cadence(value: str | None, problems: list[str]) -> dict[str, int]:
    days = dict(DEFAULT_TIER_CADENCE)
    if value is None:
        return days
    for part in value.split(","):
        tier, _, number = part.strip().partition("=")
        tier = tier.strip().replace("-", "")
        if tier in days and number.strip().isdigit() and 0 < int(number) <= 366:
            days[tier] = int(number)
        else:
            problems.append(
                "TIER_CADENCE_DAYS must look like core=14,growth=30,longtail=90 "
                f"(days between visits, 1 to 366), not {part.strip()!r}."
            )
            break
    return days


def _stage_probability(value: str | None, problems: list[str]) -> dict[str, int]:
    percents = dict(DEFAULT_STAGE_PROBABILITY)
    if value is None:
        return percents
    for part in value.split(","):
        stage, _, number = part.strip().partition("=")
        number = number.strip().removesuffix("%")
        if stage.strip() in percents and number.isdigit() and int(number) <= 100:
            percents[stage.strip()] = int(number)
        else:
            problems.append(
                "STAGE_PROBABILITY must look like lead=10,proposal=50 (open stages, "
                f"percent 0 to 100), not {part.strip()!r}."
            )
            break
    return percents


def _whole_number(
    name: str, value: str | None, default: int, low: int, high: int, problems: list[str]
) -> int:
    if value is None:
        return default
    if value.isdigit() and low <= int(value) <= high:
        return int(value)
    problems.append(f"{name} must be a whole number from {low} to {high}, not {value!r}.")
    return default
