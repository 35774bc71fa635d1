"""The audit log: every create, update and delete, with the record before and after."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from store.models import AuditEntry, Base


def snapshot(record: Base) -> dict[str, Any]:
    """The record's column values, as JSON-safe values."""
    mapper = inspect(type(record))
    return {column.key: _json_value(getattr(record, column.key)) for column in mapper.column_attrs}


def record_change(
    session: Session,
    *,
    actor: str,
    record: Base,
    action: str,
    before: dict[str, Any] | None,
) -> None:
    """Log `action` on `record` by the Slack user `actor`; `before` is its earlier snapshot."""
    session.flush()
    after = None if action == "delete" else snapshot(record)
    session.add(
        AuditEntry(
            actor=actor,
            entity=type(record).__tablename__,
            entity_id=inspect(record).identity[0],
            action=action,
            before=before,
            after=after,
        )
    )


def history(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(query))


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
