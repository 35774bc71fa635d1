"""A person's Home tab: what it shows, gathered from the store; publishing it; refreshing it
after the person's own changes.

Everyone sees their own dashboard; people who manage a team (and admins, for every team)
also see a team view; admins also see the settings and the scheduler's health. Numbers are
those of the pacing DM and the manager digest: the same helpers compute them.

Refresh: listeners that change something call `refresh_home_soon` once the change is saved.
It publishes again in the background (the listener has acked and goes on), coalescing a
burst of changes into one publish, and only for people whose Home this process has
published since it started: opening the Home always publishes it afresh anyway.
"""

from __future__ import annotations

import logging
import queue
import threading
import weakref
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.dashboard import (
    CASES_SHOWN,
    DEALS_PER_STAGE,
    FOLLOW_UPS_SHOWN,
    OVERDUE_SHOWN,
    AdminHome,
    CaseRow,
    FollowUpRow,
    Home,
    ManagerHome,
    OverdueRow,
    RepHome,
    StageDeals,
    TeamView,
    home_view,
)
from blocks.deals import named_deal
from blocks.home import HomeState, SettingValue, TeamSettings
from reports.book import local_window
from reports.cases import CaseStatus, load_case_status
from reports.forecast import person_forecasts, team_forecast
from reports.pacing import leaderboard, person_paces, team_paces
from reports.teams import (
    REVIEW_WEEKS,
    TeamFacts,
    collections_summary,
    going_cold_of,
    load_team_facts,
    rep_days,
)
from runtime.settings import ADJUSTABLE, Settings, adjustable_text
from sales.case_review import week_of
from sales.collections import days_overdue, outstanding
from sales.fx import Valuation
from sales.kpis import conversion_rates
from sales.localtime import zone
from sales.permissions import Actor
from sales.stages import OPEN_STAGES
from sales.workdays import WorkCalendar
from services.context import BotContext
from services.overrides import effective_context
from store import cases, deals, teams
from store.db import Database
from store.follow_ups import due_follow_ups
from store.models import Deal, Person, Team
from translations import language_for_person

log = logging.getLogger(__name__)
JobStatuses = Callable[[], list[Any]]


# --- gathering -----------------------------------------------------------------------------


def gather_home(
    ctx: BotContext,
    person: Person,
    state: HomeState,
    *,
    job_statuses: JobStatuses | None = None,
) -> Home:
    """Everything `person`'s Home shows. `job_statuses` (for admins) is asked outside any
    database session: listing a job's recipients may refresh profiles from Slack."""
    environment = ctx.settings
    ctx = effective_context(ctx)
    actor = ctx.people.actor(person)
    local_now = ctx.clock().astimezone(zone(person.tz))
    currency = ctx.currency_for(person.id)
    with ctx.db.reading() as session:
        choices = _team_choices(session, person, actor)
        team_id = state.team_id if state.team_id in {id_ for id_, _ in choices} else None
        if team_id is None and choices:
            team_id = choices[0][0]
        team = teams.team_by_id(session, team_id) if team_id is not None else None
        ranked_in = _leaderboard_team(session, person)
        # One load for the person's own numbers, the team's they look at and their own team's.
        owner_ids = {person.id}
        for shown in (team, ranked_in):
            owner_ids |= {rep.id for rep in teams.members(shown)} if shown else set()
        today = local_now.date()
        facts = load_team_facts(
            session,
            ctx.settings.holiday_country,
            owner_ids,
            (today, today),
            ctx.settings.default_currency,
            ctx.settings.stage_probability,
            ctx.settings.tier_cadence_days,
        )
        week_cases = load_case_status(session, owner_ids, [week_of(today)])
        calendar = facts.book.roster.calendar_of(person.id)
        # Open deals have no win day: they are totalled at the rates in force today.
        valuation = Valuation(currency, facts.book.activity.rates, today)
        rep, page = _rep_home(session, facts, person, local_now, calendar, state.page, valuation)
        if ranked_in is not None:
            board = leaderboard(facts.book, teams.members(ranked_in), local_now)
            rep = replace(rep, leaderboard=board, leaderboard_team=ranked_in.name)
        view = _team_view(facts, week_cases, team, local_now) if team is not None else None
        admin_teams = (
            [team_settings(t) for t in teams.team_summaries(session)] if actor.is_admin else []
        )
    manager = ManagerHome(choices, view) if choices else None
    admin = None
    if actor.is_admin:
        settings = ctx.settings
        admin = AdminHome(
            teams=admin_teams,
            settings=setting_values(environment, settings),
            jobs=job_statuses() if job_statuses else [],
            default_case_day=settings.case_prompt_weekday,
            default_case_time=f"{settings.case_prompt_time:%H:%M}",
            default_country=settings.holiday_country or "",
        )
    return Home(
        person.display_name,
        HomeState(team_id, page),
        rep,
        manager,
        admin,
        language=ctx.language_for(person),
        chosen_language=language_for_person(person.language, None) if person.language else None,
    )


def setting_values(environment: Settings, in_force: Settings) -> list[SettingValue]:
    return [
        SettingValue(
            setting.name,
            setting.label,
            setting.kind,
            adjustable_text(in_force, setting.name),
            adjustable_text(environment, setting.name),
        )
        for setting in ADJUSTABLE
    ]


def _relevance(deal: Deal) -> tuple[Decimal, date, int]:
    """Largest first; of equal amounts, the one closing soonest."""
    return (-deal.amount, deal.expected_close or date.max, deal.id)


def _rep_home(
    session: Session,
    facts: TeamFacts,
    person: Person,
    local_now: datetime,
    calendar: WorkCalendar,
    page: int,
    valuation: Valuation,
) -> tuple[RepHome, int]:
    """The person's own dashboard, and the page of open deals it shows (at most the last)."""
    today = local_now.date()
    due = due_follow_ups(session, person.id, today)
    by_stage: dict[str, list[Deal]] = {stage.key: [] for stage in OPEN_STAGES}
    open_deals = sorted(deals.open_deals(session, [person.id]), key=_relevance)
    for deal in open_deals:
        by_stage[deal.stage].append(deal)
    last_page = max(((len(found) - 1) // DEALS_PER_STAGE for found in by_stage.values()), default=0)
    page = max(0, min(page, last_page))
    start, end = page * DEALS_PER_STAGE, (page + 1) * DEALS_PER_STAGE
    stages = [
        StageDeals(
            stage,
            len(found),
            valuation.total((deal.amount, deal.currency) for deal in found),
            found[start:end],
        )
        for stage, found in by_stage.items()
        if found
    ]
    overdue = [
        (instalment, owed)
        for instalment in facts.overdue_of([person.id])
        if instalment.due_on < today
        and (owed := outstanding(instalment.amount, instalment.paid_amount))
    ]
    reader = cases.case_reader(session, person.id, is_admin=False)
    latest, _ = cases.list_cases(session, reader, author_id=person.id, limit=CASES_SHOWN)
    rep = RepHome(
        today=today,
        paces=person_paces(facts.book, person.id, local_now, calendar),
        follow_ups=[
            FollowUpRow(visit.customer.name, visit.next_step or "", visit.follow_up_due or today)
            for visit in due[:FOLLOW_UPS_SHOWN]
        ],
        follow_ups_total=len(due),
        open_count=len(open_deals),
        open_totals=valuation.total((deal.amount, deal.currency) for deal in open_deals),
        valuation=valuation,
        open_currencies=sorted({deal.currency for deal in open_deals}),
        stages=stages,
        more_deals=any(len(found) > end for found in by_stage.values()),
        overdue=[
            OverdueRow(
                instalment.deal_id,
                named_deal(instalment.customer_name, instalment.title),
                owed,
                instalment.currency,
                instalment.due_on,
                days_overdue(instalment.due_on, today),
            )
            for instalment, owed in overdue[:OVERDUE_SHOWN]
        ],
        overdue_total=len(overdue),
        # What is owed is worth what it would fetch today, like an open deal.
        overdue_owed=valuation.total((owed, item.currency) for item, owed in overdue),
        cases=[CaseRow(case.id, case.title, case.week) for case in latest],
        forecasts=person_forecasts(facts.book, person.id, local_now),
        going_cold=facts.cadence.going_cold(person.id, today),
    )
    return rep, page


def _leaderboard_team(session: Session, person: Person) -> Team | None:
    """The team whose leaderboard the person's own dashboard shows: the first (by name) they
    are a member of that has not turned its leaderboard off."""
    return next(
        (t for t in teams.teams_of(session, person.id, teams.MEMBER) if t.leaderboard), None
    )


def _team_choices(session: Session, person: Person, actor: Actor) -> list[tuple[int, str]]:
    """The teams the person may look at: those they manage; every team for an admin."""
    return teams.team_names(session, None if actor.is_admin else person.id)


def _team_view(
    facts: TeamFacts, week_cases: CaseStatus, team: Team, local_now: datetime
) -> TeamView:
    """A team as its manager sees it: the daily digest's per-rep pacing and collections, the
    weekly review's funnel (last 4 weeks up to today), and this week's cases."""
    book = facts.book
    today = local_now.date()
    calendar = book.roster.team_calendar(team)
    last_day = calendar.previous_working_day(today)
    reps = teams.members(team)
    rep_ids = [rep.id for rep in reps]
    paces = team_paces(book, team.id, rep_ids, local_now, calendar)
    since = today - timedelta(weeks=REVIEW_WEEKS) + timedelta(days=1)
    funnel = book.activity.funnel(rep_ids, local_window(since, today, local_now))
    week = week_of(today)
    written = {case.author_id for case in week_cases.submitted(rep_ids, week)}
    away = week_cases.away_in(rep_ids, week)
    return TeamView(
        id=team.id,
        name=team.name,
        today=today,
        last_day=last_day,
        team_paces=paces,
        reps=rep_days(book, team, reps, local_now, calendar),
        funnel_since=since,
        reached=funnel.reached,
        conversions=conversion_rates(funnel.reached),
        collections=collections_summary(
            book.activity, facts.overdue_of(rep_ids), reps, today, paces, book.team_currency(team)
        ),
        week=week,
        written=len(written),
        missing=[rep.slack_user_id for rep in reps if rep.id not in written | away],
        away=[rep.slack_user_id for rep in reps if rep.id in away and rep.id not in written],
        forecast=team_forecast(book, team, reps, local_now),
        going_cold=going_cold_of(facts, reps, today),
        leaderboard=leaderboard(book, reps, local_now) if team.leaderboard else [],
    )


def team_settings(team: teams.TeamSummary) -> TeamSettings:
    return TeamSettings(
        id=team.id,
        name=team.name,
        managers=team.managers,
        members=team.members,
        channel_id=team.channel_id,
        holiday_country=team.holiday_country,
        case_weekday=team.case_prompt_weekday,
        case_time=team.case_prompt_time,
    )


# --- publishing ----------------------------------------------------------------------------

# What each person's Home showed last (team, page), per database: a refresh keeps it.
_shown: weakref.WeakKeyDictionary[Database, dict[str, HomeState]] = weakref.WeakKeyDictionary()
_shown_lock = threading.Lock()


def publish_home(
    ctx: BotContext, client: WebClient, slack_user_id: str, state: HomeState | None = None
) -> None:
    """Draw the person's Home and publish it. Without `state`, it shows the team and the page
    of deals it showed last."""
    person = ctx.people.known(slack_user_id) or ctx.people.person(slack_user_id)
    if state is None:
        state = last_state(ctx, slack_user_id)

    home = gather_home(ctx, person, state, job_statuses=ctx.job_statuses)
    client.views_publish(user_id=slack_user_id, view=home_view(home))
    with _shown_lock:
        _shown.setdefault(ctx.db, {})[slack_user_id] = home.state


def last_state(ctx: BotContext, slack_user_id: str) -> HomeState:
    """What the person's Home showed when this process last published it."""
    with _shown_lock:
        return _shown.get(ctx.db, {}).get(slack_user_id, HomeState())


def has_home(ctx: BotContext, slack_user_id: str) -> bool:
    """Whether this process has published the person's Home since it started."""
    with _shown_lock:
        return slack_user_id in _shown.get(ctx.db, {})


class _Refresher:
    """One background thread publishing Homes after changes. A refresh asked for while an
    earlier one for the same person still waits is already covered by it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[tuple[int, str], tuple[BotContext, WebClient, str]] = {}
        self._queue: queue.SimpleQueue[tuple[int, str]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._idle = threading.Condition(self._lock)
        self._busy = 0

    def ask(self, ctx: BotContext, client: WebClient, slack_user_id: str) -> None:
        key = (id(ctx.db), slack_user_id)
        with self._lock:
            if key in self._waiting:
                return
            self._waiting[key] = (ctx, client, slack_user_id)
            self._busy += 1
            self._queue.put(key)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="home-refresh", daemon=True)
                self._thread.start()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every refresh asked for is done (for tests and shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def _work(self) -> None:
        while True:
            key = self._queue.get()
            with self._lock:
                ctx, client, slack_user_id = self._waiting.pop(key)
            try:
                publish_home(ctx, client, slack_user_id)
            except Exception:
                log.exception("could not refresh the Home of %s", slack_user_id)
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()


_refresher = _Refresher()


def refresh_home_soon(ctx: BotContext, client: WebClient, slack_user_id: str) -> None:
    """After the person's own change: publish their Home again, in the background, if this
    process has published it before. Never raises."""
    try:
        if has_home(ctx, slack_user_id):
            _refresher.ask(ctx, client, slack_user_id)
    except Exception:
        log.exception("could not ask for a Home refresh")


def wait_for_refreshes(timeout: float = 10.0) -> bool:
    return _refresher.wait_idle(timeout)
