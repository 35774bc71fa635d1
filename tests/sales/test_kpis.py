from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sales.kpis import (
    RepConversion,
    average,
    below_team_average,
    conversion_rates,
    lead_or_conversion_problem,
    median_days,
    percent,
    under_a_day,
)

FULL_FUNNEL = {
    "lead": 100,
    "qualified": 50,
    "contacted": 40,
    "proposal": 20,
    "negotiation": 10,
    "won": 5,
    "lost": 30,
}


def test_conversion_rates_follow_the_funnel_to_won():
    assert conversion_rates(FULL_FUNNEL) == [
        ("lead", "qualified", 0.5),
        ("qualified", "contacted", 0.8),
        ("contacted", "proposal", 0.5),
        ("proposal", "negotiation", 0.5),
        ("negotiation", "won", 0.5),
    ]


def test_conversion_from_an_empty_stage_is_unknown():
    rates = conversion_rates({"lead": 3, "qualified": 0})
    assert rates[0] == ("lead", "qualified", 0.0)
    assert [rate for _, _, rate in rates[1:]] == [None, None, None, None]


def test_conversion_rates_of_nothing():
    assert [rate for _, _, rate in conversion_rates({})] == [None] * 5


def test_average():
    assert average([]) is None
    assert average([Decimal("10"), Decimal("20")]) == Decimal("15.00")
    assert average([Decimal("1"), Decimal("1"), Decimal("2")]) == Decimal("1.33")
    assert average([Decimal("0.005")]) == Decimal("0.01")


def test_median_days():
    assert median_days([]) is None
    assert median_days([timedelta(days=1), timedelta(days=10), timedelta(days=3)]) == 3.0
    assert median_days([timedelta(days=1), timedelta(days=2)]) == 1.5
    assert median_days([timedelta(hours=12)]) == 0.5


def test_rep_conversion_of_computes_the_rate():
    assert RepConversion.of("rita", 4, 1, 3) == RepConversion("rita", 4, 1, 3, 0.25)
    assert RepConversion.of("new", 0, 0, 0).rate is None


def test_below_team_average_lowest_first():
    steady = RepConversion.of("steady", 10, 5, 5)  # 50%
    slow = RepConversion.of("slow", 4, 1, 3)  # 25%
    cold = RepConversion.of("cold", 5, 0, 5)  # 0%
    newcomer = RepConversion.of("newcomer", 1, 0, 1)  # too few proposals to judge
    team, below = below_team_average([steady, slow, cold, newcomer])
    assert team == 6 / 20
    assert below == [cold, slow]


def test_a_rep_exactly_at_the_team_average_is_not_flagged():
    team, below = below_team_average(
        [RepConversion.of("a", 4, 2, 2), RepConversion.of("b", 2, 1, 1)]
    )
    assert team == 0.5
    assert below == []


def test_ties_are_ordered_by_name():
    reps = [RepConversion.of(name, 4, 0, 4) for name in ("zoe", "amy")] + [
        RepConversion.of("top", 4, 4, 0)
    ]
    assert [rep.rep for rep in below_team_average(reps)[1]] == ["amy", "zoe"]


def test_min_proposals_is_adjustable():
    reps = [RepConversion.of("one", 1, 0, 1), RepConversion.of("top", 4, 4, 0)]
    assert below_team_average(reps)[1] == []
    assert below_team_average(reps, min_proposals=1)[1] == [reps[0]]


def test_no_proposals_means_no_team_average():
    assert below_team_average([]) == (None, [])
    assert below_team_average([RepConversion.of("new", 0, 0, 0)], min_proposals=0) == (None, [])


def test_reps_without_proposals_are_never_flagged():
    reps = [RepConversion.of("new", 0, 0, 0), RepConversion.of("top", 4, 1, 3)]
    assert below_team_average(reps, min_proposals=0) == (0.25, [])


@pytest.mark.parametrize(
    ("rate", "text"), [(0.42, "42%"), (1.0, "100%"), (0.0, "0%"), (1 / 3, "33%"), (None, "—")]
)
def test_percent(rate: float | None, text: str):
    assert percent(rate) == text


@pytest.mark.parametrize(
    ("visits", "revenue", "problem"),
    [
        (0.5, 0.5, "lead volume"),
        (0.79, None, "lead volume"),
        (0.79, 1.5, "lead volume"),
        (0.8, 0.5, None),  # between the bands: no clear signal
        (0.89, 0.1, None),
        (0.9, 0.79, "conversion"),
        (1.3, 0.2, "conversion"),
        (0.9, 0.8, None),
        (1.2, 1.0, None),
        (0.95, None, None),
        (None, 0.1, None),
        (None, None, None),
    ],
)
def test_lead_or_conversion_problem(
    visits: float | None, revenue: float | None, problem: str | None
):
    assert lead_or_conversion_problem(visits, revenue) == problem


COUNTS = st.integers(0, 1000)


@given(st.lists(st.tuples(st.text(max_size=5), COUNTS, COUNTS), max_size=12), st.integers(0, 5))
def test_flagged_reps_are_really_below_the_team(
    rows: list[tuple[str, int, int]], min_proposals: int
):
    reps = [
        RepConversion.of(name, proposals, wins, proposals - wins) for name, proposals, wins in rows
    ]
    team, below = below_team_average(reps, min_proposals)
    if team is None:
        assert below == []
        return
    rates = [rep.wins / rep.proposals for rep in below]
    assert rates == sorted(rates)
    assert all(
        rep.proposals >= min_proposals and rate < team
        for rep, rate in zip(below, rates, strict=True)
    )


@given(st.lists(st.decimals(-(10**9), 10**9, places=2), max_size=20))
def test_average_lies_between_the_extremes(values: list[Decimal]):
    mean = average(values)
    if not values:
        assert mean is None
    else:
        assert mean is not None
        assert min(values) <= mean <= max(values)


@pytest.mark.parametrize(
    ("proposals", "won", "lost", "rate", "still_open"),
    [
        (3, 1, 0, 1.0, 2),  # "1 won of 3 proposals (33%)" was wrong: two are still open
        (3, 1, 2, 1 / 3, 0),
        (4, 1, 1, 0.5, 2),
        (2, 0, 0, None, 2),  # nothing closed yet: no rate, not 0%
        (0, 0, 0, None, 0),
    ],
)
def test_conversion_counts_closed_outcomes_only_and_shows_open_ones_apart(
    proposals: int, won: int, lost: int, rate: float | None, still_open: int
) -> None:
    found = RepConversion.of("rita", proposals, won, lost)
    assert found.rate == rate
    assert found.open == still_open


def test_open_proposals_never_pull_a_rep_below_the_team() -> None:
    busy = RepConversion.of(
        "busy",
        6,
        1,
        0,
    )  # 1 won, 5 still open: 100% of closed
    steady = RepConversion.of("steady", 4, 2, 2)
    team, below = below_team_average([busy, steady], min_proposals=1)
    assert team == 0.6
    assert below == [steady]


@pytest.mark.parametrize(
    ("days", "under"),
    [(None, False), (0.0, True), (0.04, True), (0.99, True), (1.0, False), (12.5, False)],
)
def test_a_cycle_under_a_day_is_said_so(days: float | None, under: bool) -> None:
    assert under_a_day(days) is under
