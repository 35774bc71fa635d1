"""Fast inserts of many rows at once, for seeding benchmark and test data through the
project's own schema (executemany with RETURNING, in batches)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from store.models import Base

BATCH = 5000


def insert_rows(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], *, ids: bool = True
) -> list[int]:
    """Insert `rows` into `model`'s table; their new ids in the order given (none when
    `ids` is False, which is faster)."""
    table = model.__table__
    found: list[int] = []
    statement = insert(model)
    if ids:
        statement = statement.returning(table.c.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
    for start in range(0, len(rows), BATCH):
        batch = list(rows[start : start + BATCH])
        if ids:
            found += list(session.scalars(statement, batch))
        else:
            session.execute(statement, batch)
    return found
