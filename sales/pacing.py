"""Morning pacing (过程管控): target, done so far, where a rep should be by today, what is needed.

Expectations are pro-rated over the period's working days only, so a holiday week does not
make a rep look behind. Values stay `Decimal` because the same sums serve money (revenue)
and counts (visits).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from sales.periods import Period
from sales.workdays import WorkCalendar
from translations import marked

CENTS = Decimal("0.01")
ZERO = Decimal("0.00")
# Enough digits that quantizing any realistic amount to cents cannot overflow the context.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)


class Status(enum.Enum):
    AHEAD = (marked("Ahead"), ":rocket:")
    ON_TRACK = (marked("On track"), ":white_check_mark:")
    BEHIND = (marked("Behind"), ":warning:")
    AT_RISK = (marked("At risk"), ":rotating_light:")
    DONE = (marked("Target reached"), ":trophy:")

    def __init__(self, label: str, emoji: str) -> None:
        self.label = label
        self.emoji = emoji


# Share of the expected amount achieved, best band first.
_BANDS: tuple[tuple[Decimal, Status], ...] = (
    (Decimal("1.10"), Status.AHEAD),
    (Decimal("0.90"), Status.ON_TRACK),
    (Decimal("0.70"), Status.BEHIND),
)


@dataclass(frozen=True)
class Pace:
    target: Decimal
    achieved: Decimal
    expected: Decimal  # where they should be by the end of `today`
    gap: Decimal  # expected - achieved (positive = behind)
    remaining: Decimal  # max(target - achieved, 0)
    needed_per_day: Decimal  # remaining / working days left including today (0 if none left)
    working_days: int  # in the pacing window
    elapsed_days: int  # working days in the window up to and including today
    days_left: int  # working days from today (inclusive) to period end
    status: Status

    @property
    def fraction_done(self) -> float:
        """achieved / target; a zero target counts as fully met."""
        if self.target == 0:
            return 1.0
        return float(self.achieved / self.target)


def pace(
    target: Decimal,
    achieved: Decimal,
    period: Period,
    today: date,
    calendar: WorkCalendar,
    started_on: date | None = None,
    unit: Decimal = CENTS,
) -> Pace:
    """Pacing for `today`; a rep (or team) who started mid-period is paced only from
    `started_on`, and nothing is expected of them before a whole working day has passed.

    Expectations are rounded to `unit` (a cent for money, 1 for counts) so that the status
    and the gap shown beside it always agree: never "Ahead" with nothing ahead."""
    _check_amounts(target, achieved)
    window_start = max(period.start, started_on or period.start)
    working = calendar.count(window_start, period.end)
    elapsed = calendar.count(window_start, min(today, period.end))
    days_left = calendar.count(max(today, window_start), period.end)
    with localcontext(_CONTEXT):
        target, achieved = _cents(target), _cents(achieved)
        if started_within(period, started_on) and history_days(calendar, window_start, today) < 1:
            expected = ZERO if today <= period.end else target
        else:
            expected = _expected(target, period, window_start, today, elapsed, working)
        expected = _round_to(expected, unit)
        remaining = max(target - achieved, ZERO)
        needed = _cents(remaining / days_left) if days_left else ZERO
        return Pace(
            target=target,
            achieved=achieved,
            expected=expected,
            gap=expected - achieved,
            remaining=remaining,
            needed_per_day=needed,
            working_days=working,
            elapsed_days=elapsed,
            days_left=days_left,
            status=_status(target, achieved, expected, days_left),
        )


def started_within(period: Period, started_on: date | None) -> bool:
    """Whether the owner joined (or the team formed) after the period began."""
    return started_on is not None and started_on > period.start


def history_days(calendar: WorkCalendar, since: date, today: date) -> int:
    """Whole working days from `since` up to yesterday: how long someone has been around."""
    return calendar.count(since, today - timedelta(days=1)) if today > since else 0


def progress_bar(fraction: float, width: int = 10) -> str:
    """`▰▰▰▱▱▱▱▱▱▱`: always `width` cells; a full bar only once the target is met."""
    if width < 0:
        raise ValueError(f"a progress bar cannot be {width} cells wide")
    clamped = min(max(fraction, 0.0), 1.0) if not math.isnan(fraction) else 0.0
    # Rounding down keeps 97% from looking done.
    filled = math.floor(clamped * width)
    return "▰" * filled + "▱" * (width - filled)


def _check_amounts(target: Decimal, achieved: Decimal) -> None:
    if not (target.is_finite() and achieved.is_finite()):
        raise ValueError(f"target and achieved must be numbers, not {target} and {achieved}")
    if target < 0:
        raise ValueError(f"a target cannot be negative: {target}")


def _round_to(value: Decimal, unit: Decimal) -> Decimal:
    if unit == CENTS:
        return value
    return _cents(value.quantize(unit, rounding=ROUND_HALF_UP))


def _cents(value: Decimal) -> Decimal:
    # Adding zero turns a negative zero into "0.00" so "-0.00" never reaches a message.
    return value.quantize(CENTS, rounding=ROUND_HALF_UP) + ZERO


def _expected(
    target: Decimal, period: Period, window_start: date, today: date, elapsed: int, working: int
) -> Decimal:
    if today > period.end:
        return target
    if today < window_start:
        return ZERO
    if working == 0:
        # No working day to spread the target over: all of it is due at once.
        return target
    return _cents(target * elapsed / working)


def _status(target: Decimal, achieved: Decimal, expected: Decimal, days_left: int) -> Status:
    if target == 0 or achieved >= target:
        return Status.DONE
    if days_left == 0:
        # Short of target with no working day left to close the gap.
        return Status.AT_RISK
    if expected == 0:
        return Status.ON_TRACK
    ratio = achieved / expected
    return next((status for floor, status in _BANDS if ratio >= floor), Status.AT_RISK)
