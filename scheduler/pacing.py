"""Daily pacing: each rep's targets, by DM, at their own local morning on working days."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from blocks.common import Message
from blocks.pacing import TargetPace, pacing_message
from sales.pacing import pace
from sales.periods import Period
from sales.workdays import WorkCalendar
from scheduler.job import Recipient
from scheduler.recipients import reps
from services.context import BotContext
from store import metrics, targets, teams
from store.follow_ups import due_follow_ups
from store.models import Target
from store.people import person_by_id


def target_pace(
    session: Session,
    target: Target,
    owner_ids: list[int],
    local_now: datetime,
    calendar: WorkCalendar,
    started_on: date | None = None,
) -> TargetPace:
    """Where `owner_ids` stand on `target` at `local_now`, counted in the owner's own days."""
    today = local_now.date()
    since = datetime.combine(target.period_start, time(0), tzinfo=local_now.tzinfo)
    got = metrics.achieved(
        session,
        target.metric,
        owner_ids,
        metrics.Window(since, local_now),
        (target.period_start, min(today, target.period_end)),
        target.currency,
    )
    period = Period(target.period_start, target.period_end, target.period)
    return TargetPace(
        metric=target.metric,
        period=target.period,
        currency=target.currency,
        pace=pace(target.amount, got, period, today, calendar, started_on),
    )


def person_paces(
    session: Session, person_id: int, local_now: datetime, calendar: WorkCalendar
) -> list[TargetPace]:
    """Where the person stands on each of their own targets in force today (the pacing DM's
    and the Home tab's rows), counted from when they first joined a team."""
    joined = teams.first_joined(session, person_id)
    return [
        target_pace(session, target, [person_id], local_now, calendar, joined)
        for target in targets.targets_for_person(session, person_id, local_now.date())
    ]


class DailyPacing:
    name = "daily_pacing"
    # A pacing or follow-up DM is about one day: not worth sending once it is over.
    useful_on_its_day_only = True

    def __init__(self, at: time) -> None:
        self._at = at
        self.summary = f"Pacing DM to each rep, {at:%H:%M} their time, working days"

    def send_time(self) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        return local_day.isoformat()

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return reps(ctx)

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        assert recipient.person_id is not None
        today = local_now.date()
        calendar = recipient.calendar
        with ctx.db.reading() as session:
            person = person_by_id(session, recipient.person_id)
            rows = person_paces(session, person.id, local_now, calendar)
            last_day = calendar.previous_working_day(today)
            visited = metrics.visits_on(session, person.id, last_day)
            # Done and snoozed follow-ups stay out, as in the follow-up DM.
            due = [v for v in due_follow_ups(session, person.id, today) if v.follow_up_due == today]
            if not rows and not visited and not due:
                return None
            return pacing_message(today, rows, last_day, visited, due)
