"""Follow-up rules: when a snoozed follow-up comes back, when an open deal is stale."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from translations import Text, marked, msg

# Labels in English, marked for the catalog: gettext(language, label).
SNOOZE_CHOICES = (("tomorrow", marked("Tomorrow")), ("next_week", marked("Next week")))
# How far ahead a follow-up can be snoozed to a picked date.
MAX_SNOOZE_DAYS = 366


def snooze_until(choice: str, today: date) -> date | None:
    """The day a follow-up snoozed with `choice` comes back; None for an unknown choice."""
    if choice == "tomorrow":
        return today + timedelta(days=1)
    if choice == "next_week":
        return today + timedelta(days=7 - today.weekday())
    return None


def snooze_problem(until: date, today: date) -> Text | None:
    """Why a follow-up can't be snoozed to `until`, or None when it can."""
    if until <= today:
        return msg("Pick a day after today to snooze it to.")
    if until > today + timedelta(days=MAX_SNOOZE_DAYS):
        return msg("A follow-up can be snoozed for at most a year.")
    return None


def idle_days(last_activity: date, today: date) -> int:
    return max(0, (today - last_activity).days)


def is_stale(stage: str, last_activity: date, today: date, stale_days: Mapping[str, int]) -> bool:
    """An open deal is stale once it has gone the stage's number of days without activity
    (a stage change, a note, a visit to its customer by its owner, any other change)."""
    limit = stale_days.get(stage)
    return limit is not None and idle_days(last_activity, today) >= limit
