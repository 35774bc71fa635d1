"""The shape of the work: a job's statements (listing its recipients and composing every
message) and the Home tab's do not grow with reps, deals or visits, and grow by at most a
constant per team. Counted with a SQLAlchemy cursor event on seeded data; the benchmark in
benchmarks/ measures the speed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import event

from benchmarks.seed import Size, seed
from blocks.home import HomeState
from reports.book import load_book
from reports.forecast import person_forecasts, team_forecast
from runtime.settings import Settings
from sales.localtime import local_days_around
from scheduler.registry import all_jobs
from services.context import BotContext
from services.home import gather_home
from services.people import People
from store.db import Database
from store.people import get_person
from tests.support.databases import fresh_database_url

TODAY = date(2026, 11, 17)  # a Tuesday
NOW = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
ADMIN = "UM0000000"  # the first team's manager, an admin too
FEW, MANY = 20, 200
TEAMS, MORE_TEAMS = 2, 20
# What each extra team may add to a run's statements, at most.
PER_TEAM = 0


def _settings(url: str) -> Settings:
    return Settings(
        slack_bot_token=None,
        slack_signing_secret=None,
        slack_app_token=None,
        database_url=url,
        admin_user_ids=frozenset({ADMIN}),
        default_currency="USD",
        finance_channel="CFINANCE",
    )


JOBS = [job.name for job in all_jobs(_settings("sqlite://"))]


@dataclass
class World:
    ctx: BotContext

    def count(self, work: Callable[[], Any]) -> int:
        statements = 0

        def counted(*_: Any) -> None:
            nonlocal statements
            statements += 1

        event.listen(self.ctx.db.engine, "before_cursor_execute", counted)
        try:
            work()
        finally:
            event.remove(self.ctx.db.engine, "before_cursor_execute", counted)
        return statements


def _world(directory: Path, reps: int, teams: int) -> Iterator[World]:
    with fresh_database_url(directory) as url:
        db = Database(url)
        db.upgrade()
        size = Size(reps=reps, teams=teams, visits=reps * 10, deals=reps * 3, instalments=reps)
        seed(db, size, TODAY, synced_at=NOW - timedelta(hours=1))
        settings = _settings(url)
        client = WebClient(token="xoxb-never-used", base_url="http://127.0.0.1:9/")
        people = People(db, client, settings.admin_user_ids, lambda: NOW, offline=True)
        yield World(BotContext(settings=settings, db=db, people=people, clock=lambda: NOW))
        db.dispose()


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[int, int], World]]:
    shapes = [(FEW, TEAMS), (MANY, TEAMS), (MANY, MORE_TEAMS)]
    managers = [_world(tmp_path_factory.mktemp(f"w{r}x{t}"), r, t) for r, t in shapes]
    found = {shape: next(manager) for shape, manager in zip(shapes, managers, strict=True)}
    yield found
    for manager in managers:
        next(manager, None)


@pytest.fixture(autouse=True)
def no_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts are drawn in memory from numbers already loaded; drawing them costs CPU, not
    statements, so the shape tests skip it."""
    import charts

    monkeypatch.setattr(charts, "burn_up_png", lambda data: b"png")
    monkeypatch.setattr(charts, "funnel_png", lambda data: b"png")


def run(world: World, name: str) -> int:
    """Statements to list the job's recipients and compose every message, at NOW."""
    job = next(job for job in all_jobs(world.ctx.settings) if job.name == name)

    def work() -> None:
        recipients = job.recipients(world.ctx)
        assert recipients
        for recipient in recipients:
            job.compose(world.ctx, recipient, recipient.local(NOW))

    return world.count(work)


@pytest.mark.parametrize("name", JOBS)
def test_a_jobs_statements_do_not_grow_with_reps_and_at_most_a_constant_per_team(
    worlds: dict[tuple[int, int], World], name: str
) -> None:
    few = run(worlds[FEW, TEAMS], name)
    many = run(worlds[MANY, TEAMS], name)
    more_teams = run(worlds[MANY, MORE_TEAMS], name)
    assert few == many, f"{name}: {few} statements for {FEW} reps, {many} for {MANY}"
    assert more_teams - many <= PER_TEAM * (MORE_TEAMS - TEAMS), (
        f"{name}: {many} statements for {TEAMS} teams, {more_teams} for {MORE_TEAMS}"
    )


def home(world: World, slack_user_id: str) -> int:
    with world.ctx.db.reading() as session:
        person = get_person(session, slack_user_id)
    assert person is not None
    return world.count(lambda: gather_home(world.ctx, person, HomeState()))


@pytest.mark.parametrize("who", [ADMIN, "UM0000001", "UR0000003"], ids=["admin", "manager", "rep"])
def test_the_home_tabs_statements_do_not_grow_with_reps_and_at_most_a_constant_per_team(
    worlds: dict[tuple[int, int], World], who: str
) -> None:
    few = home(worlds[FEW, TEAMS], who)
    many = home(worlds[MANY, TEAMS], who)
    more_teams = home(worlds[MANY, MORE_TEAMS], who)
    assert few == many, f"{few} statements for {FEW} reps, {many} for {MANY}"
    assert more_teams - many <= PER_TEAM * (MORE_TEAMS - TEAMS), (
        f"{many} statements for {TEAMS} teams, {more_teams} for {MORE_TEAMS}"
    )


def forecasts(world: World) -> tuple[int, Decimal]:
    """Statements to load the book with its pipeline and work out every team's forecast and
    every rep's own; and what they weigh, to show there was something to count."""
    weighted = Decimal(0)

    def work() -> None:
        nonlocal weighted
        with world.ctx.db.reading() as session:
            book = load_book(
                session,
                None,
                None,
                local_days_around(NOW),
                probabilities=world.ctx.settings.stage_probability,
            )
        for team in book.roster.teams:
            found = team_forecast(book, team, book.roster.members(team), NOW)
            assert found is not None
            weighted += sum((total.weighted for total in found.team), Decimal(0))
        for rep_id in book.roster.reps():
            person_forecasts(book, rep_id, NOW)

    return world.count(work), weighted


def test_the_forecasts_statements_do_not_grow_with_reps_or_teams(
    worlds: dict[tuple[int, int], World],
) -> None:
    few, few_weighted = forecasts(worlds[FEW, TEAMS])
    many, many_weighted = forecasts(worlds[MANY, TEAMS])
    more_teams, _ = forecasts(worlds[MANY, MORE_TEAMS])
    assert few_weighted > 0
    assert many_weighted > few_weighted
    assert few == many == more_teams, (few, many, more_teams)
