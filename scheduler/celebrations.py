"""Celebration cards: a deal won is owed a card in each of its owner's teams' channels
(store.celebrations queues it in the win's own transaction); this job posts what is owed,
on the next tick, any day and hour: a win is news when it happens.

Once per deal: the ledger period is the deal, so a deal won, reopened and won again is
celebrated the first time only (a re-win is usually a correction, not a second sale).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from blocks.celebrations import celebration_message
from blocks.common import Message
from blocks.money import left_out_lines
from sales.fx import convert_total
from sales.stages import WON
from sales.workdays import WorkCalendar
from scheduler.job import Recipient
from services.context import BotContext
from store import celebrations, deals, rates, teams
from translations import msg
from translations.formats import format_money


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
        found: list[Recipient] = []
        with ctx.db.reading() as session:
            for owed in celebrations.owed(session):
                team = teams.team_by_id(session, owed.team_id)
                if team is None or not team.channel_id:
                    continue
                found.append(
                    CelebrationRecipient(
                        key=f"team:{team.id}",
                        channel=team.channel_id,
                        tz="UTC",
                        calendar=calendar,
                        team_id=team.id,
                        language=ctx.team_language(team),
                        deal_id=owed.deal_id,
                    )
                )
        return found

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        """The card, or None (nothing is posted) when the deal is no longer won or the team
        turned celebrations off since."""
        assert isinstance(recipient, CelebrationRecipient)
        assert recipient.team_id is not None
        language = recipient.language
        with ctx.db.reading() as session:
            deal = deals.get_deal(session, recipient.deal_id)
            team = teams.team_by_id(session, recipient.team_id)
            if deal is None or team is None or deal.stage != WON.key or not team.celebrate:
                return None
            currency = ctx.team_currency(team)
            converted = convert_total(
                [(deal.amount, deal.currency, local_now.date())],
                currency,
                rates.load_rates(session),
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
