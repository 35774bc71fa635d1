"""Engine, sessions and schema upgrades."""

from __future__ import annotations

import contextlib
import logging
import threading
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

    def leadership(self, name: str) -> Leadership:
        """The right to lead `name` (e.g. the scheduler) among every process sharing this
        database; see `Leadership`."""
        return Leadership(self.engine, name)

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


# The lock is named within the schema, so installations (or test runs) sharing one
# PostgreSQL database in different schemas never take each other's lock.
_LOCK_KEY = "(('x' || left(md5(current_schema() || ':' || :name), 8))::bit(32)::int & 2147483647)"


class Leadership:
    """One leader at a time among processes sharing a PostgreSQL database, with failover.

    The leader holds a session-level advisory lock on a connection of its own, kept open
    while it leads. When the leader dies its connection drops, PostgreSQL releases the
    lock, and the next process to ask gets it. A leader whose connection broke (database
    restart, network) has lost the lock and asks again like everyone else. SQLite has no
    such lock; there every process leads, and the delivery ledger keeps sends exactly-once.
    """

    def __init__(self, engine: Engine, name: str) -> None:
        self._engine = engine
        self._name = name
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def key(self, connection: Connection) -> int:
        """The advisory lock's key, as PostgreSQL works it out for this name and schema."""
        return int(connection.scalar(text(f"SELECT {_LOCK_KEY}"), {"name": self._name}))

    @property
    def held(self) -> bool:
        return self._engine.dialect.name != "postgresql" or self._connection is not None

    def hold(self) -> bool:
        """Whether this process leads now: it still holds the lock, or just took it."""
        if self._engine.dialect.name != "postgresql":
            return True
        with self._lock:
            if self._connection is not None and self._still_connected(self._connection):
                return True
            self._drop()
            connection = self._engine.connect()
            try:
                got = bool(
                    connection.scalar(
                        text(f"SELECT pg_try_advisory_lock({_LOCK_KEY})"), {"name": self._name}
                    )
                )
                connection.commit()
            except SQLAlchemyError:
                connection.close()
                raise
            if got:
                self._connection = connection
                log.info("this process now leads the scheduler")
            else:
                connection.close()
            return got

    def release(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is None:
                return
            try:
                connection.execute(
                    text(f"SELECT pg_advisory_unlock({_LOCK_KEY})"), {"name": self._name}
                )
                connection.commit()
            except SQLAlchemyError:
                log.debug("the leader's connection was already gone", exc_info=True)
            finally:
                connection.close()

    def _still_connected(self, connection: Connection) -> bool:
        try:
            connection.execute(text("SELECT 1"))
            connection.commit()
        except SQLAlchemyError:
            log.warning("lost the scheduler's leader connection; asking again")
            return False
        return True

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # The connection is broken; let the pool discard it rather than reuse it.
            with contextlib.suppress(SQLAlchemyError):
                connection.invalidate()
            with contextlib.suppress(SQLAlchemyError):
                connection.close()


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
