"""Reads of many rows (every rep's visits by day, every deal's stage arrivals), fetched a
batch at a time.

Without it, psycopg holds a whole result set in memory while it is read (a client-side
cursor) and SQLAlchemy buffers every row before the first is handed over: three copies of
a large result at once, before the caller keeps what it needs. Streamed, neither holds
more than a batch (a server-side cursor on PostgreSQL); it is still one statement.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Executable
from sqlalchemy.orm import Session

BATCH = 2000
T = TypeVar("T")


def streamed(session: Session, query: Executable, shared: Collection[int] = ()) -> Iterator[Any]:
    """The query's rows as plain tuples, fetched `BATCH` at a time. Read them all before
    the session ends. The columns at positions `shared` (strings and days: a stage, a
    currency, a time zone, a due day) hold one object per distinct value, not one per row."""
    rows = iter(session.execute(query, execution_options={"yield_per": BATCH}).tuples())
    return _sharing(rows, shared) if shared else rows


def aggregate_day(value: object) -> date:
    """A day from an aggregate (MAX, a GROUP BY key) over a Date column: it bypasses the
    column type, and SQLite hands back an ISO string."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def one_copy() -> Callable[[T], T]:
    """A function that hands back one shared copy of each equal value it is given (strings
    and days, not numbers: 1 == 1.0 == Decimal("1.00")): a large read repeats a few stages,
    currencies, zones and days thousands of times, each row with its own copy."""
    seen: dict[Any, Any] = {}

    def share(value: T) -> T:
        return seen.setdefault(value, value)  # type: ignore[no-any-return]

    return share


def _sharing(rows: Iterator[Any], columns: Collection[int]) -> Iterator[tuple[Any, ...]]:
    share = one_copy()
    for row in rows:
        values = list(row)
        for column in columns:
            values[column] = share(values[column])
        yield tuple(values)
