"""Exchange rates: converting amounts to one currency at the rate in force on a day.

A rate `CNY→USD 0.138 from 2026-11-01` applies from that day until the pair's next rate.
Without a direct rate the inverse of the opposite pair is used (`USD→CNY 7.25` gives
CNY→USD 1/7.25), so an admin need not enter both directions. An amount with no rate in
force on its day is never guessed at: it is kept apart, by currency, as left out, so every
total can say what it did not count.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

CENTS = Decimal("0.01")
# A rate as an admin types it: up to 10 decimal places, as the table stores.
RATE_PLACES = Decimal("0.0000000001")


@dataclass(frozen=True)
class Rate:
    from_currency: str
    to_currency: str
    rate: Decimal
    effective_on: date


@dataclass
class Rates:
    """Every rate admins keep, by pair, each pair's in date order."""

    _by_pair: dict[tuple[str, str], list[Rate]] = field(default_factory=dict)

    @classmethod
    def of(cls, rates: Iterable[Rate]) -> Rates:
        found = cls()
        for rate in sorted(rates, key=lambda rate: rate.effective_on):
            found._by_pair.setdefault((rate.from_currency, rate.to_currency), []).append(rate)
        return found

    def rate(self, from_currency: str, to_currency: str, on: date) -> Decimal | None:
        """One unit of `from_currency` in `to_currency` on the day `on`; None if no rate."""
        if from_currency == to_currency:
            return Decimal(1)
        direct = self._in_force(from_currency, to_currency, on)
        if direct is not None:
            return direct
        inverse = self._in_force(to_currency, from_currency, on)
        if inverse is None or inverse == 0:
            return None
        with localcontext() as context:
            context.prec = 28
            return Decimal(1) / inverse

    def _in_force(self, from_currency: str, to_currency: str, on: date) -> Decimal | None:
        pair = self._by_pair.get((from_currency, to_currency))
        if not pair:
            return None
        index = bisect_right([rate.effective_on for rate in pair], on)
        return pair[index - 1].rate if index else None


@dataclass(frozen=True)
class Converted:
    """A total in one currency, and what could not be converted into it, per currency."""

    currency: str
    total: Decimal
    left_out: dict[str, Decimal]  # currency -> amount with no rate on its day

    @property
    def complete(self) -> bool:
        return not self.left_out


def convert_total(
    amounts: Iterable[tuple[Decimal, str, date]], currency: str, rates: Rates
) -> Converted:
    """The sum of (amount, currency, day) in `currency`, each at the rate of its own day,
    rounded to cents once at the end so many small conversions don't drift."""
    total = Decimal(0)
    left_out: defaultdict[str, Decimal] = defaultdict(Decimal)
    with localcontext() as context:
        context.prec = 40
        for value, its_currency, day in amounts:
            rate = rates.rate(its_currency, currency, day)
            if rate is None:
                left_out[its_currency] += value
            else:
                total += value * rate
        total = total.quantize(CENTS, rounding=ROUND_HALF_UP) + Decimal("0.00")
    return Converted(currency, total, dict(sorted(left_out.items())))


@dataclass(frozen=True)
class Valuation:
    """Amounts with no day of their own, in one currency at the rates in force on one day.

    Open deals have no win day and what is owed has not been paid yet: each is worth what
    it would fetch on `on` (the reader's today), at that day's rate."""

    currency: str
    rates: Rates
    on: date

    def total(self, amounts: Iterable[tuple[Decimal, str]]) -> Converted:
        """The sum of (amount, currency) in `currency`, and what had no rate on `on`."""
        return convert_total(
            ((value, its_currency, self.on) for value, its_currency in amounts),
            self.currency,
            self.rates,
        )


def merge_left_out(*parts: dict[str, Decimal]) -> dict[str, Decimal]:
    merged: defaultdict[str, Decimal] = defaultdict(Decimal)
    for part in parts:
        for currency, value in part.items():
            merged[currency] += value
    return dict(sorted(merged.items()))


def suggested_rate(from_currency: str, to_currency: str) -> str:
    """A sample rate for the fix in a left-out line: a plausible figure to overwrite."""
    return _SAMPLE_RATES.get((from_currency, to_currency), "1.0")


# Only for the example an admin is shown; conversions never use these.
_SAMPLE_RATES = {
    ("CNY", "USD"): "0.138",
    ("USD", "CNY"): "7.25",
    ("EUR", "USD"): "1.08",
    ("USD", "EUR"): "0.92",
    ("EUR", "CNY"): "7.8",
    ("CNY", "EUR"): "0.128",
    ("GBP", "USD"): "1.27",
    ("JPY", "USD"): "0.0067",
}
