"""Reads of many rows (every rep's visits by day, every deal's stage arrivals), fetched a
batch at a time.

Without it, psycopg holds a whole result set in memory while it is read (a client-side
cursor) and SQLAlchemy buffers every row before the first is handed over: three copies of
a large result at once, before the caller keeps what it needs. Streamed, neither holds
more than a batch (a server-side cursor on PostgreSQL); it is still one statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

BATCH = 2000


def streamed(session: Session, query: Select[Any]) -> Iterator[Any]:
    """The query's rows as plain tuples, fetched `BATCH` at a time. Read them all before
    the session ends."""
    return iter(session.execute(query, execution_options={"yield_per": BATCH}).tuples())
