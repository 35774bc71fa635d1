"""The follow-up DM's content, shared by the morning job and the buttons that update it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from blocks.common import Message
from blocks.follow_ups import StaleDeal, follow_ups_message
from reports.cadence import CadenceBook, load_cadence_book
from sales.follow_ups import idle_days, is_stale
from sales.localtime import zone
from services.context import BotContext
from store import follow_ups
from store.follow_ups import DealActivity, FollowUp
from store.people import time_zones_of
from translations import Language


@dataclass(frozen=True)
class FollowUpBook:
    """Open follow-ups and open deals' activity of many people, loaded at once."""

    time_zones: dict[int, str]  # of everyone with an open deal, by person id
    due: dict[int, list[FollowUp]]  # open follow-ups due by the latest day asked for
    deals: dict[int, list[DealActivity]]
    cadence: CadenceBook  # tiered customers, for "going cold"

    def message(
        self,
        language: Language,
        person_id: int,
        today: date,
        stale_days: int,
        headline: str | None = None,
    ) -> Message | None:
        """The person's follow-ups due by `today` and their stale deals; None when none."""
        due = [visit for visit in self.due.get(person_id, []) if follow_ups.is_due(visit, today)]
        stale = []
        for activity in self.deals.get(person_id, []):
            last = activity.last_change.astimezone(zone(self.time_zones[person_id])).date()
            if activity.last_visit is not None:
                last = max(last, activity.last_visit)
            if is_stale(activity.deal.stage, last, today, stale_days):
                stale.append(StaleDeal(activity.deal, last, idle_days(last, today)))
        cold = self.cadence.going_cold(person_id, today)
        if not due and not stale and not cold:
            return None
        stale.sort(key=lambda item: (-item.idle_days, item.deal.id))
        return follow_ups_message(language, today, due, stale, headline=headline, cold=cold)


def load_follow_up_book(
    ctx: BotContext, person_ids: Collection[int] | None, until: date
) -> FollowUpBook:
    """These people's (None: everyone's) follow-ups due by `until` and open deals."""
    with ctx.db.reading() as session:
        due = follow_ups.open_follow_ups(session, person_ids, until)
        deals = follow_ups.open_deal_activities(session, person_ids)
        cadence = load_cadence_book(session, person_ids, ctx.settings.tier_cadence_days)
        wanted = set(person_ids) if person_ids is not None else set(due) | set(deals)
        return FollowUpBook(time_zones_of(session, wanted), due, deals, cadence)


def follow_up_digest(
    ctx: BotContext,
    language: Language,
    person_id: int,
    today: date,
    headline: str | None = None,
) -> Message | None:
    """The person's follow-ups due by `today`, stale deals and customers going cold; None
    when there are none."""
    book = load_follow_up_book(ctx, [person_id], today)
    return book.message(language, person_id, today, ctx.settings.stale_deal_days, headline)
