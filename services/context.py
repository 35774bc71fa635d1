"""Everything a listener or job needs, built once by bot.py and handed to each module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from runtime.settings import Settings
from sales.localtime import local_today
from services.people import People
from store.db import Database
from store.models import Person


@dataclass(frozen=True)
class BotContext:
    settings: Settings
    db: Database
    people: People
    clock: Callable[[], datetime]
    # The scheduler's health for the admin Home (bot.py wires in Scheduler.status), so that
    # listeners and services need not import the scheduler.
    job_statuses: Callable[[], list[Any]] = field(default=list, compare=False)

    def today_for(self, person: Person | None) -> date:
        """The person's own calendar day (UTC until we know their time zone)."""
        return local_today(person.tz if person else "UTC", self.clock())
