"""Process KPIs (考核指标) for the weekly data review (数据复盘会) in the manager digest."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from sales.stages import OPEN_STAGES, WON

# The path a deal walks to a win; "lost" is an exit, not a step.
_PATH: tuple[str, ...] = (*(stage.key for stage in OPEN_STAGES), WON.key)
_CENTS = Decimal("0.01")
_SECONDS_PER_DAY = 86_400

# Shares of the expected amount achieved so far (achieved / expected).
_VISITS_SHORT = 0.8  # too few visits: the pipeline is starving
_VISITS_ON_PACE = 0.9  # visits fine, so a revenue shortfall lies in conversion
_REVENUE_SHORT = 0.8


def conversion_rates(reached: Mapping[str, int]) -> list[tuple[str, str, float | None]]:
    """(from, to, rate) for each step lead→qualified→…→won.

    `reached[stage]` counts deals that reached the stage or a later one; a stage missing
    from the mapping counts as zero. The rate is None when no deal reached `from`.
    """
    return [
        (before, after, _ratio(reached.get(after, 0), reached.get(before, 0)))
        for before, after in pairwise(_PATH)
    ]


def average(values: Sequence[Decimal]) -> Decimal | None:
    """The mean to the cent (客单价 for deal amounts), None when there is nothing to average."""
    if not values:
        return None
    mean = sum(values, Decimal(0)) / len(values)
    return mean.quantize(_CENTS, rounding=ROUND_HALF_UP)


def under_a_day(days: float | None) -> bool:
    """A cycle shorter than a day reads "under a day", never "0.0 days"."""
    return days is not None and days < 1


def median_days(durations: Sequence[timedelta]) -> float | None:
    """Median sales-cycle length in (fractional) days; the median shrugs off one stuck deal."""
    if not durations:
        return None
    return statistics.median(duration.total_seconds() for duration in durations) / _SECONDS_PER_DAY


@dataclass(frozen=True)
class RepConversion:
    """A rep's proposals in the review and how those that closed ended: the rate is over
    closed outcomes only (won / (won + lost)); open ones are shown apart, never as losses."""

    rep: str
    proposals: int
    wins: int
    lost: int
    rate: float | None

    @classmethod
    def of(cls, rep: str, proposals: int, wins: int, lost: int) -> RepConversion:
        return cls(rep, proposals, wins, lost, _ratio(wins, wins + lost))

    @property
    def closed(self) -> int:
        return self.wins + self.lost

    @property
    def open(self) -> int:
        return max(self.proposals - self.closed, 0)


def below_team_average(
    reps: Sequence[RepConversion], min_proposals: int = 2
) -> tuple[float | None, list[RepConversion]]:
    """The team's proposal-to-win rate over closed proposals and the reps below it, lowest
    first.

    The team rate pools everyone's closed proposals, so a rep with one lucky win does not
    set the bar. Reps with fewer than `min_proposals` closed proposals are too few to judge
    and are never flagged; open proposals are not yet an outcome either way.
    """
    team = _ratio(sum(rep.wins for rep in reps), sum(rep.closed for rep in reps))
    if team is None:
        return None, []
    judged = [rep for rep in reps if rep.closed >= min_proposals and rep.closed > 0]
    below = [rep for rep in judged if rep.wins / rep.closed < team]
    return team, sorted(below, key=lambda rep: (rep.wins / rep.closed, rep.rep))


def percent(rate: float | None) -> str:
    """`42%`, or a dash when there was nothing to measure."""
    return "—" if rate is None else f"{rate:.0%}"


def lead_or_conversion_problem(visits_pace: float | None, revenue_pace: float | None) -> str | None:
    """Why a rep is behind: "lead volume", "conversion", or None when unclear or unknown.

    Both arguments are achieved / expected so far. Between the visit bands the signal is
    too weak to name a cause.
    """
    if visits_pace is None:
        return None
    if visits_pace < _VISITS_SHORT:
        return "lead volume"
    if visits_pace < _VISITS_ON_PACE or revenue_pace is None:
        return None
    return "conversion" if revenue_pace < _REVENUE_SHORT else None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
