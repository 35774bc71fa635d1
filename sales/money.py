"""Showing money the way people write it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "JPY": "¥"}


def format_money(value: Decimal, currency: str) -> str:
    """`$120,000`, `¥12,500.50`, `CHF 3,000`: cents only when there are some."""
    places = 0 if value == value.to_integral_value() else 2
    number = f"{value:,.{places}f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{currency} {number}"


def typed_amount(value: Decimal) -> str:
    """An amount as a person types it in a command, for examples to copy: `100k`, `1.5m`,
    `120,500`, `1,234,000`, `99.50`. No currency: the command keeps the record's own."""
    million, thousand = Decimal(1_000_000), Decimal(1000)
    for size, suffix, below in ((million, "m", None), (thousand, "k", million)):
        scaled = value / size
        # At most one decimal place ("1.5m", "150.5k"); finer than that reads better in full.
        fits = below is None or value < below
        if value >= size and fits and scaled == scaled.quantize(Decimal("0.1")):
            return f"{scaled.normalize():f}{suffix}"
    places = 0 if value == value.to_integral_value() else 2
    return f"{value:,.{places}f}"


def totals_by_currency(amounts: Iterable[tuple[Decimal, str]]) -> dict[str, Decimal]:
    """Sums kept apart per currency: adding dollars to yuan means nothing."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for value, currency in amounts:
        totals[currency] += value
    return dict(sorted(totals.items()))


def format_totals(totals: dict[str, Decimal]) -> str:
    return " + ".join(format_money(value, currency) for currency, value in totals.items()) or "0"
