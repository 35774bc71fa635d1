"""Payment collection rules: status, allocation oldest-first, aging, alert steps."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.collections import (
    BUCKET_NAMES,
    FINANCE,
    MANAGER,
    OWNER,
    REMINDER,
    AlertRules,
    OpenInstalment,
    Overpayment,
    PaymentRefused,
    Status,
    aging,
    aging_bucket,
    allocate,
    audience,
    days_overdue,
    outstanding,
    status,
    steps_for,
)

TODAY = date(2026, 11, 18)
D = Decimal


def item(instalment_id: int, due: date, owed: str) -> OpenInstalment:
    return OpenInstalment(instalment_id, due, D(owed))


# --- status ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "paid", "due", "expected"),
    [
        ("100", "0", TODAY + timedelta(days=5), Status.UPCOMING),
        ("100", "0", TODAY, Status.DUE),
        ("100", "0", TODAY - timedelta(days=1), Status.OVERDUE),
        ("100", "40", TODAY + timedelta(days=5), Status.PARTLY_PAID),
        ("100", "40", TODAY, Status.PARTLY_PAID),
        # Overdue money is overdue even when some of it came in.
        ("100", "40", TODAY - timedelta(days=3), Status.OVERDUE),
        ("100", "100", TODAY - timedelta(days=3), Status.PAID),
        ("100", "100", TODAY + timedelta(days=3), Status.PAID),
    ],
)
def test_status(amount, paid, due, expected):
    assert status(D(amount), D(paid), due, TODAY) is expected


def test_status_labels_are_the_words_people_see():
    assert [s.label for s in Status] == ["upcoming", "due", "overdue", "partly paid", "paid"]


def test_outstanding_and_days_overdue():
    assert outstanding(D("100"), D("40")) == D("60")
    assert outstanding(D("100"), D("120")) == D("0")
    assert days_overdue(TODAY, TODAY) == 0
    assert days_overdue(TODAY + timedelta(days=2), TODAY) == 0
    assert days_overdue(TODAY - timedelta(days=31), TODAY) == 31


# --- allocation --------------------------------------------------------------------------


def test_a_payment_settles_the_oldest_instalment_first():
    items = [
        item(3, date(2026, 12, 1), "300"),
        item(1, date(2026, 10, 1), "100"),
        item(2, date(2026, 11, 1), "200"),
    ]
    assert allocate(items, D("100")) == [(1, D("100"))]
    assert allocate(items, D("250")) == [(1, D("100")), (2, D("150"))]
    assert allocate(items, D("600")) == [(1, D("100")), (2, D("200")), (3, D("300"))]


def test_a_partial_payment_leaves_the_remainder_open():
    assert allocate([item(1, TODAY, "100")], D("30.50")) == [(1, D("30.50"))]


def test_same_due_date_goes_to_the_first_created():
    items = [item(9, TODAY, "50"), item(4, TODAY, "50")]
    assert allocate(items, D("60")) == [(4, D("50")), (9, D("10"))]


def test_settled_instalments_are_skipped():
    items = [item(1, date(2026, 1, 1), "0"), item(2, date(2026, 2, 1), "80")]
    assert allocate(items, D("80")) == [(2, D("80"))]


def test_an_overpayment_is_refused_with_the_numbers():
    with pytest.raises(Overpayment) as caught:
        allocate([item(1, TODAY, "100"), item(2, TODAY, "50")], D("175"))
    assert caught.value.open_total == D("150")
    assert caught.value.excess == D("25")


def test_paying_when_nothing_is_owed_is_an_overpayment():
    with pytest.raises(Overpayment) as caught:
        allocate([], D("1"))
    assert caught.value.open_total == 0


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_nothing_or_less_is_refused(amount):
    with pytest.raises(PaymentRefused, match="more than zero"):
        allocate([item(1, TODAY, "100")], D(amount))


owed_amounts = st.decimals(min_value=0, max_value=10**6, places=2)
open_items = st.lists(
    st.tuples(st.dates(date(2025, 1, 1), date(2027, 12, 31)), owed_amounts), max_size=8
).map(lambda rows: [OpenInstalment(n, due, owed) for n, (due, owed) in enumerate(rows, 1)])


@settings(max_examples=300, deadline=None)
@given(open_items, st.decimals(min_value=D("0.01"), max_value=10**7, places=2))
def test_allocation_adds_up_and_respects_the_order(items, amount):
    total = sum((i.outstanding for i in items), D(0))
    if amount > total:
        with pytest.raises(Overpayment):
            allocate(items, amount)
        return
    plan = allocate(items, amount)
    assert sum(applied for _, applied in plan) == amount
    by_id = {i.id: i for i in items}
    assert all(D(0) < applied <= by_id[i].outstanding for i, applied in plan)
    # Everything before the last instalment touched is settled in full, in due order.
    order = sorted((i for i in items if i.outstanding), key=lambda i: (i.due_on, i.id))
    assert [i for i, _ in plan] == [i.id for i in order[: len(plan)]]
    assert all(applied == by_id[i].outstanding for i, applied in plan[:-1])


# --- aging -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-3, None),
        (0, None),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
        (400, "90+"),
    ],
)
def test_aging_buckets(days, bucket):
    assert aging_bucket(days) == bucket


def test_aging_totals_every_bucket():
    totals = aging([(5, D("10")), (30, D("5")), (45, D("7")), (120, D("1")), (0, D("99"))])
    assert list(totals) == list(BUCKET_NAMES) == ["1-30", "31-60", "61-90", "90+"]
    assert totals == {"1-30": D("15"), "31-60": D("7"), "61-90": D("0"), "90+": D("1")}


# --- alert steps -------------------------------------------------------------------------

RULES = AlertRules(reminder_days=3, escalation_days=(1, 7, 30))
DUE = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("offset", "step"),
    [
        (-10, None),
        (-4, None),
        (-3, REMINDER),
        (-1, REMINDER),
        (0, REMINDER),
        (1, "tier1"),
        (6, "tier1"),
        (7, "tier2"),
        (29, "tier2"),
        (30, "tier3"),
        (400, "tier3"),
    ],
)
def test_the_highest_step_reached(offset, step):
    assert RULES.reached(DUE, DUE + timedelta(days=offset)) == step


def test_steps_follow_the_settings():
    rules = AlertRules(reminder_days=0, escalation_days=(2, 10, 45))
    assert rules.reached(DUE, DUE - timedelta(days=1)) is None
    assert rules.reached(DUE, DUE) == REMINDER
    assert rules.reached(DUE, DUE + timedelta(days=1)) is None
    assert rules.reached(DUE, DUE + timedelta(days=10)) == "tier2"
    assert rules.tier_days("tier3") == 45
    assert rules.tier_days(REMINDER) is None


def test_who_gets_each_step():
    full = {"has_manager": True, "has_finance": True}
    assert audience(REMINDER, **full) == {OWNER}
    assert audience("tier1", **full) == {OWNER}
    assert audience("tier2", **full) == {OWNER, MANAGER}
    assert audience("tier3", **full) == {MANAGER, FINANCE}
    assert steps_for(OWNER, **full) == {REMINDER, "tier1", "tier2"}
    assert steps_for(MANAGER, **full) == {"tier2", "tier3"}
    assert steps_for(FINANCE, **full) == {"tier3"}


def test_without_manager_or_finance_the_last_step_still_reaches_someone():
    assert audience("tier3", has_manager=False, has_finance=True) == {FINANCE}
    assert audience("tier3", has_manager=True, has_finance=False) == {MANAGER}
    assert audience("tier3", has_manager=False, has_finance=False) == {OWNER}
    assert audience("tier2", has_manager=False, has_finance=False) == {OWNER}
    assert steps_for(OWNER, has_manager=False, has_finance=False) == {
        REMINDER,
        "tier1",
        "tier2",
        "tier3",
    }
