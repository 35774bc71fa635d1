"""What a scheduled job is: who it speaks to, when, and what it says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from blocks.common import Message
from sales.localtime import zone
from sales.workdays import WorkCalendar
from services.context import BotContext


@dataclass(frozen=True)
class Recipient:
    """One person or channel a job writes to, with the clock and calendar they live by."""

    key: str  # the ledger's recipient: a Slack user id, or "team:<id>[:<user id>]"
    channel: str  # where the message goes: a channel id, or a user id for a DM
    tz: str
    calendar: WorkCalendar
    person_id: int | None = None
    team_id: int | None = None

    def local(self, now: datetime) -> datetime:
        return now.astimezone(zone(self.tz))


class Job(Protocol):
    name: str
    summary: str

    def send_time(self) -> time:
        """Local time of day from which the message is due."""
        ...

    def period(self, local_day: date, calendar: WorkCalendar) -> str | None:
        """The ledger period a send on this working day belongs to; None: not due today."""
        ...

    def recipients(self, ctx: BotContext) -> list[Recipient]: ...

    def compose(self, ctx: BotContext, recipient: Recipient, local_now: datetime) -> Message | None:
        """The message, or None when there is nothing worth saying this period."""
        ...
