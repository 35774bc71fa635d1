"""Scheduler health and ticks cost the same however many people the jobs write to:
statements counted, not timed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from bot import build_bot
from tests.conftest import ADMIN, RunningBot
from tests.scheduler.conftest import MANAGER, WEDNESDAY_0901_NY, Travel


@contextmanager
def counted(bot: RunningBot) -> Iterator[list[str]]:
    """The statements this thread runs: the running bot's inbox worker and Home refreshes
    query the same engine from their own threads meanwhile."""
    statements: list[str] = []
    me = threading.get_ident()

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if threading.get_ident() == me:
            statements.append(statement)

    event.listen(bot.db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(bot.db.engine, "before_cursor_execute", count)


def add_reps(bot: RunningBot, count: int, first: int = 0) -> None:
    users = [f"USHAPE{n:03d}" for n in range(first, first + count)]
    for user in users:
        bot.fake.add_user(user, tz="America/New_York")
    bot.ask("/team", "Enterprise add " + " ".join(f"<@{u}|x>" for u in users), user=ADMIN)
    for user in users:
        bot.ask("/target", f"<@{user}|x> visits 5 2026-11", user=MANAGER)


def health_statements(bot: RunningBot) -> int:
    with counted(bot) as statements:
        bot.scheduler.status()
    return len(statements)


def test_health_reads_the_same_for_few_or_many_recipients(team: RunningBot, travel: Travel) -> None:
    travel(WEDNESDAY_0901_NY)
    team.scheduler.tick()
    few = health_statements(team)
    add_reps(team, 15)
    team.scheduler.tick()
    calls = team.fake.mark()
    assert health_statements(team) == few
    assert team.fake.calls()[calls:] == []  # and asks Slack nothing


def test_the_first_tick_after_a_start_costs_what_any_other_does(
    team: RunningBot, travel: Travel
) -> None:
    add_reps(team, 5)
    travel(WEDNESDAY_0901_NY)
    team.scheduler.tick()  # the day's messages are out
    # Restarted an hour later: nothing is due, everything sent is in the ledger.
    travel(WEDNESDAY_0901_NY + timedelta(hours=1))
    restarted = build_bot(team.settings, team.db, team.clock).scheduler
    with counted(team) as first:
        restarted.tick()
    travel(WEDNESDAY_0901_NY + timedelta(hours=1, minutes=5))
    with counted(team) as second:
        restarted.tick()
    assert len(first) == len(second)
