"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from store.customers import get_or_create_customer
from store.db import MIGRATIONS, Database, newest_revision
from store.models import Base, Customer, Visit


def head_revision() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], (
        "store/models.py and store/migrations disagree; write a migration "
        "(bot.py db revision) for:\n" + "\n".join(map(repr, differences))
    )


def test_upgrade_reaches_the_newest_migration_and_a_second_is_a_no_op(db: Database) -> None:
    assert current_revision(db) == head_revision() is not None
    with db.transaction() as session:
        get_or_create_customer(session, "Acme Corp")

    db.upgrade()

    assert current_revision(db) == head_revision()
    with db.transaction() as session:
        assert session.scalars(select(Customer.name)).all() == ["Acme Corp"]


def test_the_newest_revision_read_from_the_files_is_alembics_head() -> None:
    # Start-up skips Alembic when the schema is already there: it must know the head.
    assert newest_revision() == head_revision() is not None


def test_an_upgrade_with_nothing_to_do_leaves_alembic_unasked(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alembic.command

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("Alembic was asked to upgrade a schema already at the head")

    monkeypatch.setattr(alembic.command, "upgrade", refuse)
    assert db.upgrade() == (head_revision(), head_revision())


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(db: Database) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite PRAGMAs")
    with db.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() > 0


def test_foreign_keys_are_enforced(db: Database) -> None:
    """A visit can't point at a customer or rep that doesn't exist (SQLite included)."""
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(Visit(customer_id=999, rep_id=999, visited_on=date(2026, 11, 18), notes="x"))
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 0
