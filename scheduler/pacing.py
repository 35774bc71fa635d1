"""Daily pacing: each rep's targets, by DM, at their own local morning on working days."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from blocks.common import Message
from sales.localtime import local_days_around
from sales.workdays import WorkCalendar
from scheduler.job import Recipient, RunFacts, facts_of
from scheduler.recipients import reps
from store import metrics
from store.follow_ups import FollowUp, is_due, open_follow_ups
from store.metrics import LoggedVisit
from translations import msg

if TYPE_CHECKING:
    from reports.book import Book
    from services.context import BotContext

# The DM's numbers and Block Kit (reports.book, reports.pacing, blocks.pacing and all they
# reuse) are imported where they are loaded and composed, so that listing the jobs
# (`bot.py jobs`) does without them.


@dataclass(frozen=True)
class PacingFacts:
    """Everything every rep's pacing DM says, for one run."""

    book: Book
    visited: dict[tuple[int, date], list[LoggedVisit]]  # (rep, day) -> visits logged that day
    follow_ups: dict[int, list[FollowUp]]  # rep -> open follow-ups due on some local today


def load_pacing_facts(
    ctx: BotContext, rep_ids: Collection[int] | None, now: datetime
) -> PacingFacts:
    """The pacing DM's facts for these reps (None: every rep), wherever it is morning."""
    from reports.book import load_book

    days = local_days_around(now)
    with ctx.db.reading() as session:
        book = load_book(
            session,
            ctx.settings.holiday_country,
            rep_ids,
            days,
            default_currency=ctx.settings.default_currency,
            probabilities=ctx.settings.stage_probability,
        )
        calendars = {book.roster.calendar_of(rep) for rep in book.roster.reps()}
        calendars.add(book.roster.team_calendar_default())
        last_days = {
            calendar.previous_working_day(day)
            for calendar in calendars
            for day in (days[0], now.date(), days[1])
        }
        return PacingFacts(
            book=book,
            visited=metrics.visits_on_days(session, rep_ids, last_days),
            follow_ups=open_follow_ups(session, rep_ids, days[1], since=days[0]),
        )


class DailyPacing:
    name = "daily_pacing"
    # A pacing or follow-up DM is about one day: not worth sending once it is over.
    useful_on_its_day_only = True

    def __init__(self, at: time) -> None:
        self._at = at
        self.summary = msg(
            "Pacing DM to each rep, {time} their time, working days", time=f"{at:%H:%M}"
        )

    def send_time(self) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        return local_day.isoformat()

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return reps(ctx, RunFacts(lambda now: load_pacing_facts(ctx, None, now)))

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        from blocks.pacing import pacing_message
        from reports.forecast import person_forecasts
        from reports.pacing import person_paces

        person_id = recipient.person_id
        assert person_id is not None
        facts = facts_of(recipient, local_now, lambda now: load_pacing_facts(ctx, [person_id], now))
        today = local_now.date()
        calendar = recipient.calendar
        rows = person_paces(facts.book, person_id, local_now, calendar)
        last_day = calendar.previous_working_day(today)
        visited = facts.visited.get((person_id, last_day), [])
        # Done and snoozed follow-ups stay out, as in the follow-up DM.
        due = [
            visit
            for visit in facts.follow_ups.get(person_id, [])
            if visit.follow_up_due == today and is_due(visit, today)
        ]
        if not rows and not visited and not due:
            return None
        forecasts = person_forecasts(facts.book, person_id, local_now)
        return pacing_message(recipient.language, today, rows, last_day, visited, due, forecasts)
