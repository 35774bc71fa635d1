"""Activity answers any window inside its span from facts loaded once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sales.activity import Activity, Receipt, Win, Window

START = datetime(2026, 11, 1, tzinfo=UTC)


def at(day: int, hour: int = 12) -> datetime:
    return START + timedelta(days=day - 1, hours=hour)


def window(first: int, last: int) -> Window:
    return Window(at(first, 0), at(last + 1, 0))


def win(deal: int, owner: int, customer: int, amount: str, day: int) -> Win:
    return Win(deal, owner, customer, Decimal(amount), "USD", at(1, 0), at(day))


ACTIVITY = Activity.of(
    visits=[(1, date(2026, 11, 2), 2), (1, date(2026, 11, 5), 1), (2, date(2026, 11, 5), 4)],
    wins=[win(10, 1, 100, "500.00", 3), win(11, 1, 101, "250.00", 9), win(12, 2, 100, "70", 4)],
    first_win_of_customer={100: at(3), 101: at(9)},
    arrivals=[
        (1, 10, "lead", at(1)),
        (1, 10, "proposal", at(2)),
        (1, 10, "won", at(3)),
        (1, 11, "proposal", at(8)),
        (2, 12, "proposal", at(4)),
    ],
    receipts=[
        Receipt(1, date(2026, 11, 3), "USD", Decimal("100.00")),
        Receipt(1, date(2026, 11, 6), "EUR", Decimal("40.00")),
        Receipt(2, date(2026, 11, 6), "USD", Decimal("5.50")),
    ],
)


def test_visits_are_counted_over_whole_days_for_the_people_asked_about() -> None:
    assert ACTIVITY.visit_count([1], date(2026, 11, 1), date(2026, 11, 4)) == 2
    assert ACTIVITY.visit_count([1, 2], date(2026, 11, 5), date(2026, 11, 5)) == 5
    assert ACTIVITY.visits_by_rep([1, 2, 3], date(2026, 11, 3), date(2026, 11, 30)) == {1: 1, 2: 4}


def test_wins_revenue_and_new_customers_follow_the_window() -> None:
    assert [w.deal_id for w in ACTIVITY.won([1, 2], window(1, 5))] == [10, 12]
    assert ACTIVITY.achieved(
        "revenue", [1], window(1, 30), (START.date(), START.date()), "USD"
    ) == (Decimal("750.00"))
    # Customer 100 was first won on day 3 (deal 10): from day 4 on it is no longer new.
    assert ACTIVITY.new_customers([2], window(4, 30)) == set()
    assert ACTIVITY.new_customers([1], window(1, 30)) == {100, 101}


def test_a_deal_counts_where_it_first_reached_the_stages_asked_about() -> None:
    assert ACTIVITY.first_reached([1, 2], window(2, 8), ("proposal", "won")) == {
        10: 1,
        11: 1,
        12: 2,
    }
    assert ACTIVITY.first_reached([1], window(3, 8), ("proposal", "won")) == {11: 1}
    funnel = ACTIVITY.funnel([1, 2], window(1, 30))
    assert funnel.reached["lead"] == 3
    assert funnel.reached["won"] == 1
    assert funnel.wins_by_rep == {1: 2, 2: 1}


def test_cash_is_summed_per_currency_over_days() -> None:
    days = (date(2026, 11, 1), date(2026, 11, 6))
    assert ACTIVITY.collected([1, 2], *days, "USD") == Decimal("105.50")
    assert ACTIVITY.collected_by_currency([1], *days) == {
        "EUR": Decimal("40.00"),
        "USD": Decimal("100.00"),
    }


@given(
    st.lists(st.tuples(st.integers(1, 3), st.integers(0, 40), st.integers(1, 5)), max_size=40),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_visit_counts_equal_a_plain_sum(rows: list[tuple[int, int, int]], a: int, b: int) -> None:
    first, last = min(a, b), max(a, b)
    merged: dict[tuple[int, int], int] = {}
    for rep, day, count in rows:
        merged[rep, day] = merged.get((rep, day), 0) + count
    day0 = date(2026, 1, 1)
    activity = Activity.of(
        [(rep, day0 + timedelta(days=d), c) for (rep, d), c in merged.items()], [], {}, [], []
    )
    expected = sum(c for (rep, d), c in merged.items() if rep in (1, 2) and first <= d <= last)
    span = (day0 + timedelta(days=first), day0 + timedelta(days=last))
    assert activity.visit_count([1, 2], *span) == expected


@pytest.mark.parametrize(
    ("history", "outcome"),
    [
        (["proposal"], (0, 0)),  # still open
        (["proposal", "won"], (1, 0)),
        (["proposal", "lost"], (0, 1)),
        (["proposal", "lost", "negotiation"], (0, 0)),  # reopened: open again, not lost
        (["proposal", "lost", "negotiation", "won"], (1, 0)),
        (["proposal", "won", "lead"], (0, 0)),  # a win reopened is open too
        (["proposal", "won", "lost"], (0, 1)),
        (["lead", "lost", "proposal"], (0, 0)),  # lost before the proposal, reopened
    ],
)
def test_a_proposals_outcome_is_its_latest_closed_state(
    history: list[str], outcome: tuple[int, int]
) -> None:
    """Each move a day apart from the 2nd; (won, lost) of the rep's proposals."""
    arrivals: dict[str, datetime] = {}
    for day, stage in enumerate(history, start=2):
        arrivals.setdefault(stage, at(day))
    now = history[-1]
    activity = Activity.of(
        visits=[],
        wins=[win(1, 7, 100, "10", len(history) + 1)] if now == "won" else [],
        first_win_of_customer={},
        arrivals=[(7, 1, stage, when) for stage, when in arrivals.items()],
        receipts=[],
        stages={1: now},
    )
    assert activity.funnel([7], window(1, 30)).outcomes_by_rep == {7: outcome}
