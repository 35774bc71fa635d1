"""Celebration cards: a deal won is owed a card in each of its owner's teams' channels
(store.celebrations queues it in the win's own transaction); this job posts what is owed,
on the next tick, any day and hour: a win is news when it happens.

Once per deal: the ledger period is the deal, so a deal won, reopened and won again is
celebrated the first time only (a re-win is usually a correction, not a second sale).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from blocks.celebrations import celebration_message
from blocks.common import Message
from blocks.money import left_out_lines
from sales.fx import Rates, convert_total
from sales.stages import WON
from sales.workdays import WorkCalendar
from scheduler.job import Recipient, RunFacts, facts_of
from store import celebrations, deals, rates, teams
from store.models import Deal, Team
from translations import msg
from translations.formats import format_money

if TYPE_CHECKING:
    from services.context import BotContext


class EveryDay(WorkCalendar):
    """A win is posted on the day it happens, weekend or holiday."""

    def __init__(self) -> None:
        super().__init__(None)

    def is_working_day(self, day: date) -> bool:
        return True


@dataclass(frozen=True, kw_only=True)
class CelebrationRecipient(Recipient):
    """A team's channel, owed the card of one deal."""

    deal_id: int

    @property
    def label(self) -> str:
        return f"{self.key} deal {self.deal_id}"


@dataclass(frozen=True)
class CelebrationFacts:
    """The deals owed a card, every team and the exchange rates, loaded once per run."""

    deals: dict[int, Deal]
    teams: dict[int, Team]
    rates: Rates


def _load(ctx: BotContext, deal_ids: Collection[int]) -> CelebrationFacts:
    with ctx.db.reading() as session:
        return CelebrationFacts(
            deals.deals_by_ids(session, deal_ids),
            {team.id: team for team in teams.all_teams(session)},
            rates.load_rates(session),
        )


class Celebrations:
    name = celebrations.JOB

    def __init__(self) -> None:
        self.summary = msg("A celebration card in the team channel for each deal won, at once")

    def send_time(self) -> time:
        return time(0)

    def send_time_for(self, recipient: Recipient) -> time:
        return time(0)

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        return None  # never asked: each card has its deal's period (period_for)

    def period_for(self, local_day: date, recipient: Recipient) -> str | None:
        if not isinstance(recipient, CelebrationRecipient):
            return None
        return celebrations.period_of(recipient.deal_id)

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        """Each team channel owed a card, once per deal."""
        calendar = EveryDay()
        with ctx.db.reading() as session:
            owed = celebrations.owed(session)
            by_id = {team.id: team for team in teams.all_teams(session)} if owed else {}
        facts = RunFacts(lambda now: _load(ctx, {item.deal_id for item in owed}))
        found: list[Recipient] = []
        for item in owed:
            team = by_id.get(item.team_id)
            if team is None or not team.channel_id:
                continue
            found.append(
                CelebrationRecipient(
                    key=f"team:{team.id}",
                    channel=team.channel_id,
                    tz="UTC",
                    calendar=calendar,
                    team_id=team.id,
                    facts=facts,
                    language=ctx.team_language(team),
                    deal_id=item.deal_id,
                )
            )
        return found

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        """The card, or None (nothing is posted) when the deal is no longer won or the team
        turned celebrations off since."""
        assert isinstance(recipient, CelebrationRecipient)
        facts = facts_of(recipient, local_now, lambda now: _load(ctx, {recipient.deal_id}))
        deal = facts.deals.get(recipient.deal_id)
        team = facts.teams.get(recipient.team_id or 0)
        if deal is None or team is None or deal.stage != WON.key or not team.celebrate:
            return None
        language = recipient.language
        currency = ctx.team_currency(team)
        converted = convert_total(
            [(deal.amount, deal.currency, local_now.date())], currency, facts.rates
        )
        notes: list[str] = []
        if converted.complete:
            amount = format_money(language, converted.total, currency)
        else:  # no rate: the deal's own money, and what would convert it
            amount = format_money(language, deal.amount, deal.currency)
            notes = left_out_lines(language, converted.left_out, currency)
        return celebration_message(
            language,
            rep_slack_id=deal.owner.slack_user_id,
            customer=deal.customer.name,
            title=deal.title,
            amount=amount,
            notes=notes,
        )
