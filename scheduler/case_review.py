"""Weekly case review: the prompt to each rep, one reminder the next working morning to those
who have not written theirs, and the managers' summary that same morning.

Each team may choose its prompt day and time (`/team <name> casereview friday 16:00`); a
rep follows their first team's choice, or CASE_PROMPT_DAY / CASE_PROMPT_TIME. All three
jobs use the prompted ISO week as their ledger period, so each is sent once a week.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from blocks.common import Message
from blocks.home import WEEKDAYS
from reports.cases import CaseStatus, load_case_status, weeks_around
from reports.roster import Roster, load_roster
from sales.case_review import prompt_week, reminder_week, week_monday, week_of
from sales.localtime import local_days_around
from sales.workdays import WorkCalendar
from scheduler.job import Recipient, RunFacts, WeeklySlot, facts_of
from scheduler.recipients import manager_dm, reps, roster
from services.cases import case_slot
from store import sent, teams
from store.models import Team
from translations import msg

if TYPE_CHECKING:
    from services.context import BotContext

# The messages' Block Kit (blocks.cases, and the /case grammar it quotes) is imported
# where a message is composed, so that listing the jobs (`bot.py jobs`) does without it.


@dataclass(frozen=True)
class CaseFacts:
    """What every case-review message of one run says: the weeks' cases and aways, and
    who got the prompt each week."""

    roster: Roster
    status: CaseStatus
    prompted: set[tuple[str, str]]  # (week, ledger recipient)


def load_case_facts(
    ctx: BotContext, person_ids: Collection[int] | None, now: datetime
) -> CaseFacts:
    weeks = weeks_around(local_days_around(now))
    with ctx.db.reading() as session:
        return CaseFacts(
            roster=load_roster(session, ctx.settings.holiday_country),
            status=load_case_status(session, person_ids, weeks),
            prompted=sent.sent_to(session, CasePrompt.name, weeks),
        )


def _facts(ctx: BotContext) -> RunFacts[CaseFacts]:
    return RunFacts(lambda now: load_case_facts(ctx, None, now))


def _alone(ctx: BotContext, recipient: Recipient) -> Callable[[datetime], CaseFacts]:
    """A hand-made recipient's facts: theirs, or (for a manager) their team's."""

    def load(now: datetime) -> CaseFacts:
        ids: list[int] = []
        if recipient.team_id is not None:
            with ctx.db.reading() as session:
                team = teams.team_by_id(session, recipient.team_id)
                ids = [person.id for person in teams.members(team)] if team else []
        if recipient.person_id is not None:
            ids.append(recipient.person_id)
        return load_case_facts(ctx, ids, now)

    return load


def case_reps(ctx: BotContext) -> list[Recipient]:
    """Every rep, with the team their cases go to and that team's prompt slot."""
    facts = _facts(ctx)
    found = roster(ctx)
    recipients = []
    for recipient in reps(ctx, facts):
        assert recipient.person_id is not None
        team = _home_team(found, recipient.person_id)
        slot = case_slot(team, ctx.settings)
        recipients.append(replace(recipient, team_id=team.id if team else None, slot=slot))
    return recipients


def _home_team(found: Roster, person_id: int) -> Team | None:
    """The team a person's cases belong to (as store.cases.home_team says)."""
    as_member = found.teams_of(person_id, teams.MEMBER)
    if as_member:
        return as_member[0]
    managed = found.teams_of(person_id, teams.MANAGER)
    return managed[0] if managed else None


def team_managers(ctx: BotContext) -> list[Recipient]:
    """Each manager of each team, by DM, with the team's prompt slot."""
    facts = _facts(ctx)
    found = roster(ctx)
    recipients = []
    for team in found.teams:
        slot = case_slot(team, ctx.settings)
        calendar = found.team_calendar(team)
        # Outside the transaction: refreshing a stale profile asks Slack and writes.
        recipients += [
            manager_dm(ctx, team, manager, calendar, facts, slot)
            for manager in teams.members(team, teams.MANAGER)
        ]
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
        self.summary = msg(
            "Case-review prompt DM to each rep, {weekday} {time} their time (or their team's "
            "day and time)",
            weekday=msg(WEEKDAYS[weekday]),
            time=f"{at:%H:%M}",
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
        from blocks.cases import case_prompt

        person_id = recipient.person_id
        assert person_id is not None
        week = week_of(local_now.date())
        facts = facts_of(recipient, local_now, _alone(ctx, recipient))
        if facts.status.has_case(person_id, week):
            return None  # written before being asked
        if facts.status.is_away(person_id, week):
            return None
        return case_prompt(week, language=recipient.language)


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
        self.summary = msg(
            "Case-review reminder DM, {time} the rep's time the working day after the prompt, "
            "to reps without a case that week",
            time=f"{at:%H:%M}",
        )

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return case_reps(ctx)

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        from blocks.cases import case_prompt

        person_id = recipient.person_id
        assert person_id is not None
        week = self._reminder_week(recipient, local_now.date())
        if week is None:
            return None
        facts = facts_of(recipient, local_now, _alone(ctx, recipient))
        if (week, recipient.key) not in facts.prompted:
            return None  # never asked (joined since, away, or had written it already)
        if facts.status.has_case(person_id, week):
            return None
        if facts.status.is_away(person_id, week):
            return None
        return case_prompt(week, reminder=True, language=recipient.language)


class CaseSummary(_MorningAfterPrompt):
    """Each team's managers, by DM, the morning of the reminders: who wrote their case."""

    name = "case_summary"

    def __init__(self, weekday: int, at: time) -> None:
        super().__init__(weekday, at)
        self.summary = msg(
            "Case-review summary DM to each team's managers, {time} their time the working day "
            "after the prompt",
            time=f"{at:%H:%M}",
        )

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return team_managers(ctx)

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        from blocks.cases import WeekSummary, case_summary

        assert recipient.team_id is not None
        week = self._reminder_week(recipient, local_now.date())
        monday = week_monday(week) if week else None
        if week is None or monday is None:
            return None
        facts = facts_of(recipient, local_now, _alone(ctx, recipient))
        team = facts.roster.team(recipient.team_id)
        if team is None:
            return None
        members = teams.members(team)
        if not members:
            return None
        ids = [person.id for person in members]
        written = facts.status.submitted(ids, week)
        authors = {case.author_id for case in written}
        away = facts.status.away_in(ids, week)
        summary = WeekSummary(
            team=team.name,
            week=week,
            submitted=written,
            missing=[p.slack_user_id for p in members if p.id not in authors and p.id not in away],
            away=[p.slack_user_id for p in members if p.id in away and p.id not in authors],
        )
        return case_summary(summary, recipient.language)
