"""Monthly customer tier suggestions: one DM to each manager a month, on a working day at
DIGEST_TIME their time (the ledger's period is the month, so a missed day catches up on the
next). Nothing when every customer already has the tier its revenue suggests."""

from __future__ import annotations

from datetime import date, datetime, time

from blocks.common import Message
from blocks.customers import tier_suggestions_message
from sales.workdays import WorkCalendar
from scheduler.job import Recipient
from scheduler.recipients import roster
from services.context import BotContext
from services.tier_suggestions import suggestions_for
from store import teams
from store.people import get_person


class TierSuggestionsJob:
    name = "tier_suggestions"

    def __init__(self, at: time) -> None:
        self._at = at
        self.summary = f"Customer tier suggestions to each manager, monthly, {at:%H:%M} their time"

    def send_time(self) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        return f"{local_day:%Y-%m}"

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        """Each manager of a team, once, by DM, by their first team's working days."""
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
                )
        return [recipients[key] for key in sorted(recipients)]

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        with ctx.db.reading() as session:
            person = get_person(session, recipient.key)
            if person is None:
                return None
            managed = teams.managed_person_ids(session, person.id)
            suggestions = suggestions_for(
                session, managed, ctx.settings.default_currency, local_now
            )
            language = ctx.language_for(person)
        if not suggestions.changes:
            return None
        return tier_suggestions_message(language, suggestions, local_now.date())
