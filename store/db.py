"""Engine, sessions and schema upgrades."""

from __future__ import annotations

import logging
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from store.models import HandledRequest

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "salesbot_read_only"
T = TypeVar("T")


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed together, or not at all."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session that only reads. On SQLite it takes no write lock, so a long read
        (an export, a digest) never makes a command wait."""
        with self._readers() as session, session.begin():
            yield session

    def run_once(self, key: str, work: Callable[[Session], str]) -> tuple[str, bool]:
        """Do `work` unless the request `key` was handled before.

        `work` returns a short reference to what it made (e.g. "visit:12"). The answer is
        that reference and whether this call did the work. Two deliveries racing each
        other cannot both commit: the second one's key collides and its work rolls back.
        """
        earlier = self.handled(key)
        if earlier is not None:
            return earlier, False
        try:
            with self.transaction() as session:
                result = work(session)
                session.add(HandledRequest(key=key, result=result))
        except IntegrityError:
            earlier = self.handled(key)
            if earlier is None:
                raise
            return earlier, False
        return result, True

    def handled(self, key: str) -> str | None:
        with self.reading() as session:
            row = session.get(HandledRequest, key)
            return None if row is None else row.result

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """Hold the lock `name` across every process sharing this database, if it is free.

        Yields whether this process got it. On PostgreSQL it is an advisory lock, released
        when the block ends (or the connection dies). SQLite has no such lock; there the
        delivery ledger alone keeps scheduled sends exactly-once.
        """
        if self.engine.dialect.name != "postgresql":
            yield True
            return
        key = zlib.crc32(name.encode())
        with self.engine.connect() as connection:
            got = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()

    def is_reachable(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            log.warning("database health check failed", exc_info=True)
            return False
        return True

    def upgrade(self) -> None:
        """Bring the schema to the newest migration."""
        with self.engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")

    def new_revision(self, message: str) -> None:
        """Write a migration for what the models have and the (upgraded) schema lacks."""
        self.upgrade()
        with self.engine.begin() as connection:
            command.revision(_alembic_config(connection), message=message, autogenerate=True)

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def backup_to(self, path: Path) -> None:
        """A consistent copy of this SQLite database at `path`, taken while the bot runs.

        SQLite's online backup copies one snapshot of the database; in WAL mode the bot
        keeps writing meanwhile. The copy is written beside `path` and renamed into place,
        so `path` is never a half-written file.
        """
        if not self.is_sqlite:
            raise ValueError("only a SQLite database can be copied this way; use pg_dump")
        partial = path.with_name(f".{path.name}.partial")
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(partial)
        try:
            with self.engine.connect() as connection:
                source = connection.connection.driver_connection
                assert isinstance(source, sqlite3.Connection)
                source.backup(target)
            # A backup copies the source's WAL mode; one file is easier to move about.
            target.execute("PRAGMA journal_mode=DELETE")
        except BaseException:
            target.close()
            partial.unlink(missing_ok=True)
            raise
        target.close()
        partial.replace(path)

    def database_file(self) -> Path | None:
        """The SQLite database's file (None in memory or on another database)."""
        name = self.engine.url.database
        return Path(name).resolve() if self.is_sqlite and name and name != ":memory:" else None


def record_id(ref: str) -> int:
    """The id in a `run_once` result such as "visit:12"."""
    return int(ref.rsplit(":", 1)[1])


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _create_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 15})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
        # WAL lets the scheduler read while a command writes; the busy timeout makes a
        # writer wait for the lock instead of failing; SQLite leaves foreign keys off.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()
        # pysqlite starts transactions lazily and not before a SAVEPOINT, so a savepoint
        # could commit on its own. Take over: no implicit BEGIN, our own BEGIN below.
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Connection) -> None:
        # A writer takes the write lock up front (IMMEDIATE), so two writers queue on the
        # busy timeout; a reader that later wrote could instead fail on a stale snapshot.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
