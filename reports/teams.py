"""A team as its managers see it: each rep's pacing and visits, the team's targets, stage
moves, quiet reps and collections (the daily digest and the Home team view), and the
funnel review (the weekly digest) — for every team from one load."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from blocks.customers import ColdCustomer
from blocks.deals import named_deal
from blocks.digests import Collections, DailyDigest, Move, RepCollections, RepDay, WeeklyDigest
from blocks.pacing import TargetPace
from reports.book import Book, load_book, local_window
from reports.cadence import CadenceBook, load_cadence_book
from reports.forecast import team_forecast
from reports.pacing import leaderboard, target_pace, team_paces
from sales.activity import Activity
from sales.collections import aging_bucket, days_overdue, outstanding
from sales.fx import Valuation, convert_total
from sales.kpis import (
    RepConversion,
    average,
    below_team_average,
    conversion_rates,
    lead_or_conversion_problem,
    median_days,
)
from sales.pacing import history_days
from sales.periods import month_of
from sales.workdays import WorkCalendar
from store import metrics, payments, teams
from store.metrics import StageMove
from store.models import Person, Team
from store.payments import Overdue
from store.targets import TargetInForce

QUIET_WORKING_DAYS = 3
REVIEW_WEEKS = 4
# The daily digest looks back at most this far (the last working day, the quiet reps' days).
LOOK_BACK = timedelta(days=31)
# The last working day is never further back than this (the longest holiday runs).
LAST_DAY_BACK = timedelta(days=14)


@dataclass
class TeamFacts:
    """What every team's digest says, for one instant: a book plus the day's moves, each
    rep's last visit and what is overdue."""

    book: Book
    moves: list[StageMove]  # of the loaded people's deals, over the span
    last_visits: dict[int, date]
    overdue: list[Overdue]  # owed and due before the span's last day
    cadence: CadenceBook = field(default_factory=CadenceBook)  # for "going cold"
    _moves_of: dict[int, list[StageMove]] = field(default_factory=dict)
    _overdue_of: dict[int, list[Overdue]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for change in self.moves:
            self._moves_of.setdefault(change.owner_id, []).append(change)
        for instalment in self.overdue:
            self._overdue_of.setdefault(instalment.owner_id, []).append(instalment)

    def moves_of(self, owner_ids: Collection[int]) -> list[StageMove]:
        """These owners' moves, in the order they happened."""
        found = [change for owner in set(owner_ids) for change in self._moves_of.get(owner, [])]
        return sorted(found, key=lambda change: (change.changed_at, change.id))

    def overdue_of(self, owner_ids: Collection[int]) -> list[Overdue]:
        """These owners' overdue instalments, by due date."""
        found = [item for owner in set(owner_ids) for item in self._overdue_of.get(owner, [])]
        return sorted(found, key=lambda item: (item.due_on, item.id))


def load_team_facts(
    session: Session,
    default_country: str | None,
    owner_ids: Collection[int] | None,
    days: tuple[date, date],
    default_currency: str = "USD",
    probabilities: Mapping[str, int] | None = None,
    cadence_days: Mapping[str, int] | None = None,
) -> TeamFacts:
    """The team numbers of these people (None: everyone) for local days `days` (with the
    forecast's open deals, given stage `probabilities`); with `cadence_days`, also their
    customers going cold."""
    since = min(days[0] - LOOK_BACK, month_of(days[0]).start)
    book = load_book(
        session,
        default_country,
        owner_ids,
        days,
        since=since,
        default_currency=default_currency,
        probabilities=probabilities,
    )
    start = datetime.combine(days[0] - LAST_DAY_BACK, time(0), tzinfo=UTC)
    end = datetime.combine(days[1] + timedelta(days=2), time(0), tzinfo=UTC)
    return TeamFacts(
        book=book,
        moves=metrics.moves_between(session, owner_ids, start, end),
        last_visits=metrics.last_visit_days(session, owner_ids),
        overdue=payments.overdue_instalments(session, owner_ids, days[1]),
        cadence=CadenceBook()
        if cadence_days is None
        else load_cadence_book(session, owner_ids, cadence_days),
    )


def rep_day(
    activity: Activity,
    targets: list[TargetInForce],  # the rep's own, in force
    team: Team,
    rep: Person,
    local_now: datetime,
    calendar: WorkCalendar,
    visits_last_day: int,
) -> RepDay:
    """A rep's line in the digest: pacing on their own targets (counted from when they joined
    this team), visits on the last working day, and why they are behind."""
    joined = teams.joined_on(team, rep.id)
    paces = [
        target_pace(activity, target, [rep.id], local_now, calendar, joined) for target in targets
    ]
    by_metric = {row.metric: row.pace for row in paces}

    def share(metric: str) -> float | None:
        pace = by_metric.get(metric)
        return float(pace.achieved / pace.expected) if pace and pace.expected else None

    behind = any(row.pace.gap > 0 for row in paces)
    cause = lead_or_conversion_problem(share("visits"), share("revenue")) if behind else None
    return RepDay(rep.slack_user_id, paces, visits_last_day, cause)


def rep_days(
    book: Book, team: Team, reps: list[Person], local_now: datetime, calendar: WorkCalendar
) -> list[RepDay]:
    today = local_now.date()
    last_day = calendar.previous_working_day(today)
    visits = book.activity.visits_by_rep([rep.id for rep in reps], last_day, last_day)
    return [
        rep_day(
            book.activity,
            book.targets.for_person(rep.id, today),
            team,
            rep,
            local_now,
            calendar,
            visits.get(rep.id, 0),
        )
        for rep in reps
    ]


def collections_summary(
    activity: Activity,
    overdue_instalments: list[Overdue],
    reps: list[Person],
    today: date,
    paces: list[TargetPace],
    currency: str,
) -> Collections | None:
    """Cash collected against the team's `collected` target, and what is overdue, aged
    per rep, with totals in `currency` (the team's). None when the team has no collected
    target, no cash and nothing overdue."""
    rep_ids = {rep.id for rep in reps}
    target = next((row for row in paces if row.metric == "collected"), None)
    month = month_of(today)
    collected = activity.collected_by_currency(rep_ids, month.start, today)
    collected_total = activity.collected_in(rep_ids, month.start, today, currency)
    overdue: dict[str, Decimal] = defaultdict(Decimal)
    aged: dict[int, dict[str, dict[str, Decimal]]] = {}
    for instalment in overdue_instalments:
        if instalment.owner_id not in rep_ids or instalment.due_on >= today:
            continue
        owed = outstanding(instalment.amount, instalment.paid_amount)
        bucket = aging_bucket(days_overdue(instalment.due_on, today))
        if bucket is None or not owed:
            continue
        overdue[instalment.currency] += owed
        by_bucket = aged.setdefault(instalment.owner_id, {})
        by_currency = by_bucket.setdefault(bucket, defaultdict(Decimal))
        by_currency[instalment.currency] += owed
    if target is None and not collected and not overdue:
        return None
    # What is owed is worth what it would fetch today.
    now = Valuation(currency, activity.rates, today)
    return Collections(
        period=target.period if target else month.label,
        collected=collected,
        target=target,
        overdue=dict(sorted(overdue.items())),
        collected_total=collected_total,
        overdue_total=now.total(_pairs(overdue)),
        reps=[
            RepCollections(
                rep.slack_user_id,
                {bucket: now.total(_pairs(amounts)) for bucket, amounts in aged[rep.id].items()},
                now.total(pair for amounts in aged[rep.id].values() for pair in _pairs(amounts)),
            )
            for rep in reps
            if rep.id in aged
        ],
    )


def _pairs(by_currency: dict[str, Decimal]) -> list[tuple[Decimal, str]]:
    return [(value, its_currency) for its_currency, value in by_currency.items()]


def daily_digest(
    facts: TeamFacts, team: Team, local_now: datetime, calendar: WorkCalendar
) -> DailyDigest:
    """The manager digest's numbers for one team at `local_now`."""
    today = local_now.date()
    last_day = calendar.previous_working_day(today)
    book = facts.book
    reps = teams.members(team)
    rep_ids = {rep.id for rep in reps}
    paces = team_paces(book, team.id, rep_ids, local_now, calendar)
    window = local_window(last_day, last_day, local_now)
    return DailyDigest(
        team=team.name,
        today=today,
        last_day=last_day,
        team_paces=paces,
        reps=rep_days(book, team, reps, local_now, calendar),
        moves=[
            Move(
                deal_id=change.deal_id,
                deal=named_deal(change.customer_name, change.title),
                owner=change.owner_slack_id,
                from_stage=change.from_stage or "",
                to_stage=change.to_stage,
            )
            for change in facts.moves_of(rep_ids)
            if change.changed_at in window
        ],
        quiet=quiet_reps(facts.last_visits, reps, today, calendar, _joined(team)),
        collections=collections_summary(
            book.activity, facts.overdue_of(rep_ids), reps, today, paces, book.team_currency(team)
        ),
        forecast=team_forecast(book, team, reps, local_now),
        going_cold=going_cold_of(facts, reps, today),
    )


def going_cold_of(
    facts: TeamFacts, reps: list[Person], today: date
) -> list[tuple[str, list[ColdCustomer]]]:
    """Each rep's customers overdue for a visit on `today` (reps with none left out)."""
    found = [(rep.slack_user_id, facts.cadence.going_cold(rep.id, today)) for rep in reps]
    return [(rep, cold) for rep, cold in found if cold]


def quiet_reps(
    last_visits: dict[int, date],
    reps: list[Person],
    today: date,
    calendar: WorkCalendar,
    joined: dict[int, date] | None = None,
) -> list[str]:
    """Reps with no visit in the last few working days; someone on the team for under a
    working day has had no chance to be quiet yet."""
    days = calendar.last_working_days(today, QUIET_WORKING_DAYS)
    since = joined or {}
    return [
        rep.slack_user_id
        for rep in reps
        if (last_visits.get(rep.id) is None or last_visits[rep.id] < days[0])
        and (rep.id not in since or history_days(calendar, since[rep.id], today) >= 1)
    ]


def _joined(team: Team) -> dict[int, date]:
    return {m.person_id: m.joined_on for m in team.memberships if m.role == teams.MEMBER}


def weekly_review(book: Book, team: Team, local_now: datetime) -> WeeklyDigest:
    """The weekly funnel review's numbers: the last four whole weeks before today."""
    last_day = local_now.date() - timedelta(days=1)
    first_day = last_day - timedelta(weeks=REVIEW_WEEKS) + timedelta(days=1)
    reps = teams.members(team)
    funnel = book.activity.funnel(
        [rep.id for rep in reps], local_window(first_day, last_day, local_now)
    )
    rates = [
        RepConversion.of(
            rep.slack_user_id,
            funnel.proposals_by_rep.get(rep.id, 0),
            *funnel.outcomes_by_rep.get(rep.id, (0, 0)),
        )
        for rep in reps
    ]
    team_rate, below = below_team_average(rates)
    currency = book.team_currency(team)
    rates = book.activity.rates
    # Each won deal in the team's currency at its win day's rate; those with no rate are
    # left out of the average as they are of the total (the digest names them).
    won_each = [convert_total([won], currency, rates) for won in funnel.won_dated]
    return WeeklyDigest(
        team=team.name,
        first_day=first_day,
        last_day=last_day,
        reached=funnel.reached,
        conversions=conversion_rates(funnel.reached),
        won_amounts=funnel.won_amounts,
        won_total=convert_total(funnel.won_dated, currency, rates),
        average_deal=average([each.total for each in won_each if each.complete]),
        median_cycle_days=median_days(funnel.cycle_times),
        skipped=funnel.skipped,
        team_rate=team_rate,
        below_average=below,
        forecast=team_forecast(book, team, reps, local_now),
        leaderboard=leaderboard(book, reps, local_now) if team.leaderboard else [],
    )
