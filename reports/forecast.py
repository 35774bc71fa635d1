"""The forecast (预测) for a period, for many people and teams from one load.

For each period (the month or quarter of a revenue target in force; the current month for
someone with none): revenue won so far; the open deals expected to close in what is left of
it, as the reps' *commit* and *best case* calls and weighted by stage probability; the
coverage of what is left of the target by that open pipeline; and the deals whose close
date has passed while they are still open ("slipped"), which are listed apart and not
counted in the period. Open amounts convert to the team's currency at today's rate, won
ones at their win day's rate; what has no rate is left out and said.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from blocks.forecast import Forecast, RepForecast, TeamForecast
from sales.activity import Window
from sales.forecast import BEST_CASE, COMMIT, OpenAmount, SlippedDeal, weight
from sales.fx import Converted, convert_total, merge_left_out
from sales.periods import Period, month_of
from store import pipeline
from store.models import Person, Team
from store.targets import TargetInForce

if TYPE_CHECKING:
    from reports.book import Book

REVENUE = "revenue"


@dataclass
class Pipeline:
    """Open deals of the loaded people: grouped amounts and the slipped deals, by owner."""

    probabilities: Mapping[str, int]
    amounts: list[OpenAmount]
    slipped: list[SlippedDeal]  # open, expected to close before the latest local today
    _amounts_of: dict[int, list[OpenAmount]] = field(default_factory=dict)
    _slipped_of: dict[int, list[SlippedDeal]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for amount in self.amounts:
            self._amounts_of.setdefault(amount.owner_id, []).append(amount)
        for deal in self.slipped:
            self._slipped_of.setdefault(deal.owner_id, []).append(deal)

    def amounts_of(self, owner_ids: Collection[int]) -> list[OpenAmount]:
        return [row for owner in set(owner_ids) for row in self._amounts_of.get(owner, ())]

    def slipped_of(self, owner_ids: Collection[int], today: date) -> list[SlippedDeal]:
        found = [
            deal
            for owner in set(owner_ids)
            for deal in self._slipped_of.get(owner, ())
            if deal.close < today
        ]
        return sorted(found, key=lambda deal: (deal.close, deal.deal_id))


def load_pipeline(
    session: Session,
    owner_ids: Collection[int] | None,
    until: date,
    today: date,
    probabilities: Mapping[str, int],
) -> Pipeline:
    """Open deals closing by `until` (grouped) and those slipped before `today` (the latest
    local today): two statements, however many people."""
    return Pipeline(
        probabilities,
        pipeline.open_amounts(session, owner_ids, until),
        pipeline.slipped_deals(session, owner_ids, today),
    )


def forecast_until(targets: Iterable[TargetInForce], today: date) -> date:
    """The last day any forecast of `targets` (or the current month's) looks at."""
    return max([month_of(today).end, *(t.period_end for t in targets if t.metric == REVENUE)])


def forecast_for(
    book: Book,
    owner_ids: Collection[int],
    period: Period,
    target: Decimal | None,
    currency: str,
    local_now: datetime,
) -> Forecast:
    """The forecast of `owner_ids` together over `period`, in `currency`, at `local_now`."""
    found = book.pipeline
    assert found is not None  # the book must be loaded with the pipeline (probabilities)
    today = local_now.date()
    rates = book.activity.rates
    rows = found.amounts_of(owner_ids)
    # Expected in what is left of the period; a close day already past is a slipped deal.
    ahead = [row for row in rows if row.close is not None and today <= row.close <= period.end]

    def worth(pairs: Iterable[tuple[Decimal, str]]) -> Converted:
        # Open deals are worth what they would fetch today.
        return convert_total(((value, its, today) for value, its in pairs), currency, rates)

    open_total = worth((row.amount, row.currency) for row in ahead)
    weighted = worth(
        (row.amount * weight(row.stage, found.probabilities), row.currency) for row in ahead
    )
    commit = worth((row.amount, row.currency) for row in ahead if row.category == COMMIT)
    best_case = worth((row.amount, row.currency) for row in ahead if row.category == BEST_CASE)
    slipped = found.slipped_of(owner_ids, today)
    slipped_total = worth((deal.amount, deal.currency) for deal in slipped)
    since = datetime.combine(period.start, time(0), tzinfo=local_now.tzinfo)
    won = book.activity.won_in(owner_ids, Window(since, local_now), currency)
    return Forecast(
        period=period.label,
        period_end=period.end,
        currency=currency,
        won=won.total,
        commit=commit.total,
        best_case=best_case.total,
        weighted=weighted.total,
        open=open_total.total,
        target=target,
        slipped=slipped,
        slipped_total=slipped_total.total,
        no_close=sum(row.deals for row in rows if row.close is None),
        left_out=merge_left_out(won.left_out, open_total.left_out, slipped_total.left_out),
    )


def _period_of(target: TargetInForce) -> Period:
    return Period(target.period_start, target.period_end, target.period)


def _revenue_targets(targets: Iterable[TargetInForce]) -> list[TargetInForce]:
    return [target for target in targets if target.metric == REVENUE]


def person_forecasts(book: Book, person_id: int, local_now: datetime) -> list[Forecast]:
    """The person's forecast for each of their revenue targets in force (in its currency),
    or for the current month in their team's currency when they have none."""
    today = local_now.date()
    targets = _revenue_targets(book.targets.for_person(person_id, today))
    currency = book.person_currency(person_id)
    if not targets:
        return [forecast_for(book, [person_id], month_of(today), None, currency, local_now)]
    return [
        forecast_for(
            book,
            [person_id],
            _period_of(target),
            target.amount,
            target.currency or currency,
            local_now,
        )
        for target in targets
    ]


def team_forecast(
    book: Book, team: Team, reps: list[Person], local_now: datetime
) -> TeamForecast | None:
    """The team's forecast for each of its revenue targets in force, in the target's
    currency (the current month in the team's currency when it has none), and each rep's
    for the first of those periods in the same currency; None when the book has no
    pipeline loaded."""
    if book.pipeline is None:
        return None
    today = local_now.date()
    currency = book.team_currency(team)
    rep_ids = [rep.id for rep in reps]
    targets = _revenue_targets(book.targets.for_team(team.id, today))
    # Each target counted in its own currency, as the team's pacing is.
    periods = [(_period_of(t), t.amount, t.currency or currency) for t in targets] or [
        (month_of(today), None, currency)
    ]
    totals = [
        forecast_for(book, rep_ids, period, amount, its_currency, local_now)
        for period, amount, its_currency in periods
    ]
    period, _, currency = periods[0]
    return TeamForecast(
        team=totals,
        reps=[
            RepForecast(
                rep.slack_user_id,
                forecast_for(
                    book,
                    [rep.id],
                    period,
                    _own_target(book, rep.id, period, currency, today),
                    currency,
                    local_now,
                ),
            )
            for rep in reps
        ],
    )


def _own_target(
    book: Book, person_id: int, period: Period, currency: str, today: date
) -> Decimal | None:
    """The rep's own revenue target for `period` in `currency`, when they have one: the
    basis of their coverage in the team's view."""
    return next(
        (
            target.amount
            for target in _revenue_targets(book.targets.for_person(person_id, today))
            if target.period == period.label and target.currency in (None, currency)
        ),
        None,
    )
