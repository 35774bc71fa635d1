"""Settings admins changed from the Home tab, stored as the environment writes them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.audit import record_change, snapshot
from store.models import SettingOverride


def overrides(session: Session) -> dict[str, str]:
    """Every stored value, by setting name (e.g. {"PACING_TIME": "10:00"})."""
    return {row.key: row.value for row in session.scalars(select(SettingOverride))}


def set_override(session: Session, key: str, value: str | None, actor: str) -> bool:
    """Store `value` for the setting `key`, or remove it (None: the environment's value
    applies again). Audited; False when nothing changed."""
    row = session.scalar(select(SettingOverride).where(SettingOverride.key == key))
    if value is None:
        if row is None:
            return False
        before = snapshot(row)
        session.delete(row)
        record_change(session, actor=actor, record=row, action="delete", before=before)
        return True
    if row is None:
        row = SettingOverride(key=key, value=value, updated_by=actor)
        session.add(row)
        record_change(session, actor=actor, record=row, action="create", before=None)
        return True
    if row.value == value:
        return False
    before = snapshot(row)
    row.value = value
    row.updated_by = actor
    record_change(session, actor=actor, record=row, action="update", before=before)
    return True
