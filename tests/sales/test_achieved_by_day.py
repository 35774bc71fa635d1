"""A burn-up's day-by-day totals, from one pass, equal `achieved` asked once per day."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sales.activity import Activity, Receipt, Win, Window, _running_converted
from sales.fx import Rate, Rates

ZONE = ZoneInfo("America/New_York")
FIRST = date(2026, 10, 1)  # a target's period start
SINCE = datetime.combine(FIRST, time(0), tzinfo=ZONE)
METRICS = ("visits", "revenue", "collected", "new_customers", "proposals")
CURRENCIES = ("USD", "EUR", "CNY", "GBP")  # GBP has no rate at all: always left out
STAGES = ("lead", "qualified", "contacted", "proposal", "negotiation", "won")
RATES = Rates.of(
    [
        Rate("EUR", "USD", Decimal("1.08"), date(2026, 10, 10)),
        Rate("EUR", "USD", Decimal("1.0712345678"), date(2026, 10, 20)),
        # CNY to USD only by the inverse: 1/7.25 has 28 digits.
        Rate("USD", "CNY", Decimal("7.25"), date(2026, 9, 1)),
        Rate("USD", "EUR", Decimal("0.93"), date(2026, 10, 5)),
    ]
)

# Instants from a few days before the period to a few days after `local_now`, often right
# at a local midnight (where one day's window ends and the next one's starts; New York
# leaves summer time on November 1st).
instants = st.one_of(
    st.integers(min_value=-3 * 24 * 60, max_value=45 * 24 * 60).map(
        lambda minutes: SINCE + timedelta(minutes=minutes)
    ),
    st.integers(-3, 45).map(
        lambda days: datetime.combine(FIRST + timedelta(days=days), time(0), tzinfo=ZONE)
    ),
)
amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    owners = range(1, 4)
    wins = [
        Win(
            deal,
            draw(st.sampled_from(owners)),
            draw(st.integers(1, 8)),
            draw(amounts),
            draw(st.sampled_from(CURRENCIES)),
            SINCE - timedelta(days=30),
            draw(instants),
            "America/New_York",
        )
        for deal in range(draw(st.integers(0, 25)))
    ]
    first_wins = {
        customer: draw(instants)
        for customer in draw(st.sets(st.integers(1, 8)))  # the others: their win is the first
    }
    arrivals = [
        (owner, deal, stage, draw(instants))
        for deal in range(100, 100 + draw(st.integers(0, 15)))
        for owner in [draw(st.sampled_from(owners))]
        for stage in draw(st.sets(st.sampled_from(STAGES)))
    ]
    day = st.integers(-3, 45).map(lambda n: FIRST + timedelta(days=n))
    receipts = [
        Receipt(draw(st.sampled_from(owners)), draw(day), draw(st.sampled_from(CURRENCIES)), a)
        for a in draw(st.lists(amounts, max_size=20))
    ]
    visits = {
        (draw(st.sampled_from(owners)), draw(day)): draw(st.integers(1, 5))
        for _ in range(draw(st.integers(0, 30)))
    }
    return Activity.of(
        visits=[(rep, on, count) for (rep, on), count in visits.items()],
        wins=wins,
        first_win_of_customer=first_wins,
        arrivals=arrivals,
        receipts=receipts,
        rates=RATES,
    )


def one_by_one(
    activity: Activity,
    metric: str,
    owners: list[int],
    ends: list[datetime],
    currency: str | None,
) -> list[Decimal]:
    """What the burn-up asked before: `achieved` over the window up to each day's end."""
    days = [FIRST + timedelta(days=index) for index in range(len(ends))]
    return [
        activity.achieved(metric, owners, Window(SINCE, end), (FIRST, day), currency)
        for end, day in zip(ends, days, strict=True)
    ]


def day_ends(count: int, local_now: datetime) -> list[datetime]:
    """Each day's end at local midnight, the last one at `local_now` (today)."""
    days = [FIRST + timedelta(days=index) for index in range(count)]
    return [
        min(datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZONE), local_now)
        for day in days
    ]


@settings(max_examples=150, deadline=None)
@given(
    activity=activities(),
    metric=st.sampled_from(METRICS),
    owners=st.lists(st.integers(1, 4), max_size=4),
    currency=st.sampled_from((None, *CURRENCIES)),
    days=st.integers(0, 40),
    minutes_into_today=st.integers(0, 24 * 60 - 1),
)
def test_totals_by_day_equal_achieved_asked_each_day(
    activity: Activity,
    metric: str,
    owners: list[int],
    currency: str | None,
    days: int,
    minutes_into_today: int,
) -> None:
    today = FIRST + timedelta(days=max(days - 1, 0))
    local_now = datetime.combine(today, time(0), tzinfo=ZONE) + timedelta(
        minutes=minutes_into_today
    )
    ends = day_ends(days, local_now)
    found = activity.achieved_by_day(metric, owners, SINCE, FIRST, ends, currency)
    expected = one_by_one(activity, metric, owners, ends, currency)
    # Equal as numbers and as written (Decimal("0") and Decimal("0.00") read differently).
    assert [str(total) for total in found] == [str(total) for total in expected]


def test_a_sum_too_long_to_keep_exact_is_added_up_as_achieved_does() -> None:
    # 1/7.25 has 28 digits; enough large CNY amounts overflow 40 digits in the running sum.
    wins = [
        Win(
            deal,
            1,
            deal,
            Decimal("98765432.19") * (deal + 1),
            "CNY",
            SINCE,
            SINCE + timedelta(hours=4 * deal + 1),
        )
        for deal in range(40)
    ]
    activity = Activity.of([], wins, {}, [], [], rates=RATES)
    local_now = SINCE + timedelta(days=8, hours=3)
    ends = day_ends(9, local_now)
    # The running sum gives up (so the totals come from `achieved`, day by day) ...
    by_day = [[] for _ in ends]  # type: list[list[tuple[Decimal, str, date]]]
    for each in wins:
        by_day[bisect_right(ends, each.won_at)].append((each.amount, "CNY", each.won_on))
    assert _running_converted(by_day, "USD", RATES) is None
    found = activity.achieved_by_day("revenue", [1], SINCE, FIRST, ends, "USD")
    # ... and they are the same.
    assert found == one_by_one(activity, "revenue", [1], ends, "USD")
    assert found[-1] > 0


def test_a_proposal_counts_from_the_day_it_first_reached_proposal_or_later() -> None:
    arrivals = [
        (1, 7, "proposal", SINCE + timedelta(days=2, hours=23, minutes=59)),
        (1, 7, "won", SINCE + timedelta(days=1)),
        (1, 8, "negotiation", SINCE - timedelta(minutes=1)),  # before the period: never
    ]
    activity = Activity.of([], [], {}, arrivals, [])
    local_now = SINCE + timedelta(days=4, hours=10)
    totals = activity.achieved_by_day("proposals", [1], SINCE, FIRST, day_ends(5, local_now), None)
    assert totals == [Decimal(0), Decimal(1), Decimal(1), Decimal(1), Decimal(1)]
