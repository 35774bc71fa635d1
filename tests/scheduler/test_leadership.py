"""One scheduler leader at a time among processes sharing PostgreSQL, and failover when it
dies. (On SQLite every process ticks; the ledger's tests cover that.)"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from bot import build_bot
from scheduler.delivery import Outcome
from scheduler.runtime import LEADER_LOCK
from store.db import Database
from tests.conftest import RunningBot
from tests.scheduler.conftest import WEDNESDAY_0901_NY, Travel, posts


@pytest.fixture(autouse=True)
def _postgresql_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("leader election needs PostgreSQL's advisory locks")


def kill_leader_connection(database_url: str, db: Database) -> None:
    """Do to the leader's connection what a crash (kill -9, a lost machine) does."""
    with db.engine.connect() as connection:
        key = db.leadership(LEADER_LOCK).key(connection)
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        killed = connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                " WHERE locktype = 'advisory' AND classid = 0 AND objid = (:key)::oid AND granted"
            ),
            {"key": key},
        )
    engine.dispose()
    assert killed == 1


def test_exactly_one_of_many_processes_leads(database_url: str, db: Database) -> None:
    databases = [Database(database_url) for _ in range(4)]
    try:
        leaderships = [d.leadership(LEADER_LOCK) for d in databases]
        held = [leadership.hold() for leadership in leaderships]
        assert held == [True, False, False, False]
        # Asking again changes nothing while the leader lives.
        assert [leadership.hold() for leadership in leaderships] == held
        leaderships[0].release()  # a clean shutdown hands over at once
        assert [leadership.hold() for leadership in leaderships[1:]] == [True, False, False]
    finally:
        for database in databases:
            database.dispose()


def test_a_standby_takes_over_when_the_leader_dies(
    team: RunningBot, travel: Travel, database_url: str
) -> None:
    standby_db = Database(database_url)
    try:
        standby = build_bot(team.settings, standby_db, team.clock).scheduler
        assert team.scheduler.tick(), "the first to ask leads"
        assert standby.tick() == []
        kill_leader_connection(database_url, standby_db)
        travel(WEDNESDAY_0901_NY)
        before = len(posts(team))
        reports = standby.tick()
        assert standby.is_leader, "the standby took over"
        sent = sum(report.count(Outcome.SENT) for report in reports)
        assert sent >= 3  # Wednesday's pacing DMs and the manager's digest
        # The old leader finds its connection gone and does not tick beside the new one.
        assert team.scheduler.tick() == []
        assert len(posts(team)) == before + sent
    finally:
        standby.shutdown()
        standby_db.dispose()
