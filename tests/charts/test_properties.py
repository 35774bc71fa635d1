"""Any valid data renders: a well-formed 1200 x 700 PNG under 1 MB, without a warning."""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from hypothesis import given, settings
from hypothesis import strategies as st

from charts import MAX_PNG_BYTES, BurnUp, Funnel, burn_up_png, funnel_png
from tests.charts.png import read_png

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
units = st.one_of(st.sampled_from(["$", "USD", "CHF", "€", "visits", "calls", ""]), st.text())


@st.composite
def burn_ups(draw: st.DrawFn) -> BurnUp:
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
    days = [start + timedelta(days=n) for n in range(draw(st.integers(0, 100)))]
    known = draw(st.integers(0, len(days)))
    actual: list[Decimal | None] = [
        *accumulate(draw(st.lists(amounts, min_size=known, max_size=known))),
        *[None] * (len(days) - known),
    ]
    target = draw(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
    fractions = sorted(draw(st.lists(st.fractions(0, 1), min_size=len(days), max_size=len(days))))
    expected = [(target * fraction.numerator / fraction.denominator) for fraction in fractions]
    today = draw(st.one_of(st.none(), st.sampled_from(days) if days else st.none()))
    non_working = draw(st.frozensets(st.sampled_from(days))) if days else frozenset()
    return BurnUp(
        title=draw(st.text(max_size=150)),
        period_label=draw(st.text(max_size=30)),
        unit=draw(units),
        days=days,
        actual=actual,
        target=target,
        expected=expected,
        today=today,
        non_working=non_working,
    )


funnels = st.builds(
    Funnel,
    title=st.text(max_size=150),
    period_label=st.text(max_size=30),
    stages=st.lists(st.tuples(st.text(max_size=40), st.integers(0, 10**12)), max_size=10),
)


def check(png: bytes) -> None:
    parsed = read_png(png)
    assert (parsed.width, parsed.height) == (1200, 700)
    assert len(png) < MAX_PNG_BYTES


@settings(max_examples=15, deadline=None)
@given(burn_ups())
def test_any_burn_up_renders(data: BurnUp) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(burn_up_png(data))


@settings(max_examples=15, deadline=None)
@given(funnels)
def test_any_funnel_renders(data: Funnel) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(funnel_png(data))
