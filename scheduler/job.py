"""What a scheduled job is: who it speaks to, when, and what it says."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

from blocks.common import Message
from sales.case_review import WeeklySlot
from sales.localtime import zone
from sales.workdays import WorkCalendar
from translations import ENGLISH, Language, Text

if TYPE_CHECKING:
    from services.context import BotContext

__all__ = ["Job", "Recipient", "RunFacts", "WeeklySlot", "facts_of"]
T = TypeVar("T")


class RunFacts(Generic[T]):
    """What a job's messages say, loaded once for all of one run's recipients.

    A job's `recipients()` hands the same RunFacts to every recipient it lists; the first
    message composed loads the facts for all of them (for that run's instant), and every
    other message is rendered from them without a query. Each run lists its recipients
    afresh, so no run sees another's facts.
    """

    def __init__(self, load: Callable[[datetime], T]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._loaded: tuple[datetime, T] | None = None

    def at(self, local_now: datetime) -> T:
        now = local_now.astimezone(UTC)
        with self._lock:
            if self._loaded is None or self._loaded[0] != now:
                self._loaded = (now, self._load(now))
            return self._loaded[1]


def facts_of(recipient: Recipient, local_now: datetime, alone: Callable[[datetime], T]) -> T:
    """The run's facts for `recipient`; `alone` loads them for a recipient listed by hand."""
    if recipient.facts is not None:
        return recipient.facts.at(local_now)  # type: ignore[no-any-return]
    return alone(local_now.astimezone(UTC))


@dataclass(frozen=True, slots=True)
class Recipient:
    """One person or channel a job writes to, with the clock and calendar they live by."""

    key: str  # the ledger's recipient: a Slack user id, or "team:<id>[:<user id>]"
    channel: str  # where the message goes: a channel id, or a user id for a DM
    tz: str
    calendar: WorkCalendar
    person_id: int | None = None
    team_id: int | None = None
    # The team's own weekly day and time, for jobs that let a team choose them.
    slot: WeeklySlot | None = None
    # Shared by every recipient of one run: see RunFacts.
    facts: RunFacts[Any] | None = field(default=None, compare=False, repr=False)
    # The reader's language, known when the recipients are listed (from the roster), so
    # composing a message asks the database nothing more: a person's for a DM, the team's
    # for a channel post.
    language: Language = ENGLISH

    def local(self, now: datetime) -> datetime:
        return now.astimezone(zone(self.tz))

    @property
    def label(self) -> str:
        """How a run report names this send: the key, unless a job writes to one recipient
        about several things (an alert per instalment), whose recipients say which."""
        return self.key


class Job(Protocol):
    name: str
    summary: Text  # what it sends, when: for the admins, in their language

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


@runtime_checkable
class PerRecipientSchedule(Protocol):
    """A job whose send time or due days differ per recipient (e.g. a team's own setting).

    The runtime asks a job that has these methods instead of `send_time()` and `period()`.
    """

    def send_time_for(self, recipient: Recipient) -> time: ...

    def period_for(self, local_day: date, recipient: Recipient) -> str | None: ...


def send_time_of(job: Job, recipient: Recipient) -> time:
    """When `job` is due for `recipient`, local time."""
    if isinstance(job, PerRecipientSchedule):
        return job.send_time_for(recipient)
    return job.send_time()


def period_of(job: Job, local_day: date, recipient: Recipient) -> str | None:
    """The ledger period of a send to `recipient` on this working day; None: not due."""
    if isinstance(job, PerRecipientSchedule):
        return job.period_for(local_day, recipient)
    return job.period(local_day, recipient.calendar)
