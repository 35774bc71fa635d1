"""Manager digests: daily team pacing and activity; weekly funnel review (Monday)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from blocks.common import Message, context
from blocks.home import WEEKDAYS
from sales.localtime import local_days_around
from sales.workdays import WorkCalendar
from scheduler.job import Recipient, RunFacts, facts_of
from scheduler.recipients import roster, team_channels
from services.charts import (
    CHARTS,
    ChartBatches,
    ChartSpec,
    burn_up_spec,
    draw_all,
    funnel_spec,
)
from store import sent, teams
from store.models import Team
from translations import Language, gettext, msg

if TYPE_CHECKING:
    from reports.book import Book
    from reports.teams import TeamFacts
    from services.context import BotContext

# The digests' numbers and Block Kit (reports.teams, blocks.digests and all they reuse) are
# imported where a digest is loaded or composed, so that listing the jobs (`bot.py jobs`)
# does without them.

MAX_BURN_UPS = 3
# The weekly review loads its numbers this many teams at a time (see ReviewSlices): a
# slice's statements are a few, and its facts a tenth of a thousand teams'.
SLICE_TEAMS = 100


def _team_ids(ctx: BotContext, team_id: int) -> list[int]:
    with ctx.db.reading() as session:
        team = teams.team_by_id(session, team_id)
        return [rep.id for rep in teams.members(team)] if team else []


def _people_of_teams(ctx: BotContext) -> dict[int, list[int]]:
    """Each team's members and managers: a slice's numbers are loaded for its teams' people
    (a team with no members is still found through its managers)."""
    found = roster(ctx)
    return {
        team.id: sorted({membership.person_id for membership in team.memberships})
        for team in found.teams
    }


def _team(roster_team: Team | None) -> Team:
    assert roster_team is not None
    return roster_team


def load_digest_facts(ctx: BotContext, rep_ids: Collection[int] | None, now: datetime) -> TeamFacts:
    from reports.teams import load_team_facts

    with ctx.db.reading() as session:
        return load_team_facts(
            session,
            ctx.settings.holiday_country,
            rep_ids,
            local_days_around(now),
            ctx.settings.default_currency,
            ctx.settings.stage_probability,
            ctx.settings.tier_cadence_days,
        )


def load_review_book(ctx: BotContext, rep_ids: Collection[int] | None, now: datetime) -> Book:
    from reports.book import load_book
    from reports.teams import REVIEW_WEEKS

    days = local_days_around(now)
    # The charts look back four weeks, and a target's whole period.
    look_back = timedelta(weeks=REVIEW_WEEKS + 1)
    with ctx.db.reading() as session:
        return load_book(
            session,
            ctx.settings.holiday_country,
            rep_ids,
            days,
            since=days[0] - look_back,
            default_currency=ctx.settings.default_currency,
            probabilities=ctx.settings.stage_probability,
        )


@dataclass(frozen=True)
class ReviewFacts:
    """The weekly review's numbers for a slice of teams, and their charts, drawn on every
    core a few messages ahead of the one being composed: first those due now and not yet
    sent, then (only when asked for) the others."""

    book: Book
    charts: ChartBatches  # by ledger recipient


class ReviewSlices:
    """A run's facts, a slice of teams at a time: loading a slice lets the one before go,
    so a run holds one slice's numbers, not every team's."""

    def __init__(self, load: Callable[[list[Recipient], datetime], ReviewFacts]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._loaded: tuple[ReviewSlice, datetime, ReviewFacts] | None = None

    def facts(self, part: ReviewSlice, now: datetime) -> ReviewFacts:
        with self._lock:
            if self._loaded is None or self._loaded[:2] != (part, now):
                self._loaded = None  # let the slice before go before loading the next
                self._loaded = (part, now, self._load(part.recipients, now))
            return self._loaded[2]


@dataclass(frozen=True, eq=False)
class ReviewSlice:
    """Some teams' recipients, whose facts are loaded together."""

    slices: ReviewSlices
    recipients: list[Recipient]

    def at(self, now: datetime) -> ReviewFacts:
        return self.slices.facts(self, now)


def sliced(recipients: list[Recipient], slices: ReviewSlices, size: int) -> list[Recipient]:
    """The recipients, each team's in one slice of `size` teams (in the order listed), each
    recipient carrying its slice."""
    by_team: dict[int | None, list[Recipient]] = {}
    for recipient in recipients:
        by_team.setdefault(recipient.team_id, []).append(recipient)
    groups = list(by_team.values())
    found = []
    for first in range(0, len(groups), size):
        members = [r for group in groups[first : first + size] for r in group]
        part = ReviewSlice(slices, members)
        facts = RunFacts(lambda _now, part=part: part)
        found += [replace(recipient, facts=facts) for recipient in members]
    order = {recipient.key: index for index, recipient in enumerate(recipients)}
    return sorted(found, key=lambda recipient: order[recipient.key])


def team_charts(
    book: Book, team: Team, local_now: datetime, calendar: WorkCalendar, language: Language
) -> list[ChartSpec]:
    """The review's charts of one team: its first burn-ups, then its funnel."""
    rep_ids = [rep.id for rep in teams.members(team)]
    specs = [
        burn_up_spec(
            book.activity, target, rep_ids, local_now, calendar, who=team.name, language=language
        )
        for target in book.targets.for_team(team.id, local_now.date())[:MAX_BURN_UPS]
    ]
    specs.append(funnel_spec(book.activity, rep_ids, local_now, who=team.name, language=language))
    return specs


class ManagerDigest:
    name = "manager_digest"

    def __init__(self, at: time) -> None:
        self._at = at
        self.summary = msg(
            "Team digest to the team channel (or managers), {time} manager's time",
            time=f"{at:%H:%M}",
        )

    def send_time(self) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        return local_day.isoformat()

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return team_channels(ctx, RunFacts(lambda now: load_digest_facts(ctx, None, now)))

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        from blocks.digests import daily_digest_message
        from reports.teams import daily_digest

        team_id = recipient.team_id
        assert team_id is not None
        facts = facts_of(
            recipient,
            local_now,
            lambda now: load_digest_facts(ctx, _team_ids(ctx, team_id), now),
        )
        team = _team(facts.book.roster.team(team_id))
        return daily_digest_message(
            recipient.language, daily_digest(facts, team, local_now, recipient.calendar)
        )


class WeeklyReview:
    name = "weekly_digest"

    def __init__(self, at: time, weekday: int) -> None:
        self._at = at
        self._weekday = weekday
        self.summary = msg(
            "Weekly funnel review to each team, {weekday} {time}",
            weekday=msg(WEEKDAYS[weekday]),
            time=f"{at:%H:%M}",
        )

    def send_time(self) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        # Due on the chosen weekday, or on the week's next working day when that is a
        # holiday; like every job, a missed send is caught up that same day only.
        monday = local_day - timedelta(days=local_day.weekday())
        chosen, sunday = monday + timedelta(days=self._weekday), monday + timedelta(days=6)
        if local_day not in calendar.working_days(chosen, sunday)[:1]:
            return None
        year, week, _ = local_day.isocalendar()
        return f"{year}-W{week:02d}"

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        people = _people_of_teams(ctx)
        slices = ReviewSlices(lambda group, now: self._load(ctx, group, people, now))
        return sliced(team_channels(ctx), slices, SLICE_TEAMS)

    def _load(
        self,
        ctx: BotContext,
        group: list[Recipient],
        people: dict[int, list[int]],
        now: datetime,
    ) -> ReviewFacts:
        """These recipients' teams' numbers; their charts: first those due now and not yet
        sent, then the others."""
        from scheduler.delivery import due_period

        team_ids = {r.team_id for r in group if r.team_id is not None}
        book = load_review_book(ctx, sorted({p for t in team_ids for p in people.get(t, ())}), now)
        due = {r.key: period for r in group if (period := due_period(self, r, now)) is not None}
        with ctx.db.reading() as session:
            done = sent.sent_to(session, self.name, set(due.values()))
        wanted = [r.key for r in group if r.key in due and (due[r.key], r.key) not in done]
        chosen = set(wanted)
        others = [r.key for r in group if r.key not in chosen]
        by_key = {r.key: r for r in group}

        def specs_of(key: str) -> list[ChartSpec]:
            r = by_key[key]
            team = self._team_of(book, r)
            return team_charts(book, team, r.local(now), r.calendar, r.language)

        return ReviewFacts(book, ChartBatches(specs_of, wanted, others))

    @staticmethod
    def _team_of(book: Book, recipient: Recipient) -> Team:
        assert recipient.team_id is not None
        return _team(book.roster.team(recipient.team_id))

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        from blocks.digests import weekly_digest_message
        from reports.teams import weekly_review

        team_id = recipient.team_id
        assert team_id is not None
        part = facts_of(
            recipient,
            local_now,
            lambda now: ReviewFacts(
                load_review_book(ctx, _team_ids(ctx, team_id), now), ChartBatches(list)
            ),
        )
        facts = part.at(local_now.astimezone(UTC)) if isinstance(part, ReviewSlice) else part
        book = facts.book
        team = self._team_of(book, recipient)
        charts = facts.charts.take(recipient.key)
        if charts is None:
            charts = draw_all(
                team_charts(book, team, local_now, recipient.calendar, recipient.language)
            )
        language = recipient.language
        message = weekly_digest_message(language, weekly_review(book, team, local_now))
        message["blocks"].append(
            context(gettext(language, ":bar_chart: Burn-up and funnel charts in the thread."))
        )
        message[CHARTS] = charts
        return message
