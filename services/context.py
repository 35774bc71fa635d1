"""Everything a listener or job needs, built once by bot.py and handed to each module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from runtime.settings import Settings
from sales.fx import Valuation
from sales.localtime import local_today
from services.people import People
from store import teams
from store.db import Database
from store.models import Person, Team
from store.rates import load_rates
from translations import Language, language_for_person, language_for_team


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

    def language_for(self, person: Person | None) -> Language:
        """The language to write to this person in: their `/lang` choice, else their Slack's."""
        if person is None:
            return language_for_person(None, None)
        return language_for_person(person.language, person.locale)

    def currency_for(self, person_id: int | None) -> str:
        """What an amount the person types without a currency is in: their team's currency,
        else DEFAULT_CURRENCY (also for someone the bot doesn't know yet)."""
        if person_id is None:
            return self.settings.default_currency
        with self.db.reading() as session:
            return teams.currency_of(session, person_id) or self.settings.default_currency

    def valuation_for(self, person: Person | None) -> Valuation:
        """How totals of open deals read for this person: in their currency, at the rates
        in force on their today (an open deal has no win day)."""
        with self.db.reading() as session:
            rates = load_rates(session)
        currency = self.currency_for(person.id if person else None)
        return Valuation(currency, rates, self.today_for(person))

    def team_currency(self, team: Team) -> str:
        return team.currency or self.settings.default_currency

    def team_language(self, team: Team) -> Language:
        """The language of the team's channel messages: its own, else DEFAULT_LANGUAGE."""
        return language_for_team(team.language, self.settings.default_language)
