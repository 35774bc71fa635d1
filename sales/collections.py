"""Payment collection rules: instalment status, settling payments, aging and alert steps.

Pure functions over plain values, so that the store, the handlers, the alert job and the
digest all apply the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache

from translations import marked

ZERO = Decimal(0)


class Status(Enum):
    """Where one instalment stands on a given day."""

    UPCOMING = ("upcoming", ":hourglass_flowing_sand:")
    DUE = ("due", ":bell:")  # due today
    OVERDUE = ("overdue", ":warning:")
    PARTLY_PAID = ("partly paid", ":heavy_minus_sign:")
    PAID = ("paid", ":white_check_mark:")

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def emoji(self) -> str:
        return self.value[1]


def outstanding(amount: Decimal, paid: Decimal) -> Decimal:
    """What is still owed on an instalment (never below zero)."""
    return max(amount - paid, ZERO)


def days_overdue(due_on: date, today: date) -> int:
    """Whole days past the due date; 0 until the day after it."""
    return max((today - due_on).days, 0)


def status(amount: Decimal, paid: Decimal, due_on: date, today: date) -> Status:
    """Paid in full, else overdue once past its due date (even when partly paid), else
    partly paid, due (today) or upcoming."""
    if outstanding(amount, paid) == ZERO:
        return Status.PAID
    if due_on < today:
        return Status.OVERDUE
    if paid > ZERO:
        return Status.PARTLY_PAID
    if due_on == today:
        return Status.DUE
    return Status.UPCOMING


# --- settling payments ---------------------------------------------------------------------


@dataclass(frozen=True)
class OpenInstalment:
    """An instalment a payment may settle: its id, due date and what is still owed."""

    id: int
    due_on: date
    outstanding: Decimal


class PaymentRefused(ValueError):
    """A payment that can't be recorded; `message` says why, in words for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Overpayment(PaymentRefused):
    """More money than is still owed."""

    def __init__(self, amount: Decimal, open_total: Decimal) -> None:
        super().__init__(f"more than the {open_total} still owed")
        self.amount = amount
        self.open_total = open_total
        self.excess = amount - open_total


def allocate(
    open_instalments: Sequence[OpenInstalment], amount: Decimal
) -> list[tuple[int, Decimal]]:
    """Which instalments `amount` settles, oldest due date first (then the first created).

    Each (instalment id, amount applied); the last one may be settled only in part.
    Raises Overpayment when `amount` is more than everything still owed, and
    PaymentRefused when it is not above zero.
    """
    if amount <= ZERO:
        raise PaymentRefused(marked("A payment must be more than zero."))
    owed = [item for item in open_instalments if item.outstanding > ZERO]
    total = sum((item.outstanding for item in owed), ZERO)
    if amount > total:
        raise Overpayment(amount, total)
    plan: list[tuple[int, Decimal]] = []
    left = amount
    for item in sorted(owed, key=lambda item: (item.due_on, item.id)):
        if left == ZERO:
            break
        applied = min(left, item.outstanding)
        plan.append((item.id, applied))
        left -= applied
    return plan


# --- aging -----------------------------------------------------------------------------------

AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)
BUCKET_NAMES = tuple(name for name, _, _ in AGING_BUCKETS)


def aging_bucket(days: int) -> str | None:
    """The aging bucket of an amount `days` overdue; None when it is not overdue."""
    for name, low, high in AGING_BUCKETS:
        if days >= low and (high is None or days <= high):
            return name
    return None


def aging(overdue: Iterable[tuple[int, Decimal]]) -> dict[str, Decimal]:
    """Totals per aging bucket (every bucket present) of (days overdue, amount) pairs."""
    totals = dict.fromkeys(BUCKET_NAMES, ZERO)
    for days, amount in overdue:
        bucket = aging_bucket(days)
        if bucket is not None:
            totals[bucket] += amount
    return totals


# --- alert steps -----------------------------------------------------------------------------

OWNER = "owner"
MANAGER = "manager"
FINANCE = "finance"
REMINDER = "soon"
TIERS = ("tier1", "tier2", "tier3")
STEPS = (REMINDER, *TIERS)
# Who each step is for: the owner first, later their manager, last the manager and finance.
AUDIENCE: dict[str, tuple[str, ...]] = {
    REMINDER: (OWNER,),
    "tier1": (OWNER,),
    "tier2": (OWNER, MANAGER),
    "tier3": (MANAGER, FINANCE),
}


@dataclass(frozen=True)
class AlertRules:
    """When alerts go out: days of notice before the due date, and days overdue per tier."""

    reminder_days: int = 3
    escalation_days: tuple[int, int, int] = (1, 7, 30)

    def reached(self, due_on: date, today: date) -> str | None:
        """The highest step reached on `today`: the reminder from `reminder_days` before the
        due date up to the due date itself, then each tier from its number of days overdue.
        None before the reminder and between the due date and the first tier."""
        late = (today - due_on).days
        if late <= 0:
            return REMINDER if -late <= self.reminder_days else None
        reached = [
            tier for tier, days in zip(TIERS, self.escalation_days, strict=True) if late >= days
        ]
        return reached[-1] if reached else None

    def tier_days(self, step: str) -> int | None:
        """Days overdue that start the tier `step`; None for the reminder."""
        return self.escalation_days[TIERS.index(step)] if step in TIERS else None


def audience(step: str, *, has_manager: bool, has_finance: bool) -> frozenset[str]:
    """Who gets `step`. Without a manager or a finance channel their part is dropped, and a
    step left with nobody goes to the owner: overdue money is never left unmentioned."""
    who = set(AUDIENCE[step])
    if not has_manager:
        who.discard(MANAGER)
    if not has_finance:
        who.discard(FINANCE)
    return frozenset(who or {OWNER})


@cache
def steps_for(role: str, *, has_manager: bool, has_finance: bool) -> frozenset[str]:
    """Every step `role` (owner, manager or finance) is sent (one set per case, shared by
    every alert recipient of a run)."""
    return frozenset(
        step
        for step in STEPS
        if role in audience(step, has_manager=has_manager, has_finance=has_finance)
    )


@dataclass(frozen=True)
class Cancelled:
    """The unpaid part of an instalment that was cancelled, numbered as people saw it."""

    instalment_id: int
    number: int
    of: int
    amount: Decimal
    currency: str
    due_on: date
