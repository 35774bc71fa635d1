"""Database.refresh_statistics: after a bulk load PostgreSQL's planner knows the tables' sizes
at once; SQLite is left as the bot always runs it, with no statistics."""

from __future__ import annotations

from sqlalchemy import text

from store.customers import get_or_create_customer
from store.db import Database


def test_refreshed_statistics_count_the_rows_just_loaded(db: Database) -> None:
    with db.transaction() as session:
        for number in range(12):
            get_or_create_customer(session, f"Customer {number:02d}")
    db.refresh_statistics()
    with db.engine.connect() as connection:
        if db.is_sqlite:
            tables = connection.execute(text("SELECT name FROM sqlite_master")).scalars().all()
            assert "sqlite_stat1" not in tables
        else:
            rows = connection.execute(
                text("SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass")
            ).scalar_one()
            assert rows == 12
