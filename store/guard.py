"""The last check before anything is written: every text fits its column and has no
characters the database refuses. Listeners check lengths first, with a friendlier word;
this guard makes sure a check they missed rolls the whole request back instead of
crashing half-way (PostgreSQL refuses NUL and over-long values; SQLite would store them).

The refusal names the table and column and what is wrong with the text; the listener's
guard (handlers.replies) says so in the language of whoever sent the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from parsing.text import has_unsafe_characters


@dataclass(frozen=True)
class Refusal:
    """Which column refused a text, and why: `unsafe` characters, or `too_long` for its
    `limit` (the text being `length` characters)."""

    table: str
    column: str
    reason: Literal["unsafe", "too_long"]
    limit: int | None = None
    length: int | None = None

    def __str__(self) -> str:  # for the log, which is English
        where = f"{self.table}.{self.column}"
        if self.reason == "unsafe":
            return f"{where} has control characters that can't be saved"
        return f"{where} is too long to save: at most {self.limit} characters, not {self.length}"


class TextRefused(ValueError):
    """A text that can't be stored; `refusal` says which, and why."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


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
        if has_unsafe_characters(value):
            raise TextRefused(Refusal(table, column.name, "unsafe"))
        limit = column.type.length if isinstance(column.type, String) else None
        if limit is not None and len(value) > limit:
            raise TextRefused(Refusal(table, column.name, "too_long", limit, len(value)))
