"""Pacing: where people stand on their targets, from a book's facts."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time
from decimal import Decimal

from blocks.leaderboard import Board, Standing
from blocks.pacing import TargetPace
from reports.book import Book
from sales.activity import Activity, Window
from sales.metrics import METRICS
from sales.pacing import CENTS, pace
from sales.periods import Period
from sales.workdays import WorkCalendar
from store.models import Person, Team
from store.targets import TargetInForce


def target_pace(
    activity: Activity,
    target: TargetInForce,
    owner_ids: Collection[int],
    local_now: datetime,
    calendar: WorkCalendar,
    started_on: date | None = None,
) -> TargetPace:
    """Where `owner_ids` stand on `target` at `local_now`, counted in the owner's own days."""
    today = local_now.date()
    since = datetime.combine(target.period_start, time(0), tzinfo=local_now.tzinfo)
    window = Window(since, local_now)
    days = (target.period_start, min(today, target.period_end))
    got = activity.achieved(target.metric, owner_ids, window, days, target.currency)
    left_out = activity.money_left_out(target.metric, owner_ids, window, days, target.currency)
    period = Period(target.period_start, target.period_end, target.period)
    return TargetPace(
        metric=target.metric,
        period=target.period,
        currency=target.currency,
        pace=pace(target.amount, got, period, today, calendar, started_on, _unit(target.metric)),
        left_out=left_out,
    )


def _unit(metric: str) -> Decimal:
    """What a target is counted in: cents of money, or whole visits, customers, proposals."""
    return CENTS if METRICS[metric].is_money else Decimal(1)


def formed_on(team: Team, local_now: datetime) -> date:
    """The day the team formed, in the reader's time zone."""
    return team.created_at.astimezone(local_now.tzinfo).date()


def person_paces(
    book: Book, person_id: int, local_now: datetime, calendar: WorkCalendar
) -> list[TargetPace]:
    """Where the person stands on each of their own targets in force today (the pacing DM's
    and the Home tab's rows), counted from when they first joined a team."""
    joined = book.roster.first_joined(person_id)
    return [
        target_pace(book.activity, target, [person_id], local_now, calendar, joined)
        for target in book.targets.for_person(person_id, local_now.date())
    ]


def team_paces(
    book: Book, team_id: int, rep_ids: Collection[int], local_now: datetime, calendar: WorkCalendar
) -> list[TargetPace]:
    """Where a team's members together stand on the team's targets in force today, pro-rated
    from the day the team formed (as a rep's are from the day they joined)."""
    team = book.roster.team(team_id)
    formed = formed_on(team, local_now) if team is not None else None
    return [
        target_pace(book.activity, target, rep_ids, local_now, calendar, formed)
        for target in book.targets.for_team(team_id, local_now.date())
    ]


def leaderboard(book: Book, reps: list[Person], local_now: datetime) -> list[Board]:
    """The team's reps ranked on each metric and period they have their own target for, by
    share of that target (then by name): from every rep's pacing, loaded once in `book`.
    Reps with no target of a metric are not ranked on it."""
    boards: dict[tuple[str, str], list[Standing]] = {}
    for rep in sorted(reps, key=lambda person: person.display_name.casefold()):
        calendar = book.roster.calendar_of(rep.id)
        for row in person_paces(book, rep.id, local_now, calendar):
            boards.setdefault((row.metric, row.period), []).append(Standing(rep.slack_user_id, row))
    return [
        Board(
            metric,
            period,
            sorted(standings, key=lambda standing: -standing.pace.pace.fraction_done),
        )
        for (metric, period), standings in sorted(boards.items(), key=lambda item: _order(item[0]))
    ]


def _order(key: tuple[str, str]) -> tuple[int, str]:
    metric, period = key
    return (list(METRICS).index(metric) if metric in METRICS else len(METRICS), period)
