"""The last check before anything is written: every text fits its column and has no
characters the database refuses. Listeners check lengths first, with a friendlier word;
this guard makes sure a check they missed rolls the whole request back instead of
crashing half-way (PostgreSQL refuses NUL and over-long values; SQLite would store them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from parsing.text import has_unsafe_characters

# How people know the columns they type into; others are named by table and column.
_LABELS = {
    ("customers", "name"): "The customer's name",
    ("customers", "name_key"): "The customer's name",
    ("teams", "name"): "The team's name",
    ("teams", "name_key"): "The team's name",
    ("deals", "title"): "The deal's title",
    ("visits", "outcome"): "The outcome",
    ("cases", "title"): "The case's title",
    ("cases", "tags"): "The tags",
    ("people", "display_name"): "The Slack display name",
}


class TextRefused(ValueError):
    """A text that can't be stored; `message` says which, and why, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def guard_writes(sessions: sessionmaker[Session]) -> None:
    event.listen(sessions, "before_flush", _check_pending)


def _check_pending(session: Session, _context: Any, _instances: Any) -> None:
    for instance in (*session.new, *session.dirty):
        _check_instance(instance)


def _check_instance(instance: object) -> None:
    state = inspect(instance)
    table = state.mapper.local_table.name
    for column in state.mapper.columns:
        value = state.dict.get(column.key)
        if not isinstance(value, str):
            continue
        label = _LABELS.get((table, column.name), f"{column.name} of {table}")
        if has_unsafe_characters(value):
            raise TextRefused(f"{label} has control characters that can't be saved.")
        limit = column.type.length if isinstance(column.type, String) else None
        if limit is not None and len(value) > limit:
            raise TextRefused(
                f"{label} is too long to save: at most {limit} characters, "
                f"and this is {len(value)}."
            )
