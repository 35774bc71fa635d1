"""The follow-up DM's content, shared by the morning job and the buttons that update it."""

from __future__ import annotations

from datetime import date

from blocks.common import Message
from blocks.follow_ups import StaleDeal, follow_ups_message
from sales.follow_ups import idle_days, is_stale
from sales.localtime import zone
from services.context import BotContext
from store import follow_ups
from store.people import person_by_id


def follow_up_digest(
    ctx: BotContext, person_id: int, today: date, headline: str | None = None
) -> Message | None:
    """The person's follow-ups due by `today` and their stale deals; None when there are none."""
    with ctx.db.reading() as session:
        person = person_by_id(session, person_id)
        due = follow_ups.due_follow_ups(session, person_id, today)
        stale = []
        for activity in follow_ups.open_deal_activity(session, person_id):
            last = activity.last_change.astimezone(zone(person.tz)).date()
            if activity.last_visit is not None:
                last = max(last, activity.last_visit)
            if is_stale(activity.deal.stage, last, today, ctx.settings.stale_deal_days):
                stale.append(StaleDeal(activity.deal, last, idle_days(last, today)))
        if not due and not stale:
            return None
        stale.sort(key=lambda item: (-item.idle_days, item.deal.id))
        return follow_ups_message(today, due, stale, headline=headline)
