"""Upgrading keeps every row: on SQLite a batch migration rebuilds a table (copy, DROP,
rename), and with foreign keys on the DROP of `teams` would cascade to its memberships and
targets (0014 rebuilds it)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from store.db import Database, _alembic_config

ROWS = (
    "INSERT INTO people (id, slack_user_id, display_name, tz, role, created_at)"
    " VALUES (1, 'UREP', 'rita', 'UTC', 'rep', '2026-11-01 09:00:00')",
    "INSERT INTO teams (id, name, name_key, created_at)"
    " VALUES (1, 'Enterprise', 'enterprise', '2026-11-01 09:00:00')",
    "INSERT INTO team_memberships (id, team_id, person_id, role, joined_on)"
    " VALUES (1, 1, 1, 'member', '2026-11-01')",
    "INSERT INTO targets (id, owner_key, team_id, metric, period, period_start, period_end,"
    " amount, set_by, updated_at) VALUES (1, 'team:1', 1, 'visits', '2026-11', '2026-11-01',"
    " '2026-11-30', 20, 'UADMIN', '2026-11-01 09:00:00')",
)


def test_an_upgrade_from_0012_keeps_teams_memberships_and_targets(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "0012")
            for row in ROWS:
                connection.execute(text(row))
        db.upgrade()
        with db.engine.connect() as connection:
            counts = {
                table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("teams", "team_memberships", "targets")
            }
            team = connection.execute(text("SELECT celebrate, leaderboard FROM teams")).one()
        assert counts == {"teams": 1, "team_memberships": 1, "targets": 1}
        assert tuple(bool(value) for value in team) == (True, True)  # on by default
        if db.is_sqlite:
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()
