"""Manager digests: daily team pacing and activity; weekly funnel review (Monday)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from blocks.common import Message, context
from blocks.digests import (
    Collections,
    DailyDigest,
    Move,
    RepCollections,
    RepDay,
    WeeklyDigest,
    daily_digest_message,
    weekly_digest_message,
)
from blocks.pacing import TargetPace
from sales.collections import aging_bucket, days_overdue, outstanding
from sales.kpis import (
    RepConversion,
    average,
    below_team_average,
    conversion_rates,
    lead_or_conversion_problem,
    median_days,
)
from sales.money import format_money
from sales.periods import month_of
from sales.workdays import WorkCalendar
from scheduler.job import Recipient
from scheduler.pacing import target_pace
from scheduler.recipients import team_channels
from services.charts import CHARTS, burn_up_chart, funnel_chart
from services.context import BotContext
from store import metrics, payments, targets, teams
from store.models import Person, Team

QUIET_WORKING_DAYS = 3
MAX_BURN_UPS = 3
REVIEW_WEEKS = 4


def local_window(first: date, last: date, local_now: datetime) -> metrics.Window:
    """Whole local days `first`..`last` as a UTC window."""
    start = datetime.combine(first, time(0), tzinfo=local_now.tzinfo)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=local_now.tzinfo)
    return metrics.Window(start, end)


def _team(session: Session, recipient: Recipient) -> Team:
    assert recipient.team_id is not None
    team = teams.team_by_id(session, recipient.team_id)
    assert team is not None
    return team


def rep_day(
    session: Session,
    team: Team,
    rep: Person,
    local_now: datetime,
    calendar: WorkCalendar,
    visits_last_day: int,
) -> RepDay:
    joined = teams.joined_on(team, rep.id)
    paces = [
        target_pace(session, target, [rep.id], local_now, calendar, joined)
        for target in targets.targets_for_person(session, rep.id, local_now.date())
    ]
    by_metric = {row.metric: row.pace for row in paces}

    def share(metric: str) -> float | None:
        pace = by_metric.get(metric)
        return float(pace.achieved / pace.expected) if pace and pace.expected else None

    behind = any(row.pace.gap > 0 for row in paces)
    cause = lead_or_conversion_problem(share("visits"), share("revenue")) if behind else None
    return RepDay(rep.slack_user_id, paces, visits_last_day, cause)


def collections_summary(
    session: Session, reps: list[Person], today: date, team_paces: list[TargetPace]
) -> Collections | None:
    """Cash collected against the team's `collected` target, and what is overdue, aged
    per rep. None when the team has no collected target, no cash and nothing overdue."""
    rep_ids = [rep.id for rep in reps]
    target = next((row for row in team_paces if row.metric == "collected"), None)
    month = month_of(today)
    collected = metrics.collected_by_currency(session, rep_ids, month.start, today)
    overdue: dict[str, Decimal] = defaultdict(Decimal)
    aged: dict[int, dict[str, dict[str, Decimal]]] = {}
    for instalment in payments.overdue_instalments(session, rep_ids, today):
        owed = outstanding(instalment.amount, instalment.paid_amount)
        bucket = aging_bucket(days_overdue(instalment.due_on, today))
        if bucket is None or not owed:
            continue
        overdue[instalment.currency] += owed
        by_bucket = aged.setdefault(instalment.deal.owner_id, {})
        by_currency = by_bucket.setdefault(bucket, defaultdict(Decimal))
        by_currency[instalment.currency] += owed
    if target is None and not collected and not overdue:
        return None
    return Collections(
        period=target.period if target else month.label,
        collected=collected,
        target=target,
        overdue=dict(sorted(overdue.items())),
        reps=[
            RepCollections(
                rep.slack_user_id,
                {bucket: dict(amounts) for bucket, amounts in aged[rep.id].items()},
            )
            for rep in reps
            if rep.id in aged
        ],
    )


class ManagerDigest:
    name = "manager_digest"

    def __init__(self, at: time) -> None:
        self._at = at
        self.summary = f"Team digest to the team channel (or managers), {at:%H:%M} manager's time"

    def send_time(self) -> time:
        return self._at

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        return local_day.isoformat()

    def recipients(self, ctx: BotContext) -> list[Recipient]:
        return team_channels(ctx)

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        today, calendar = local_now.date(), recipient.calendar
        last_day = calendar.previous_working_day(today)
        with ctx.db.reading() as session:
            team = _team(session, recipient)
            reps = teams.members(team)
            rep_ids = [rep.id for rep in reps]
            visits = metrics.visits_by_rep(session, rep_ids, last_day, last_day)
            team_paces = [
                target_pace(session, target, rep_ids, local_now, calendar)
                for target in targets.targets_for_team(session, team.id, today)
            ]
            digest = DailyDigest(
                team=team.name,
                today=today,
                last_day=last_day,
                team_paces=team_paces,
                reps=[
                    rep_day(session, team, rep, local_now, calendar, visits.get(rep.id, 0))
                    for rep in reps
                ],
                moves=[
                    Move(
                        deal_id=change.deal_id,
                        deal=f"{change.deal.customer.name} — {change.deal.title}",
                        owner=change.deal.owner.slack_user_id,
                        from_stage=change.from_stage or "",
                        to_stage=change.to_stage,
                    )
                    for change in metrics.stage_moves(
                        session, rep_ids, local_window(last_day, last_day, local_now)
                    )
                ],
                quiet=self._quiet(session, reps, today, calendar),
                collections=collections_summary(session, reps, today, team_paces),
            )
        return daily_digest_message(digest)

    @staticmethod
    def _quiet(
        session: Session, reps: list[Person], today: date, calendar: WorkCalendar
    ) -> list[str]:
        days = calendar.last_working_days(today, QUIET_WORKING_DAYS)
        last = metrics.last_visit_days(session, [rep.id for rep in reps])
        return [
            rep.slack_user_id for rep in reps if last.get(rep.id) is None or last[rep.id] < days[0]
        ]


class WeeklyReview:
    name = "weekly_digest"

    def __init__(self, at: time, weekday: int) -> None:
        self._at = at
        self._weekday = weekday
        day_name = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        self.summary = f"Weekly funnel review to each team, {day_name[weekday]} {at:%H:%M}"

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
        return team_channels(ctx)

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        last_day = local_now.date() - timedelta(days=1)
        first_day = last_day - timedelta(weeks=REVIEW_WEEKS) + timedelta(days=1)
        with ctx.db.reading() as session:
            team = _team(session, recipient)
            reps = teams.members(team)
            window = local_window(first_day, last_day, local_now)
            funnel = metrics.funnel(session, [rep.id for rep in reps], window)
            rates = [
                RepConversion.of(
                    rep.slack_user_id,
                    funnel.proposals_by_rep.get(rep.id, 0),
                    funnel.wins_by_rep.get(rep.id, 0),
                )
                for rep in reps
            ]
            team_rate, below = below_team_average(rates)
            currencies = sorted({currency for _, currency in funnel.won_amounts})
            average_deal = ", ".join(
                format_money(mean, currency)
                for currency in currencies
                if (mean := average([v for v, c in funnel.won_amounts if c == currency]))
                is not None
            )
            digest = WeeklyDigest(
                team=team.name,
                first_day=first_day,
                last_day=last_day,
                reached=funnel.reached,
                conversions=conversion_rates(funnel.reached),
                won_amounts=funnel.won_amounts,
                average_deal=average_deal or "—",
                median_cycle_days=median_days(funnel.cycle_times),
                team_rate=team_rate,
                below_average=below,
            )
            rep_ids = [rep.id for rep in reps]
            charts = [
                burn_up_chart(
                    session, target, rep_ids, local_now, recipient.calendar, who=team.name
                )
                for target in targets.targets_for_team(session, team.id, local_now.date())
            ][:MAX_BURN_UPS]
            charts.append(funnel_chart(session, rep_ids, local_now, who=team.name))
        message = weekly_digest_message(digest)
        message["blocks"].append(context(":bar_chart: Burn-up and funnel charts in the thread."))
        message[CHARTS] = charts
        return message
