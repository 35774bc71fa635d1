"""Each person's own calendar day, from their Slack time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(tz_name: str) -> ZoneInfo:
    """The named zone; UTC for a name this machine does not know."""
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(tz_name: str, now: datetime) -> date:
    return now.astimezone(zone(tz_name)).date()


def local_days_around(now: datetime) -> tuple[date, date]:
    """Every calendar day it is somewhere on Earth at `now` (UTC-12 to UTC+14)."""
    today = now.date()
    return today - timedelta(days=1), today + timedelta(days=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


def day_start(tz_name: str, day: date) -> datetime:
    """The UTC instant a local calendar day begins at."""
    return datetime.combine(day, time(0), tzinfo=zone(tz_name)).astimezone(UTC)
