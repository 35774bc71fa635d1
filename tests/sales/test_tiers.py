from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sales.tiers import CORE, GROWTH, LONGTAIL, cadence_of, suggest_tiers

CADENCE = {"core": 14, "growth": 30, "longtail": 90}
TODAY = date(2026, 11, 18)


def test_tiers_on_a_known_revenue_distribution() -> None:
    # 1,000 in all: A brings 300 (30%), B 150, C 150, D 100, E 100, F 100, G 50, H 50; I none.
    revenue = {
        1: Decimal(300),
        2: Decimal(150),
        3: Decimal(150),
        4: Decimal(100),
        5: Decimal(100),
        6: Decimal(100),
        7: Decimal(50),
        8: Decimal(50),
        9: Decimal(0),
    }
    # Before each: A 0% core; B 30%, C 45% growth; D 60% and after long-tail.
    assert suggest_tiers(revenue) == {
        1: CORE,
        2: GROWTH,
        3: GROWTH,
        4: LONGTAIL,
        5: LONGTAIL,
        6: LONGTAIL,
        7: LONGTAIL,
        8: LONGTAIL,
        9: LONGTAIL,
    }


def test_many_small_customers_split_20_30_50() -> None:
    revenue = {customer: Decimal(10) for customer in range(1, 11)}
    tiers = suggest_tiers(revenue)
    assert [tiers[c] for c in range(1, 11)] == [CORE] * 2 + [GROWTH] * 3 + [LONGTAIL] * 5


def test_no_revenue_means_long_tail() -> None:
    assert suggest_tiers({1: Decimal(0), 2: Decimal(0)}) == {1: LONGTAIL, 2: LONGTAIL}
    assert suggest_tiers({}) == {}


@given(st.dictionaries(st.integers(1, 1000), st.decimals(0, 10**9, places=2), max_size=50))
def test_larger_customers_never_get_a_lower_tier(revenue: dict[int, Decimal]) -> None:
    tiers = suggest_tiers(revenue)
    rank = {CORE: 0, GROWTH: 1, LONGTAIL: 2}
    ordered = sorted(revenue, key=lambda c: (-revenue[c], c))
    assert [rank[tiers[c]] for c in ordered] == sorted(rank[tiers[c]] for c in ordered)
    if any(amount > 0 for amount in revenue.values()):
        assert tiers[ordered[0]] == CORE


def test_cadence_status() -> None:
    core = cadence_of("core", date(2026, 10, 28), CADENCE)
    assert (core.every_days, core.days_since(TODAY), core.is_overdue(TODAY)) == (14, 21, True)
    assert not cadence_of("growth", date(2026, 10, 28), CADENCE).is_overdue(TODAY)
    assert cadence_of("core", None, CADENCE).is_overdue(TODAY)
    untiered = cadence_of(None, None, CADENCE)
    assert untiered.every_days is None
    assert not untiered.is_overdue(TODAY)
