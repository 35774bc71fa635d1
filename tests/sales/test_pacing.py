from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.pacing import Pace, Status, pace, progress_bar
from sales.periods import Period, month, quarter
from sales.workdays import WorkCalendar, calendar_for

US = calendar_for("US")
CN = calendar_for("CN")
PLAIN = calendar_for(None)

# US November 2026 has 19 working days (Veterans Day and Thanksgiving are off), so a
# target of 19,000 expects 1,000 a working day.
NOVEMBER = month(2026, 11)
TARGET = Decimal("19000")
WEDNESDAY = date(2026, 11, 18)  # the 12th working day of the month
THANKSGIVING = date(2026, 11, 26)


def d(text: str) -> Decimal:
    return Decimal(text)


def november(achieved: str, today: date = WEDNESDAY, **kwargs: date) -> Pace:
    return pace(TARGET, d(achieved), NOVEMBER, today, US, **kwargs)


def test_a_month_mid_period():
    result = november("12000")
    assert result == Pace(
        target=d("19000.00"),
        achieved=d("12000.00"),
        expected=d("12000.00"),
        gap=d("0.00"),
        remaining=d("7000.00"),
        needed_per_day=d("875.00"),
        working_days=19,
        elapsed_days=12,
        days_left=8,
        status=Status.ON_TRACK,
    )


def test_a_quarter():
    # Q4 2026 in the US: 21 working days in October (Columbus Day), 19 + 22 after.
    result = pace(d("62000"), d("14000"), quarter(2026, 4), date(2026, 10, 30), US)
    assert result.working_days == 62
    assert result.elapsed_days == 21
    assert result.days_left == 42
    assert result.expected == d("21000.00")
    assert result.gap == d("7000.00")
    assert result.status is Status.AT_RISK  # 14,000 / 21,000 is under 70%


def test_holidays_are_excluded_from_the_denominator():
    with_holidays = november("0", today=date(2026, 11, 25))
    weekends_only = pace(TARGET, d("0"), NOVEMBER, date(2026, 11, 25), PLAIN)
    assert with_holidays.working_days == 19
    assert weekends_only.working_days == 21
    assert with_holidays.expected == d("17000.00")
    assert weekends_only.expected == d("16285.71")  # 19,000 x 18 / 21


def test_a_holiday_adds_no_expectation():
    assert november("0", today=THANKSGIVING).expected == november("0", date(2026, 11, 25)).expected
    assert november("0", today=date(2026, 11, 27)).expected == d("18000.00")


def test_chinese_new_year_pauses_the_expectation():
    february = month(2026, 2)
    before = pace(d("16000"), d("0"), february, date(2026, 2, 14), CN)  # make-up Saturday
    during = pace(d("16000"), d("0"), february, date(2026, 2, 18), CN)
    assert before.working_days == during.working_days == 16
    assert before.expected == during.expected == d("11000.00")
    assert pace(d("16000"), d("0"), february, date(2026, 2, 27), CN).expected == d("15000.00")


def test_a_rep_who_joins_mid_period_is_paced_from_their_first_day():
    # From Monday the 16th: 10 working days, 3 of them done by Wednesday.
    result = pace(d("10000"), d("3000"), NOVEMBER, WEDNESDAY, US, started_on=date(2026, 11, 16))
    assert result.working_days == 10
    assert result.elapsed_days == 3
    assert result.days_left == 8
    assert result.expected == d("3000.00")
    assert result.status is Status.ON_TRACK


def test_joining_before_the_period_changes_nothing():
    assert november("12000", started_on=date(2026, 10, 5)) == november("12000")


def test_nothing_is_expected_before_a_rep_starts():
    result = november("0", started_on=date(2026, 11, 23))
    assert result.expected == d("0.00")
    assert result.elapsed_days == 0
    assert result.working_days == 5
    assert result.days_left == 5
    assert result.status is Status.ON_TRACK


def test_joining_after_the_last_working_day_leaves_no_time():
    result = november("0", today=date(2026, 11, 30), started_on=date(2026, 12, 5))
    assert result.working_days == 0
    assert result.expected == d("0.00")  # they have not started yet
    assert result.days_left == 0
    assert result.needed_per_day == d("0.00")
    assert result.status is Status.AT_RISK


def test_zero_target_is_done():
    result = pace(d("0"), d("0"), NOVEMBER, WEDNESDAY, US)
    assert result.status is Status.DONE
    assert result.expected == result.remaining == result.needed_per_day == d("0.00")
    assert result.fraction_done == 1.0


def test_today_before_the_period():
    result = november("0", today=date(2026, 10, 20))
    assert result.expected == d("0.00")
    assert result.elapsed_days == 0
    assert result.days_left == 19
    assert result.needed_per_day == d("1000.00")
    assert result.status is Status.ON_TRACK


@pytest.mark.parametrize(
    ("achieved", "status"), [("18999.99", Status.AT_RISK), ("19000", Status.DONE)]
)
def test_today_after_the_period(achieved: str, status: Status):
    result = november(achieved, today=date(2026, 12, 3))
    assert result.expected == d("19000.00")
    assert result.elapsed_days == 19
    assert result.days_left == 0
    assert result.needed_per_day == d("0.00")
    assert result.status is status


def test_a_weekend_expects_what_friday_did():
    friday = november("0", today=date(2026, 11, 20))
    saturday = november("0", today=date(2026, 11, 21))
    sunday = november("0", today=date(2026, 11, 22))
    assert friday.expected == saturday.expected == sunday.expected == d("14000.00")
    assert friday.elapsed_days == saturday.elapsed_days == 14
    assert friday.days_left == 6
    assert saturday.days_left == sunday.days_left == 5


def test_the_last_working_day_expects_the_whole_target():
    result = november("0", today=date(2026, 11, 30))
    assert result.expected == d("19000.00")
    assert result.days_left == 1
    assert result.needed_per_day == d("19000.00")


def test_nothing_expected_yet_is_on_track():
    # Sunday the 1st: no working day has passed.
    assert november("0", today=date(2026, 11, 1)).status is Status.ON_TRACK


@pytest.mark.parametrize(
    ("achieved", "status"),
    [
        # Expected on the 18th: 12,000.
        ("13200", Status.AHEAD),  # 110%
        ("13199.99", Status.ON_TRACK),
        ("10800", Status.ON_TRACK),  # 90%
        ("10799.99", Status.BEHIND),
        ("8400", Status.BEHIND),  # 70%
        ("8399.99", Status.AT_RISK),
        ("0", Status.AT_RISK),
        ("18999.99", Status.AHEAD),
        ("19000", Status.DONE),
        ("25000", Status.DONE),
    ],
)
def test_status_boundaries(achieved: str, status: Status):
    assert november(achieved).status is status


def test_short_with_no_working_day_left_is_at_risk_even_on_pace():
    # A week ending on Sunday: by Saturday there is no working day left to find the last 1.
    period = Period(date(2026, 11, 23), date(2026, 11, 29), "week")
    result = pace(d("4000"), d("3999"), period, date(2026, 11, 28), US)
    assert result.days_left == 0
    assert result.expected == d("4000.00")
    assert result.status is Status.AT_RISK


def test_status_labels_and_emoji():
    assert [(s.label, s.emoji) for s in Status] == [
        ("Ahead", ":rocket:"),
        ("On track", ":white_check_mark:"),
        ("Behind", ":warning:"),
        ("At risk", ":rotating_light:"),
        ("Target reached", ":trophy:"),
    ]


def test_needed_per_day_rounds_half_up_to_cents():
    # From the 25th the 25th, 27th and 30th are left.
    assert november("0", today=date(2026, 11, 25)).needed_per_day == d("6333.33")
    assert november("10000", today=date(2026, 11, 24)).needed_per_day == d("2250.00")
    # 0.05 over the 27th and 30th is 0.025 a day.
    assert november("18999.95", today=date(2026, 11, 27)).needed_per_day == d("0.03")


def test_count_metrics_stay_decimal():
    # 20 visits this month, 10 logged: 10 to go over 8 working days.
    result = pace(Decimal(20), Decimal(10), NOVEMBER, WEDNESDAY, US)
    assert result.remaining == d("10.00")
    assert result.needed_per_day == d("1.25")
    assert result.expected == d("12.63")
    assert result.status is Status.BEHIND
    assert all(
        isinstance(value, Decimal)
        for value in (result.target, result.expected, result.gap, result.needed_per_day)
    )


def test_money_is_quantized_half_up():
    result = pace(d("100.005"), d("0.004"), NOVEMBER, WEDNESDAY, US)
    assert result.target == d("100.01")
    assert result.achieved == d("0.00")


def test_negative_zero_is_shown_as_zero():
    assert str(november("-0").achieved) == "0.00"


def test_fraction_done():
    assert november("9500").fraction_done == 0.5
    assert november("38000").fraction_done == 2.0


@pytest.mark.parametrize("target", [d("-1"), d("NaN"), d("Infinity")])
def test_rejects_impossible_targets(target: Decimal):
    with pytest.raises(ValueError, match="target"):
        pace(target, d("0"), NOVEMBER, WEDNESDAY, US)


@pytest.mark.parametrize(
    ("fraction", "width", "bar"),
    [
        (0.0, 10, "▱▱▱▱▱▱▱▱▱▱"),
        (0.4, 10, "▰▰▰▰▱▱▱▱▱▱"),
        (0.99, 10, "▰▰▰▰▰▰▰▰▰▱"),
        (1.0, 10, "▰▰▰▰▰▰▰▰▰▰"),
        (1.7, 10, "▰▰▰▰▰▰▰▰▰▰"),
        (-0.5, 10, "▱▱▱▱▱▱▱▱▱▱"),
        (float("inf"), 4, "▰▰▰▰"),
        (float("nan"), 4, "▱▱▱▱"),
        (0.5, 5, "▰▰▱▱▱"),
        (0.5, 20, "▰" * 10 + "▱" * 10),
        (0.5, 0, ""),
    ],
)
def test_progress_bar(fraction: float, width: int, bar: str):
    assert progress_bar(fraction, width) == bar


def test_progress_bar_defaults_to_ten_cells():
    assert progress_bar(0.3) == "▰▰▰▱▱▱▱▱▱▱"


def test_progress_bar_rejects_negative_widths():
    with pytest.raises(ValueError, match="-1"):
        progress_bar(0.5, -1)


# --- properties ---------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=0, max_value=Decimal("1e15"), allow_nan=False, allow_infinity=False)
CALENDARS = st.sampled_from([US, CN, PLAIN, calendar_for("DE")])
WIDE = st.dates(date(2018, 1, 1), date(2035, 12, 31))


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = draw(st.dates(date(2020, 1, 1), date(2032, 12, 31)))
    kind = draw(st.sampled_from(["month", "quarter", "span"]))
    if kind == "month":
        return month(start.year, start.month)
    if kind == "quarter":
        return quarter(start.year, (start.month - 1) // 3 + 1)
    return Period(start, start + timedelta(days=draw(st.integers(0, 400))), "span")


STARTED = st.none() | WIDE


@settings(max_examples=150, deadline=None)
@given(AMOUNTS, AMOUNTS, periods(), WIDE, CALENDARS, STARTED)
def test_pace_never_raises_and_stays_sane(
    target: Decimal,
    achieved: Decimal,
    period: Period,
    today: date,
    calendar: WorkCalendar,
    started_on: date | None,
):
    result = pace(target, achieved, period, today, calendar, started_on)
    assert d("0") <= result.expected <= result.target
    assert result.remaining >= 0
    assert result.needed_per_day >= 0
    assert 0 <= result.elapsed_days <= result.working_days
    assert 0 <= result.days_left <= result.working_days
    assert result.gap == result.expected - result.achieved
    done = result.target == 0 or result.achieved >= result.target
    assert (result.status is Status.DONE) == done
    if result.days_left:
        assert (
            abs(result.needed_per_day * result.days_left - result.remaining)
            <= d("0.005") * result.days_left
        )


@settings(max_examples=150, deadline=None)
@given(AMOUNTS, periods(), WIDE, WIDE, CALENDARS, STARTED)
def test_expected_never_falls_as_days_pass(
    target: Decimal,
    period: Period,
    day: date,
    other: date,
    calendar: WorkCalendar,
    started_on: date | None,
):
    earlier, later = sorted((day, other))
    first = pace(target, d("0"), period, earlier, calendar, started_on)
    second = pace(target, d("0"), period, later, calendar, started_on)
    assert 0 <= first.expected <= second.expected <= second.target


@settings(max_examples=150, deadline=None)
@given(AMOUNTS, periods(), CALENDARS, STARTED, st.data())
def test_days_inside_the_window_add_up(
    target: Decimal,
    period: Period,
    calendar: WorkCalendar,
    started_on: date | None,
    data: st.DataObject,
):
    window_start = max(period.start, started_on or period.start)
    if window_start > period.end:
        return
    today = data.draw(st.dates(window_start, period.end))
    result = pace(target, d("0"), period, today, calendar, started_on)
    # Both counts include today, so a working day is counted on each side.
    today_counts = 1 if calendar.is_working_day(today) else 0
    assert result.elapsed_days + result.days_left == result.working_days + today_counts


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True), st.integers(0, 50))
def test_progress_bar_is_always_width_cells(fraction: float, width: int):
    bar = progress_bar(fraction, width)
    assert len(bar) == width
    assert set(bar) <= {"▰", "▱"}
