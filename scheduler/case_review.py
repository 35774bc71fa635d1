"""Weekly case review: the prompt to each rep, one reminder the next working morning to those
who have not written theirs, and the managers' summary that same morning.

Each team may choose its prompt day and time (`/team <name> casereview friday 16:00`); a
rep follows their first team's choice, or CASE_PROMPT_DAY / CASE_PROMPT_TIME. All three
jobs use the prompted ISO week as their ledger period, so each is sent once a week.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from blocks.cases import WeekSummary, case_prompt, case_summary
from blocks.common import Message
from sales.case_review import WEEKDAY_NAMES, prompt_week, reminder_week, week_monday, week_of
from sales.workdays import WorkCalendar, calendar_for
from scheduler.job import Recipient, WeeklySlot
from scheduler.recipients import reps
from services.cases import case_slot, is_away_week
from services.context import BotContext
from store import cases, deliveries, teams


def case_reps(ctx: BotContext) -> list[Recipient]:
    """Every rep, with the team their cases go to and that team's prompt slot."""
    recipients = reps(ctx)
    with ctx.db.reading() as session:
        found = []
        for recipient in recipients:
            assert recipient.person_id is not None
            team = cases.home_team(session, recipient.person_id)
            slot = case_slot(team, ctx.settings)
            found.append(replace(recipient, team_id=team.id if team else None, slot=slot))
    return found


def team_managers(ctx: BotContext) -> list[Recipient]:
    """Each manager of each team, by DM, with the team's prompt slot."""
    with ctx.db.reading() as session:
        wanted = [
            (team.id, case_slot(team, ctx.settings), team.holiday_country, manager)
            for team in teams.all_teams(session)
            for manager in teams.members(team, teams.MANAGER)
        ]
    recipients = []
    for team_id, slot, country, manager in wanted:
        # Outside the transaction: refreshing a stale profile asks Slack and writes.
        tz = ctx.people.person(manager.slack_user_id).tz
        calendar = calendar_for(country or ctx.settings.holiday_country)
        key = f"team:{team_id}:{manager.slack_user_id}"
        recipients.append(
            Recipient(key, manager.slack_user_id, tz, calendar, manager.id, team_id, slot)
        )
    return recipients


class _WeeklyCaseJob:
    def __init__(self, default: WeeklySlot) -> None:
        self._default = default

    def _slot(self, recipient: Recipient) -> WeeklySlot:
        return recipient.slot or self._default

    def _reminder_week(self, recipient: Recipient, local_day: date) -> str | None:
        return reminder_week(local_day, self._slot(recipient).weekday, recipient.calendar)


class CasePrompt(_WeeklyCaseJob):
    """Asks each rep for this week's case, on their team's day and time (their own zone)."""

    name = "case_prompt"

    def __init__(self, weekday: int, at: time) -> None:
        super().__init__(WeeklySlot(weekday, at))
        self.summary = (
            f"Case-review prompt DM to each rep, {WEEKDAY_NAMES[weekday]} {at:%H:%M} their "
            "time (or their team's day and time)"
        )

    def send_time(self) -> time:
        return self._default.at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        # The runtime asks period_for (a team may choose its own day); this is the default's.
        return prompt_week(local_day, self._default.weekday, calendar)

    def send_time_for(self, recipient: Recipient) -> time:
        return self._slot(recipient).at

    def period_for(self, local_day: date, recipient: Recipient) -> str | None:
        return prompt_week(local_day, self._slot(recipient).weekday, recipient.calendar)

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return case_reps(ctx)

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        assert recipient.person_id is not None
        week = week_of(local_now.date())
        with ctx.db.reading() as session:
            if cases.has_case(session, recipient.person_id, week):
                return None  # written before being asked
            if is_away_week(session, recipient.person_id, week):
                return None
        return case_prompt(week)


class _MorningAfterPrompt(_WeeklyCaseJob):
    """A job due at `at` on the working day after each recipient's case-review prompt."""

    def __init__(self, weekday: int, at: time) -> None:
        super().__init__(WeeklySlot(weekday, at))
        self._at = at

    def send_time(self) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        # The runtime asks period_for (a team may choose its own day); this is the default's.
        return reminder_week(local_day, self._default.weekday, calendar)

    def send_time_for(self, recipient: Recipient) -> time:
        return self._at

    def period_for(self, local_day: date, recipient: Recipient) -> str | None:
        return self._reminder_week(recipient, local_day)


class CaseReminder(_MorningAfterPrompt):
    """One reminder, the working morning after the prompt, to reps who got the prompt and
    have not written that week's case (and are not away that week)."""

    name = "case_reminder"

    def __init__(self, weekday: int, at: time) -> None:
        super().__init__(weekday, at)
        self.summary = (
            f"Case-review reminder DM, {at:%H:%M} the rep's time the working day after the "
            "prompt, to reps without a case that week"
        )

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return case_reps(ctx)

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        assert recipient.person_id is not None
        week = self._reminder_week(recipient, local_now.date())
        if week is None:
            return None
        with ctx.db.reading() as session:
            if not deliveries.was_sent(session, CasePrompt.name, week, recipient.key):
                return None  # never asked (joined since, away, or had written it already)
            if cases.has_case(session, recipient.person_id, week):
                return None
            if is_away_week(session, recipient.person_id, week):
                return None
        return case_prompt(week, reminder=True)


class CaseSummary(_MorningAfterPrompt):
    """Each team's managers, by DM, the morning of the reminders: who wrote their case."""

    name = "case_summary"

    def __init__(self, weekday: int, at: time) -> None:
        super().__init__(weekday, at)
        self.summary = (
            f"Case-review summary DM to each team's managers, {at:%H:%M} their time the "
            "working day after the prompt"
        )

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return team_managers(ctx)

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        assert recipient.team_id is not None
        week = self._reminder_week(recipient, local_now.date())
        monday = week_monday(week) if week else None
        if week is None or monday is None:
            return None
        with ctx.db.reading() as session:
            team = teams.team_by_id(session, recipient.team_id)
            if team is None:
                return None
            members = teams.members(team)
            if not members:
                return None
            ids = [person.id for person in members]
            written = cases.cases_of_week(session, ids, week)
            authors = {case.author_id for case in written}
            away = cases.away_person_ids(session, ids, monday, monday + timedelta(days=6))
            summary = WeekSummary(
                team=team.name,
                week=week,
                submitted=written,
                missing=[
                    p.slack_user_id for p in members if p.id not in authors and p.id not in away
                ],
                away=[p.slack_user_id for p in members if p.id in away and p.id not in authors],
            )
            return case_summary(summary)
