"""Engine, sessions and schema upgrades."""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, TextClause, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from store.guard import guard_writes
from store.models import HandledRequest

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "salesbot_read_only"
URGENT = "salesbot_urgent"
# How often an urgent SQLite writer looks for the write lock, and for how long at most.
URGENT_POLL_SECONDS = 0.0005
# How often a prompt writer (a worker finishing a request someone waits the answer to)
# looks: more politely than an ack, still never in SQLite's lengthening sleeps.
PROMPT_POLL_SECONDS = 0.002
URGENT_WAIT_SECONDS = 10.0
# How long this process leaves SQLite's write lock free after a write before its next one
# (acks excepted): long enough for another process's ack, polling, to find it free.
GAP_SECONDS = 0.001
# How long a scheduled job's write gives way to people's before it takes its turn with them.
JOB_PATIENCE_SECONDS = 0.05
T = TypeVar("T")


class Database:
    def __init__(self, url: str, *, sqlite_synchronous: str = "normal") -> None:
        self.url = url
        self.engine = _create_engine(url, sqlite_synchronous)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        guard_writes(self._sessions)
        # SQLite: urgent writes get their own connections, which poll for the write lock
        # themselves instead of waiting in SQLite's busy handler (see `_begin_promptly`).
        self._urgent_engine = (
            _create_engine(url, sqlite_synchronous, busy_timeout_ms=0, checkpoints=False)
            if url.startswith("sqlite")
            else self.engine
        )
        # PostgreSQL: an urgent statement commits itself (no BEGIN and COMMIT round trips),
        # with no ping before it (a lost connection fails it, and it is tried again on a new
        # one: see `urgent_statement`).
        self._autocommit = (
            None
            if url.startswith("sqlite")
            else create_engine(url, pool_size=2, isolation_level="AUTOCOMMIT")
        )
        self._prompt = sessionmaker(
            self._urgent_engine.execution_options(**{URGENT: PROMPT_POLL_SECONDS}),
            expire_on_commit=False,
        )
        self._turns = WriteTurns() if url.startswith("sqlite") else WriteTurns.unlimited()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed together, or not at all."""
        with self._turns.turn(), self._sessions() as session, session.begin():
            yield session

    def urgent_statement(self, statement: TextClause, values: Mapping[str, Any]) -> None:
        """A write someone is waiting for (an ack), as one statement that commits itself:
        no BEGIN, no COMMIT, no ORM session. On PostgreSQL one round trip; on a connection
        found lost (the server restarted since its last use) it is tried once more on a new
        one. On SQLite one call into the driver (each call into sqlite3 lets go of Python's
        GIL, and in a process busy with a burst of requests getting it back takes
        milliseconds each time), taking the write lock at the first moment it is free
        instead of in SQLite's lengthening sleeps."""
        with self._turns.turn(urgent=True):
            if self._autocommit is None:
                self._sqlite_driver_statement(statement, values)
                return
            try:
                self._autocommitted(statement, values)
            except DBAPIError as error:
                if not error.connection_invalidated:
                    raise
                self._autocommitted(statement, values)

    def _autocommitted(self, statement: TextClause, values: Mapping[str, Any]) -> None:
        assert self._autocommit is not None
        with self._autocommit.connect() as connection:
            connection.execute(statement, values)

    def _sqlite_driver_statement(self, statement: TextClause, values: Mapping[str, Any]) -> None:
        sql, names, processors = _driver_form(statement, self._urgent_engine.dialect)
        parameters = [
            processor(values[name]) if (processor := processors[name]) else values[name]
            for name in names
        ]
        deadline = time.monotonic() + URGENT_WAIT_SECONDS
        connection = self._urgent_engine.raw_connection()
        try:
            while True:
                try:
                    connection.driver_connection.execute(sql, parameters)  # type: ignore[union-attr]
                    return
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) or time.monotonic() > deadline:
                        raise
                    time.sleep(URGENT_POLL_SECONDS)
        finally:
            connection.close()

    @contextmanager
    def prompt_transaction(self) -> Iterator[Session]:
        """`transaction` for a short write a person's answer waits for (a worker finishing
        a request and recording its replies): on SQLite it polls for the write lock rather
        than sleeping in SQLite's lengthening busy waits behind a scheduled job's writes."""
        with self._turns.turn(), self._prompt() as session, session.begin():
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

    def upgrade(self) -> tuple[str | None, str | None]:
        """Bring the schema to the newest migration: the revisions before and after."""
        current = self._current_revision()
        if current is not None and current == newest_revision():
            # Every command starts here; with nothing to migrate, Alembic (a fifth of a
            # second to import) is not needed.
            return current, current
        # Only migrating needs Alembic (a slow import).
        from alembic import command
        from alembic.runtime.migration import MigrationContext

        with (
            self.engine.connect() as connection,
            _sqlite_rebuilds_keep_rows(connection),
            connection.begin(),
        ):
            before = MigrationContext.configure(connection).get_current_revision()
            command.upgrade(_alembic_config(connection), "head")
            after = MigrationContext.configure(connection).get_current_revision()
            if after != before:
                # Only a migration can have broken one; checking is a scan of every
                # reference (1.4 s at 10,000 reps), so a start with nothing to do skips it.
                _refuse_broken_references(connection)
        return before, after

    def _current_revision(self) -> str | None:
        """The schema's revision as Alembic recorded it; None when there is none yet."""
        try:
            with self.engine.connect() as connection:
                return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            return None  # no schema yet: Alembic creates it

    def new_revision(self, message: str) -> None:
        """Write a migration for what the models have and the (upgraded) schema lacks."""
        self.upgrade()
        with self.engine.begin() as connection:
            from alembic import command

            command.revision(_alembic_config(connection), message=message, autogenerate=True)

    def refresh_statistics(self) -> None:
        """On PostgreSQL, ANALYZE every table now, as autovacuum does by itself some time
        after many rows change: after a bulk load, the planner's statistics are stale until
        then. (SQLite has none unless asked, and the bot never asks.)"""
        if self.is_sqlite:
            return
        with self.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")

    def dispose(self) -> None:
        self.engine.dispose()
        self._urgent_engine.dispose()
        if self._autocommit is not None:
            self._autocommit.dispose()

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


_background = threading.local()


@contextmanager
def background_writes() -> Iterator[None]:
    """Writes made here (a scheduled job's) give way to everyone else's on SQLite."""
    before = getattr(_background, "on", False)
    _background.on = True
    try:
        yield
    finally:
        _background.on = before


def mark_background_thread() -> None:
    """For a pool's initializer: every write on this thread is a background write."""
    _background.on = True


class WriteTurns:
    """SQLite has one writer at a time: this process's writers take turns here first, and
    the next one starts the moment the last one ends. Left to SQLite, each would retry in
    its busy handler, sleeping longer after every miss (up to 100 ms at a time), while the
    lock stood free most of that time.

    An ack goes first, then whoever a person waits for, then scheduled jobs' writes
    (`background_writes`), which wait at most `JOB_PATIENCE_SECONDS` for people's to pass
    before queueing with them. Between two writes other than acks the lock stays free for
    a moment, so another process's ack (it polls every `URGENT_POLL_SECONDS`) gets in.

    Reentrant (a thread already writing is not stopped); a writer waits at most
    `URGENT_WAIT_SECONDS` here before going on to SQLite's own lock, as without turns."""

    URGENT, PROMPT, BACKGROUND = 0, 1, 2

    def __init__(self, *, limited: bool = True) -> None:
        self._limited = limited
        self._free = threading.Condition()
        self._holder: int | None = None
        self._waiting = [0, 0, 0]  # by rank
        self._released_at = 0.0

    @classmethod
    def unlimited(cls) -> WriteTurns:
        """For PostgreSQL, whose writers lock rows, not the database."""
        return cls(limited=False)

    @contextmanager
    def turn(self, *, urgent: bool = False) -> Iterator[None]:
        if not self._limited or self._holder == threading.get_ident():
            yield
            return
        rank = (
            self.URGENT
            if urgent
            else self.BACKGROUND
            if getattr(_background, "on", False)
            else self.PROMPT
        )
        taken = self._take(rank)
        try:
            yield
        finally:
            if taken:
                self._give_back()

    def _must_wait(self, rank: int, now: float) -> bool:
        if self._holder is not None or any(self._waiting[:rank]):
            return True
        return rank != self.URGENT and now < self._released_at + GAP_SECONDS

    def _take(self, rank: int) -> bool:
        started = time.monotonic()
        deadline = started + URGENT_WAIT_SECONDS
        promote_at = started + JOB_PATIENCE_SECONDS if rank == self.BACKGROUND else deadline
        with self._free:
            self._waiting[rank] += 1
            try:
                while self._must_wait(rank, now := time.monotonic()):
                    if now >= deadline:
                        return False  # SQLite's busy handler decides from here
                    if now >= promote_at and rank == self.BACKGROUND:
                        # Waited long enough: a job is never held up for good.
                        self._waiting[rank] -= 1
                        rank, promote_at = self.PROMPT, deadline
                        self._waiting[rank] += 1
                        continue
                    # A writer waiting out the gap (or for promotion) wakes itself.
                    gap_left = self._released_at + GAP_SECONDS - now
                    wake_at = min(promote_at, now + gap_left if gap_left > 0 else deadline)
                    self._free.wait(wake_at - now)
            finally:
                self._waiting[rank] -= 1
            self._holder = threading.get_ident()
            return True

    def _give_back(self) -> None:
        with self._free:
            self._holder = None
            self._released_at = time.monotonic()
            self._free.notify_all()


@functools.cache
def _driver_form(
    statement: TextClause, dialect: Dialect
) -> tuple[str, tuple[str, ...], dict[str, Callable[[Any], Any] | None]]:
    """`statement` as the driver takes it: its SQL, its values' names in order, and how
    each value's type hands it to the driver (the same processing SQLAlchemy applies)."""
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    processors = {name: compiled.binds[name].type.bind_processor(dialect) for name in names}
    return str(compiled), names, processors


def record_id(ref: str) -> int:
    """The id in a `run_once` result such as "visit:12"."""
    return int(ref.rsplit(":", 1)[1])


@contextmanager
def _sqlite_rebuilds_keep_rows(connection: Connection) -> Iterator[None]:
    """Foreign keys off while SQLite migrates. A batch migration rebuilds a table (copy,
    DROP, rename); with foreign keys on, the DROP cascades: every membership and target of
    a rebuilt `teams` would be deleted. SQLite ignores this pragma inside a transaction, so
    it is set on the driver's connection before one begins."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


def _refuse_broken_references(connection: Connection) -> None:
    """With foreign keys off, a migration could leave a row pointing at nothing: refuse it
    (the whole upgrade rolls back) rather than start on a broken database."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows that refer to nothing: {broken[:5]}")


_REVISION = re.compile(r'^revision(?:: str)? = "([^"]+)"', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision(?:: [^=]+)? = "([^"]+)"', re.MULTILINE)


def newest_revision() -> str | None:
    """The head of the migrations' chain, read from their files (the one no other
    migration follows); None unless there is exactly one."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revisions.update(_REVISION.findall(source))
        followed.update(_DOWN_REVISION.findall(source))
    heads = revisions - followed
    return heads.pop() if len(heads) == 1 else None


def _alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _create_engine(
    url: str, sqlite_synchronous: str, busy_timeout_ms: int = 15000, *, checkpoints: bool = True
) -> Engine:
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
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        # In WAL mode "normal" syncs at checkpoints, not at every commit: a commit survives
        # the process being killed, and only an OS crash or power loss can undo the last
        # ones. "full" syncs every commit (a few ms each on a busy disk). See the README.
        cursor.execute(f"PRAGMA synchronous={'FULL' if sqlite_synchronous == 'full' else 'NORMAL'}")
        if not checkpoints:
            # A commit that fills the WAL past its limit copies it into the database and
            # syncs both (tens of ms) before it returns: an ack must not be that commit.
            # The other connections (every worker's, the listeners') checkpoint instead.
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()
        # pysqlite starts transactions lazily and not before a SAVEPOINT, so a savepoint
        # could commit on its own. Take over: no implicit BEGIN, our own BEGIN below.
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Connection) -> None:
        # A writer takes the write lock up front (IMMEDIATE), so two writers queue on the
        # busy timeout; a reader that later wrote could instead fail on a stale snapshot.
        options = connection.get_execution_options()
        if options.get(URGENT):
            _begin_promptly(connection, float(options[URGENT]))
            return
        connection.exec_driver_sql("BEGIN" if options.get(READ_ONLY, False) else "BEGIN IMMEDIATE")

    return engine


def _begin_promptly(connection: Connection, poll_seconds: float) -> None:
    """BEGIN IMMEDIATE, polling for the write lock every `poll_seconds`.

    SQLite's busy handler sleeps longer after each try (up to 100 ms at a time), so a writer
    that keeps finding the lock taken by a busy worker can wait a third of a second or more.
    """
    deadline = time.monotonic() + URGENT_WAIT_SECONDS
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as error:
            if "locked" not in str(error.orig) or time.monotonic() > deadline:
                raise
            time.sleep(poll_seconds)
