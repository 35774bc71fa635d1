"""What the domain tables hold, to show that a refused request changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from store.db import Database
from store.models import Base

# Bookkeeping, not domain data: which requests were handled, and (on the durable-inbox
# branch) which were accepted. A refused request may leave a trace there.
BOOKKEEPING_TABLES = frozenset({"handled_requests", "inbox", "outbox_replies"})


def domain_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every domain table, in primary-key order."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with db.reading() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING_TABLES:
                continue
            query = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in session.execute(query)]
    return rows
