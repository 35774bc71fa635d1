"""What many people achieved, answered from facts loaded once for all of them.

The store loads a span's facts for a whole set of people in a few grouped queries
(`store.metrics.load_activity`); everything here answers questions about any subset of
them and any window inside that span, in memory. Windows are [start, end) instants in UTC;
callers turn a person's local days into them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, Inexact, localcontext
from typing import TypeVar

from sales.fx import CENTS, Converted, Rates, convert_total
from sales.localtime import local_today
from sales.stages import STAGES

PROPOSAL_OR_LATER = ("proposal", "negotiation", "won")
T = TypeVar("T")
FUNNEL_ORDER = tuple([key for key, stage in STAGES.items() if stage.is_open] + ["won"])


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive

    def __contains__(self, when: object) -> bool:
        return isinstance(when, datetime) and self.start <= when < self.end


@dataclass(frozen=True, slots=True)
class Win:
    """A deal won (and still won), with when it was last won."""

    deal_id: int
    owner_id: int
    customer_id: int
    amount: Decimal
    currency: str
    created_at: datetime
    won_at: datetime
    owner_tz: str = "UTC"  # the owner's Slack time zone

    @property
    def won_on(self) -> date:
        """The owner's own calendar day the deal was won on: its exchange rate's day."""
        return local_today(self.owner_tz, self.won_at)


@dataclass(frozen=True, slots=True)
class Receipt:
    """Cash received on one day for one person's deals, in one currency."""

    owner_id: int
    day: date
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class FunnelWindow:
    reached: dict[str, int]  # deals that reached each stage (or beyond) in the window
    won_amounts: list[tuple[Decimal, str]]
    won_dated: list[tuple[Decimal, str, date]]  # each win's amount on the day it was won
    cycle_times: list[timedelta]  # created -> won, for deals won in the window
    proposals_by_rep: dict[int, int]
    wins_by_rep: dict[int, int]
    # Of the deals that reached proposal in the window: (still won, lost) per rep.
    outcomes_by_rep: dict[int, tuple[int, int]] = field(default_factory=dict)
    # Deals counted at a stage (they reached a later one) that never passed through it.
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class Activity:
    """A span's facts for a set of people; every question is answered without a query."""

    # rep -> days with visits (sorted) and the visit counts on them
    visit_days: dict[int, list[date]] = field(default_factory=dict)
    visit_counts: dict[int, list[int]] = field(default_factory=dict)
    wins: dict[int, list[Win]] = field(default_factory=dict)  # by owner, by deal id
    first_win_of_customer: dict[int, datetime] = field(default_factory=dict)
    # owner -> deal -> stage -> when the deal first reached it
    arrivals: dict[int, dict[int, dict[str, datetime]]] = field(default_factory=dict)
    receipts: dict[int, list[Receipt]] = field(default_factory=dict)  # by owner
    # deal -> its stage now, for the deals in `arrivals`: its outcome is its latest state.
    stages: dict[int, str] = field(default_factory=dict)
    # Every money question in one currency converts with these, at each win's or payment's day.
    rates: Rates = field(default_factory=Rates)

    @classmethod
    def of(
        cls,
        visits: Iterable[tuple[int, date, int]],
        wins: Iterable[Win],
        first_win_of_customer: dict[int, datetime],
        arrivals: Iterable[tuple[int, int, str, datetime]],
        receipts: Iterable[Receipt],
        rates: Rates | None = None,
        stages: dict[int, str] | None = None,
    ) -> Activity:
        """From rows: visits (rep, day, count); arrivals (owner, deal, stage, first at);
        `stages`: each deal's stage now."""
        activity = cls(
            first_win_of_customer=dict(first_win_of_customer),
            rates=rates or Rates(),
            stages=dict(stages or {}),
        )
        days_of: defaultdict[int, list[date]] = defaultdict(list)
        counts_of: defaultdict[int, list[int]] = defaultdict(list)
        for rep_id, day, count in visits:
            days_of[rep_id].append(day)
            counts_of[rep_id].append(count)
        for rep_id, days in days_of.items():
            counts = counts_of.pop(rep_id)
            if days != sorted(days):
                rows = sorted(zip(days, counts, strict=True))
                days, counts = [day for day, _ in rows], [count for _, count in rows]
            activity.visit_days[rep_id] = days
            activity.visit_counts[rep_id] = _running_totals(counts)
        for win in sorted(wins, key=lambda win: win.deal_id):
            activity.wins.setdefault(win.owner_id, []).append(win)
        for owner_id, deal_id, stage, at in arrivals:
            activity.arrivals.setdefault(owner_id, {}).setdefault(deal_id, {})[stage] = at
        for receipt in receipts:
            activity.receipts.setdefault(receipt.owner_id, []).append(receipt)
        return activity

    # --- questions -------------------------------------------------------------------------

    def visit_count(self, rep_ids: Collection[int], first: date, last: date) -> int:
        return sum(self._visits(rep_id, first, last) for rep_id in rep_ids)

    def visits_by_rep(self, rep_ids: Collection[int], first: date, last: date) -> dict[int, int]:
        counts = {rep_id: self._visits(rep_id, first, last) for rep_id in rep_ids}
        return {rep_id: count for rep_id, count in counts.items() if count}

    def won(self, owner_ids: Collection[int], window: Window) -> list[Win]:
        """Deals won (and still won) in the window, each once, by deal id."""
        found = [
            win
            for owner_id in set(owner_ids)
            for win in self.wins.get(owner_id, ())
            if win.won_at in window
        ]
        return sorted(found, key=lambda win: win.deal_id)

    def collected(
        self, owner_ids: Collection[int], first: date, last: date, currency: str | None
    ) -> Decimal:
        """Cash received from `first` to `last` for deals these people own, converted to
        `currency` (None: every currency added as it is, for counts that ignore money)."""
        if currency is not None:
            return self.collected_in(owner_ids, first, last, currency).total
        return sum(
            (receipt.amount for receipt in self._receipts(owner_ids, first, last)),
            Decimal("0.00"),
        )

    def collected_in(
        self, owner_ids: Collection[int], first: date, last: date, currency: str
    ) -> Converted:
        """Cash received from `first` to `last` in `currency`, each payment at its day's rate,
        and what had no rate."""
        receipts = self._receipts(owner_ids, first, last)
        return convert_total(
            ((receipt.amount, receipt.currency, receipt.day) for receipt in receipts),
            currency,
            self.rates,
        )

    def won_in(self, owner_ids: Collection[int], window: Window, currency: str) -> Converted:
        """Revenue won in the window in `currency`, each deal at its win day's rate."""
        return convert_total(_dated(self.won(owner_ids, window)), currency, self.rates)

    def collected_by_currency(
        self, owner_ids: Collection[int], first: date, last: date
    ) -> dict[str, Decimal]:
        totals: defaultdict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for receipt in self._receipts(owner_ids, first, last):
            totals[receipt.currency] += receipt.amount
        return dict(sorted(totals.items()))

    def new_customers(self, owner_ids: Collection[int], window: Window) -> set[int]:
        """Customers whose first won deal (by anyone) was won in the window by one of these
        owners."""
        return {
            win.customer_id
            for win in self.won(owner_ids, window)
            if self.first_win_of_customer.get(win.customer_id, win.won_at) in window
        }

    def first_reached(
        self, owner_ids: Collection[int], window: Window, stages: Collection[str]
    ) -> dict[int, int]:
        """Deals that first reached any of `stages` in the window: deal id -> owner id."""
        found = {}
        for owner_id in set(owner_ids):
            for deal_id, reached in self.arrivals.get(owner_id, {}).items():
                times = [at for stage, at in reached.items() if stage in stages]
                if times and min(times) in window:
                    found[deal_id] = owner_id
        return found

    def achieved(
        self,
        metric: str,
        owner_ids: Collection[int],
        window: Window,
        days: tuple[date, date],
        currency: str | None,
    ) -> Decimal:
        """The amount `owner_ids` reached on `metric` in the window (or, for visits and
        cash, the days); money converted to `currency` (see `money_left_out`)."""
        if not owner_ids:
            return Decimal(0)
        if metric == "visits":
            return Decimal(self.visit_count(owner_ids, *days))
        if metric == "revenue":
            if currency is not None:
                return self.won_in(owner_ids, window, currency).total
            return sum((win.amount for win in self.won(owner_ids, window)), Decimal(0))
        if metric == "collected":
            return self.collected(owner_ids, *days, currency)
        if metric == "new_customers":
            return Decimal(len(self.new_customers(owner_ids, window)))
        if metric == "proposals":
            return Decimal(len(self.first_reached(owner_ids, window, PROPOSAL_OR_LATER)))
        raise ValueError(f"unknown metric {metric!r}")

    def money_left_out(
        self,
        metric: str,
        owner_ids: Collection[int],
        window: Window,
        days: tuple[date, date],
        currency: str | None,
    ) -> dict[str, Decimal]:
        """What `achieved` could not count in `currency` for want of a rate, per currency."""
        if currency is None or not owner_ids:
            return {}
        if metric == "revenue":
            return self.won_in(owner_ids, window, currency).left_out
        if metric == "collected":
            return self.collected_in(owner_ids, *days, currency).left_out
        return {}

    def achieved_by_day(
        self,
        metric: str,
        owner_ids: Collection[int],
        since: datetime,
        first: date,
        ends: list[datetime],
        currency: str | None,
    ) -> list[Decimal]:
        """`achieved` cumulated day by day, in one pass: for the i-th day from `first`, what
        was reached in Window(since, ends[i]) (or, for visits and cash, from `first` to that
        day). `ends` rise; each is the end of its day (or earlier, for today)."""
        days = [first + timedelta(days=index) for index in range(len(ends))]
        if not owner_ids or not ends:
            return [Decimal(0) for _ in ends]
        if metric == "visits":
            return [Decimal(self.visit_count(owner_ids, first, day)) for day in days]
        if metric == "revenue":
            wins = self.won(owner_ids, Window(since, ends[-1]))
            by_day = _by_index([(bisect_right(ends, win.won_at), win) for win in wins], len(ends))
            if currency is None:
                return _running_sums(([win.amount for win in day] for day in by_day), Decimal(0))
            found = _running_converted([_dated(day) for day in by_day], currency, self.rates)
        elif metric == "collected":
            receipts = self._receipts(owner_ids, first, days[-1])
            by_day = _by_index([((r.day - first).days, r) for r in receipts], len(ends))
            if currency is None:
                return _running_sums(([r.amount for r in day] for day in by_day), Decimal("0.00"))
            found = _running_converted(
                [[(r.amount, r.currency, r.day) for r in day] for day in by_day],
                currency,
                self.rates,
            )
        elif metric == "new_customers":
            return _running_counts(self._new_customer_days(owner_ids, since, ends), len(ends))
        elif metric == "proposals":
            reached = self._first_reached_at(owner_ids, PROPOSAL_OR_LATER)
            entered = [bisect_right(ends, at) for at in reached.values() if since <= at]
            return _running_counts(entered, len(ends))
        else:
            raise ValueError(f"unknown metric {metric!r}")
        if found is not None:
            return found
        # A sum too long for exact arithmetic: each day's total as `achieved` adds it up.
        return [
            self.achieved(metric, owner_ids, Window(since, end), (first, day), currency)
            for end, day in zip(ends, days, strict=True)
        ]

    def _new_customer_days(
        self, owner_ids: Collection[int], since: datetime, ends: list[datetime]
    ) -> list[int]:
        """The index of the day each new customer is first counted on (see `new_customers`):
        once both their win and their first win by anyone are in the window."""
        entered: dict[int, int] = {}
        for win in self.won(owner_ids, Window(since, ends[-1])):
            first_win = self.first_win_of_customer.get(win.customer_id, win.won_at)
            if first_win < since:
                continue
            index = max(bisect_right(ends, win.won_at), bisect_right(ends, first_win))
            entered[win.customer_id] = min(index, entered.get(win.customer_id, index))
        return list(entered.values())

    def _first_reached_at(
        self, owner_ids: Collection[int], stages: Collection[str]
    ) -> dict[int, datetime]:
        """When each of these owners' deals first reached any of `stages`."""
        found = {}
        for owner_id in set(owner_ids):
            for deal_id, reached in self.arrivals.get(owner_id, {}).items():
                times = [at for stage, at in reached.items() if stage in stages]
                if times:
                    found[deal_id] = min(times)
        return found

    def funnel(self, owner_ids: Collection[int], window: Window) -> FunnelWindow:
        """The weekly data review's numbers for these owners' deals over the window."""
        reached: Counter[str] = Counter()
        for index, stage in enumerate(FUNNEL_ORDER):
            reached[stage] = len(self.first_reached(owner_ids, window, FUNNEL_ORDER[index:]))
        won = self.won(owner_ids, window)
        proposals = self.first_reached(owner_ids, window, PROPOSAL_OR_LATER)
        return FunnelWindow(
            reached=dict(reached),
            won_amounts=[(win.amount, win.currency) for win in won],
            won_dated=_dated(won),
            cycle_times=[win.won_at - win.created_at for win in won],
            proposals_by_rep=dict(Counter(proposals.values())),
            wins_by_rep=dict(Counter(win.owner_id for win in won)),
            outcomes_by_rep=self._outcomes(proposals),
            skipped=self._skipped(owner_ids, window),
        )

    def _outcomes(self, proposals: dict[int, int]) -> dict[int, tuple[int, int]]:
        """(won, lost) per owner of these deals. A deal's outcome is its latest closed state:
        still won, or lost now; a deal lost (or won) and then reopened is open again."""
        won_ids = {
            win.deal_id for owner in set(proposals.values()) for win in self.wins.get(owner, ())
        }
        outcomes: dict[int, tuple[int, int]] = {}
        for deal_id, owner_id in proposals.items():
            won, lost = outcomes.get(owner_id, (0, 0))
            if deal_id in won_ids:
                won += 1
            elif self.stages.get(deal_id) == "lost":
                lost += 1
            outcomes[owner_id] = (won, lost)
        return outcomes

    def _skipped(self, owner_ids: Collection[int], window: Window) -> dict[str, int]:
        skipped: Counter[str] = Counter()
        for index, stage in enumerate(FUNNEL_ORDER[:-1]):
            counted = self.first_reached(owner_ids, window, FUNNEL_ORDER[index:])
            for deal_id, owner_id in counted.items():
                if stage not in self.arrivals.get(owner_id, {}).get(deal_id, {}):
                    skipped[stage] += 1
        return dict(skipped)

    # --- helpers ---------------------------------------------------------------------------

    def _visits(self, rep_id: int, first: date, last: date) -> int:
        days = self.visit_days.get(rep_id)
        if not days:
            return 0
        totals = self.visit_counts[rep_id]
        low, high = bisect_left(days, first), bisect_right(days, last)
        if high <= low:
            return 0
        return totals[high - 1] - (totals[low - 1] if low else 0)

    def _receipts(self, owner_ids: Collection[int], first: date, last: date) -> list[Receipt]:
        return [
            receipt
            for owner_id in set(owner_ids)
            for receipt in self.receipts.get(owner_id, ())
            if first <= receipt.day <= last
        ]


def _dated(wins: Iterable[Win]) -> list[tuple[Decimal, str, date]]:
    # The rate in force on the owner's local day the deal was won, the day pacing counts it.
    return [(win.amount, win.currency, win.won_on) for win in wins]


def _by_index(rows: list[tuple[int, T]], count: int) -> list[list[T]]:
    """Rows grouped by their index, 0..count-1 (others left out), each group in order."""
    grouped: list[list[T]] = [[] for _ in range(count)]
    for index, row in rows:
        if 0 <= index < count:
            grouped[index].append(row)
    return grouped


def _running_sums(groups: Iterable[list[Decimal]], start: Decimal) -> list[Decimal]:
    totals, running = [], start
    for group in groups:
        for value in group:
            running += value
        totals.append(running)
    return totals


def _running_counts(indexes: Iterable[int], count: int) -> list[Decimal]:
    per_day = Counter(indexes)
    totals, running = [], 0
    for index in range(count):
        running += per_day.get(index, 0)
        totals.append(Decimal(running))
    return totals


def _running_converted(
    groups: list[list[tuple[Decimal, str, date]]], currency: str, rates: Rates
) -> list[Decimal] | None:
    """`convert_total(...).total` of the first 1, 2, ... groups together, from one running
    sum; None when the sum cannot be kept exact (or an amount is negative), because then
    the order of the additions, which differs from `convert_total`'s, could change it."""
    totals = []
    running = Decimal(0)
    with localcontext() as context:
        context.prec = 40
        for group in groups:
            for value, its_currency, day in group:
                rate = rates.rate(its_currency, currency, day)
                if rate is None:
                    continue
                converted = value * rate  # as convert_total multiplies
                if converted < 0:
                    return None
                context.clear_flags()
                running += converted
                if context.flags[Inexact]:
                    return None
            totals.append(running.quantize(CENTS, rounding=ROUND_HALF_UP) + Decimal("0.00"))
    return totals


def _running_totals(counts: Iterable[int]) -> list[int]:
    totals, running = [], 0
    for count in counts:
        running += count
        totals.append(running)
    return totals
