"""Monthly customer tier suggestions: one DM to each manager a month, on a working day at
DIGEST_TIME their time (the ledger's period is the month, so a missed day catches up on the
next). Nothing when every customer already has the tier its revenue suggests."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from blocks.common import Message
from reports.roster import load_roster
from sales.workdays import WorkCalendar
from scheduler.job import Recipient, RunFacts, facts_of
from scheduler.recipients import roster
from store import teams
from store.models import Person
from translations import msg

if TYPE_CHECKING:
    from services.context import BotContext
    from services.tier_suggestions import TierBook

# The suggestions' numbers and Block Kit are imported where they are loaded and composed,
# so that listing the jobs (`bot.py jobs`) does without them.


class TierSuggestionsJob:
    name = "tier_suggestions"

    def __init__(self, at: time) -> None:
        self._at = at
        self.summary = msg(
            "Customer tier suggestions to each manager, monthly, {time} their time",
            time=f"{at:%H:%M}",
        )

    def send_time(self) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        return f"{local_day:%Y-%m}"

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        """Each manager of a team, once, by DM, by their first team's working days."""
        facts: RunFacts[tuple[TierBook, dict[int, Person]]] = RunFacts(lambda now: _load(ctx, now))
        found = roster(ctx)
        recipients: dict[int, Recipient] = {}
        for team in found.teams:
            for manager in found.members(team, teams.MANAGER):
                if manager.id in recipients:
                    continue
                # Outside the transaction: refreshing a stale profile asks Slack and writes.
                tz = ctx.people.fresh(manager).tz
                recipients[manager.id] = Recipient(
                    manager.slack_user_id,
                    manager.slack_user_id,
                    tz,
                    found.team_calendar(team),
                    person_id=manager.id,
                    facts=facts,
                )
        return [recipients[key] for key in sorted(recipients)]

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        from blocks.customers import tier_suggestions_message

        assert recipient.person_id is not None
        book, managers = facts_of(recipient, local_now, lambda now: _load(ctx, now))
        person = managers.get(recipient.person_id)
        if person is None:
            return None
        suggestions = book.suggestions_for(person.id, ctx.settings.default_currency)
        if not suggestions.changes:
            return None
        return tier_suggestions_message(ctx.language_for(person), suggestions, local_now.date())


def _load(ctx: BotContext, now: datetime) -> tuple[TierBook, dict[int, Person]]:
    from services.tier_suggestions import load_tier_book

    with ctx.db.reading() as session:
        found = load_roster(session, ctx.settings.holiday_country)
        managers = {
            manager.id: manager
            for team in found.teams
            for manager in found.members(team, teams.MANAGER)
        }
        return load_tier_book(session, found, now), managers
