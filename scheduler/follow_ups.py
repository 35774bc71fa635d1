"""Daily follow-ups: each rep's due and overdue follow-ups and stale deals, by DM, at their
own FOLLOW_UP_TIME on working days. Nothing at all when there is nothing to follow up."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from blocks.common import Message
from sales.localtime import local_days_around
from sales.workdays import WorkCalendar, calendar_for
from scheduler.job import Recipient, RunFacts, facts_of
from scheduler.recipients import reps
from store import follow_ups
from store.people import people_by_ids
from translations import msg

if TYPE_CHECKING:
    from services.context import BotContext
    from services.follow_ups import FollowUpBook

# The follow-ups' numbers and Block Kit (services.follow_ups and all it reuses) are imported
# where they are loaded, so that listing the jobs (`bot.py jobs`) does without them.


def follow_up_people(ctx: BotContext) -> list[Recipient]:
    """Every rep on a team, and anyone else with a follow-up or an open deal (they live by
    HOLIDAY_COUNTRY's working days)."""
    from services.follow_ups import load_follow_up_book

    facts: RunFacts[FollowUpBook] = RunFacts(
        lambda now: load_follow_up_book(ctx, None, local_days_around(now)[1])
    )
    recipients = reps(ctx, facts)
    on_teams = {recipient.person_id for recipient in recipients}
    with ctx.db.reading() as session:
        others = people_by_ids(session, follow_ups.people_with_open_items(session) - on_teams)
    calendar = calendar_for(ctx.settings.holiday_country)
    for person_id in sorted(others):
        # Outside the transaction: refreshing a stale profile asks Slack and writes.
        person = ctx.people.fresh(others[person_id])
        recipients.append(
            Recipient(
                person.slack_user_id,
                person.slack_user_id,
                person.tz,
                calendar,
                person_id=person.id,
                facts=facts,
                language=ctx.language_for(person),
            )
        )
    return recipients


class DailyFollowUps:
    name = "follow_ups"
    # Today's follow-ups: not worth sending once the day is over.
    useful_on_its_day_only = True

    def __init__(self, at: time) -> None:
        self._at = at
        self.summary = msg(
            "Follow-up DM to each rep, {time} their time, working days", time=f"{at:%H:%M}"
        )

    def send_time(self) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        return local_day.isoformat()

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return follow_up_people(ctx)

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        from services.follow_ups import load_follow_up_book

        person_id = recipient.person_id
        assert person_id is not None
        today = local_now.date()
        book = facts_of(
            recipient, local_now, lambda now: load_follow_up_book(ctx, [person_id], today)
        )
        return book.message(recipient.language, person_id, today, ctx.settings.stale_deal_days)
