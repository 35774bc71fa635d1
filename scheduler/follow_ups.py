"""Daily follow-ups: each rep's due and overdue follow-ups and stale deals, by DM, at their
own FOLLOW_UP_TIME on working days. Nothing at all when there is nothing to follow up."""

from __future__ import annotations

from datetime import date, datetime, time

from blocks.common import Message
from sales.workdays import WorkCalendar, calendar_for
from scheduler.job import Recipient
from scheduler.recipients import reps
from services.context import BotContext
from services.follow_ups import follow_up_digest
from store import follow_ups
from store.people import person_by_id


def follow_up_people(ctx: BotContext) -> list[Recipient]:
    """Every rep on a team, and anyone else with a follow-up or an open deal (they live by
    HOLIDAY_COUNTRY's working days)."""
    recipients = reps(ctx)
    on_teams = {recipient.person_id for recipient in recipients}
    with ctx.db.reading() as session:
        others = [
            person_by_id(session, person_id).slack_user_id
            for person_id in sorted(follow_ups.people_with_open_items(session) - on_teams)
        ]
    calendar = calendar_for(ctx.settings.holiday_country)
    for user_id in others:
        # Outside the transaction: refreshing a stale profile asks Slack and writes.
        person = ctx.people.person(user_id)
        recipients.append(Recipient(user_id, user_id, person.tz, calendar, person_id=person.id))
    return recipients


class DailyFollowUps:
    name = "follow_ups"
    # Today's follow-ups: not worth sending once the day is over.
    useful_on_its_day_only = True

    def __init__(self, at: time) -> None:
        self._at = at
        self.summary = f"Follow-up DM to each rep, {at:%H:%M} their time, working days"

    def send_time(self) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        return local_day.isoformat()

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return follow_up_people(ctx)

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        assert recipient.person_id is not None
        return follow_up_digest(ctx, recipient.person_id, local_now.date())
