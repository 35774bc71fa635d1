"""The weekly review loads its numbers a slice of teams at a time: the messages (and their
charts' numbers) are the same as from one load for every team, and each slice adds a few
statements, whatever its teams' size."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import event

from benchmarks.seed import Size, seed
from runtime.settings import Settings
from scheduler import digests
from scheduler.digests import WeeklyReview
from services import charts
from services.context import BotContext
from services.people import People
from store.db import Database
from tests.support.databases import fresh_database_url

TODAY = date(2026, 11, 17)  # a Tuesday: the review's day here
NOW = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)  # due in London and New York, not yet in LA
TEAMS = 7


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotContext]:
    with fresh_database_url(tmp_path_factory.mktemp("slices")) as url:
        db = Database(url)
        db.upgrade()
        size = Size(reps=70, teams=TEAMS, visits=1400, deals=300, instalments=70)
        seed(db, size, TODAY, synced_at=NOW - timedelta(hours=1))
        settings = Settings(
            slack_bot_token=None,
            slack_signing_secret=None,
            slack_app_token=None,
            database_url=url,
            admin_user_ids=frozenset(),
            default_currency="USD",
            finance_channel="CFINANCE",
        )
        client = WebClient(token="xoxb-never-used", base_url="http://127.0.0.1:9/")
        people = People(db, client, settings.admin_user_ids, lambda: NOW, offline=True)
        yield BotContext(settings=settings, db=db, people=people, clock=lambda: NOW)
        db.dispose()


@pytest.fixture(autouse=True)
def charts_as_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each chart "drawn" as its numbers, here: what the slices must not change."""
    monkeypatch.setattr(charts, "POOLED_FROM", 10**9)
    monkeypatch.setattr(
        charts,
        "draw",
        lambda spec: charts.ChartFile(
            spec.filename, spec.title, repr(spec.data).encode(), "", None
        ),
    )


def composed(ctx: BotContext, slice_teams: int, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every recipient's message, as JSON, and the statements it took to list and compose."""
    monkeypatch.setattr(digests, "SLICE_TEAMS", slice_teams)
    job = WeeklyReview(ctx.settings.digest_time, TODAY.weekday())
    statements = 0

    def counted(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(ctx.db.engine, "before_cursor_execute", counted)
    try:
        messages = {
            r.key: json.dumps(job.compose(ctx, r, r.local(NOW)), default=repr, sort_keys=True)
            for r in job.recipients(ctx)
        }
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", counted)
    return messages, statements


def test_slices_of_teams_compose_the_same_messages_as_one_load(
    ctx: BotContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, one_load = composed(ctx, 100, monkeypatch)
    assert len(whole) >= TEAMS - 1
    assert all("BurnUp(" in message or "Funnel(" in message for message in whole.values())
    for size in (1, 3):
        sliced, statements = composed(ctx, size, monkeypatch)
        assert sliced == whole, f"slices of {size} teams"
        slices = -(-TEAMS // size)
        # Each slice loads its own book (roster, targets, activity, rates, pipeline) and
        # asks what was sent: 16 statements at most, however many people it holds.
        assert one_load < statements <= one_load + 16 * (slices - 1)


def test_a_slice_lets_the_one_before_go(ctx: BotContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digests, "SLICE_TEAMS", 2)
    job = WeeklyReview(ctx.settings.digest_time, TODAY.weekday())
    recipients = job.recipients(ctx)
    loaded: list[digests.ReviewFacts] = []
    real = job._load

    def load(*arguments: Any) -> digests.ReviewFacts:
        loaded.append(real(*arguments))
        return loaded[-1]

    monkeypatch.setattr(job, "_load", load)
    parts = {id(r.facts) for r in recipients}
    assert len(parts) == -(-TEAMS // 2)
    first, last = recipients[0], recipients[-1]
    assert job.compose(ctx, first, first.local(NOW)) is not None
    assert job.compose(ctx, last, last.local(NOW)) is not None
    assert len(loaded) == 2
    held = first.facts.at(NOW).slices._loaded  # type: ignore[union-attr]
    assert held is not None
    assert held[2] is loaded[1]  # the first slice's facts are gone
    # A recipient listed by hand (no run's facts) is composed from its own team's load.
    alone = replace(first, facts=None)
    assert job.compose(ctx, alone, alone.local(NOW)) is not None
