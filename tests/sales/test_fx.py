"""Exchange rates: the rate in force on a day, inverses, and honest left-out sums."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sales.activity import Activity, Receipt, Win, Window
from sales.fx import Converted, Rate, Rates, Valuation, convert_total

RATES = Rates.of(
    [
        Rate("CNY", "USD", Decimal("0.1400"), date(2026, 11, 1)),
        Rate("CNY", "USD", Decimal("0.1380"), date(2026, 11, 15)),
        Rate("USD", "EUR", Decimal("0.9200"), date(2026, 1, 1)),
    ]
)


@pytest.mark.parametrize(
    ("pair", "on", "expected"),
    [
        (("CNY", "USD"), date(2026, 10, 31), None),  # before the first rate
        (("CNY", "USD"), date(2026, 11, 1), Decimal("0.1400")),
        (("CNY", "USD"), date(2026, 11, 14), Decimal("0.1400")),
        (("CNY", "USD"), date(2026, 11, 15), Decimal("0.1380")),  # the new rate's first day
        (("CNY", "USD"), date(2027, 3, 1), Decimal("0.1380")),
        (("USD", "USD"), date(2026, 11, 1), Decimal(1)),
        (("EUR", "CNY"), date(2026, 11, 1), None),  # no chaining through a third currency
        (("GBP", "USD"), date(2026, 11, 1), None),
    ],
)
def test_the_rate_in_force_is_the_pairs_latest_from_or_before_the_day(
    pair: tuple[str, str], on: date, expected: Decimal | None
) -> None:
    assert RATES.rate(*pair, on) == expected


def test_the_opposite_pairs_rate_is_inverted_when_no_direct_rate_exists() -> None:
    rate = RATES.rate("EUR", "USD", date(2026, 6, 1))
    assert rate is not None
    assert (Decimal(100) * rate).quantize(Decimal("0.01")) == Decimal("108.70")


def test_each_amount_converts_at_its_own_days_rate_and_what_has_no_rate_is_kept_apart() -> None:
    total = convert_total(
        [
            (Decimal("100000"), "CNY", date(2026, 11, 10)),  # 0.14 -> 14,000
            (Decimal("100000"), "CNY", date(2026, 11, 20)),  # 0.138 -> 13,800
            (Decimal("500.50"), "USD", date(2026, 11, 20)),
            (Decimal("120000"), "CNY", date(2026, 10, 1)),  # before any CNY rate
            (Decimal("300"), "GBP", date(2026, 11, 20)),
        ],
        "USD",
        RATES,
    )
    assert total.total == Decimal("28300.50")
    assert total.left_out == {"CNY": Decimal("120000"), "GBP": Decimal("300")}
    assert not total.complete


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
            st.sampled_from(["USD", "CNY", "GBP"]),
            st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
        ),
        max_size=20,
    )
)
def test_every_amount_is_either_converted_or_left_out_never_lost(
    amounts: list[tuple[Decimal, str, date]],
) -> None:
    total = convert_total(amounts, "USD", RATES)
    counted = [
        (value, currency, day)
        for value, currency, day in amounts
        if RATES.rate(currency, "USD", day) is not None
    ]
    left = sum((v for v, c, d in amounts if (v, c, d) not in counted), Decimal(0))
    assert sum(total.left_out.values(), Decimal(0)) == left
    assert total.total == total.total.quantize(Decimal("0.01"))
    assert isinstance(total.total, Decimal)


def test_activity_converts_revenue_and_cash_to_the_targets_currency_and_says_what_it_left_out() -> (
    None
):
    won = datetime(2026, 11, 20, 9, tzinfo=UTC)
    activity = Activity.of(
        visits=[],
        wins=[
            Win(1, 7, 1, Decimal("120000"), "CNY", won, won),
            Win(2, 7, 2, Decimal("1000"), "USD", won, won),
            Win(3, 7, 3, Decimal("2000"), "EUR", won, won),
        ],
        first_win_of_customer={},
        arrivals=[],
        receipts=[Receipt(7, date(2026, 11, 20), "CNY", Decimal("50000"))],
        rates=RATES,
    )
    window = Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    days = (date(2026, 11, 1), date(2026, 11, 30))
    # 120,000 x 0.138 = 16,560; + 1,000; EUR->USD inverted from USD->EUR 0.92 = 2,173.91
    assert activity.achieved("revenue", [7], window, days, "USD") == Decimal("19733.91")
    assert activity.money_left_out("revenue", [7], window, days, "USD") == {}
    assert activity.achieved("revenue", [7], window, days, "CNY") == Decimal("127246.38")
    assert activity.money_left_out("revenue", [7], window, days, "CNY") == {"EUR": Decimal("2000")}
    assert activity.achieved("collected", [7], window, days, "USD") == Decimal("6900.00")
    assert activity.money_left_out("visits", [7], window, days, None) == {}


def test_a_valuation_converts_amounts_with_no_day_of_their_own_at_the_rate_of_its_day() -> None:
    on_the_14th = Valuation("USD", RATES, date(2026, 11, 14))
    total = on_the_14th.total(
        [(Decimal("100000"), "CNY"), (Decimal("10"), "USD"), (Decimal("300"), "GBP")]
    )
    assert total == Converted("USD", Decimal("14010.00"), {"GBP": Decimal("300")})
    # The next day the new rate is in force for the very same amounts.
    assert Valuation("USD", RATES, date(2026, 11, 15)).total(
        [(Decimal("100000"), "CNY")]
    ).total == Decimal("13800.00")


@pytest.mark.parametrize(
    ("won_at", "owner_tz", "usd"),
    [
        # 20:00 UTC on the 14th is already the 15th in Shanghai: the new 0.138.
        (datetime(2026, 11, 14, 20, tzinfo=UTC), "Asia/Shanghai", Decimal("13800.00")),
        (datetime(2026, 11, 14, 20, tzinfo=UTC), "UTC", Decimal("14000.00")),
        (datetime(2026, 11, 14, 20, tzinfo=UTC), "America/New_York", Decimal("14000.00")),
        # 02:00 UTC on the 15th is still the 14th in New York: the old 0.14.
        (datetime(2026, 11, 15, 2, tzinfo=UTC), "America/New_York", Decimal("14000.00")),
        (datetime(2026, 11, 15, 2, tzinfo=UTC), "UTC", Decimal("13800.00")),
        (datetime(2026, 11, 15, 2, tzinfo=UTC), "Not/AZone", Decimal("13800.00")),  # UTC
    ],
)
def test_a_win_converts_at_the_rate_of_the_owners_own_day(
    won_at: datetime, owner_tz: str, usd: Decimal
) -> None:
    win = Win(1, 7, 1, Decimal("100000"), "CNY", won_at, won_at, owner_tz)
    activity = Activity.of([], [win], {}, [], [], rates=RATES)
    window = Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    assert activity.won_in([7], window, "USD").total == usd
