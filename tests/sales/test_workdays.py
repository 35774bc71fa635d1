from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sales.workdays import WorkCalendar, calendar_for, is_known_country

US = calendar_for("US")
CN = calendar_for("CN")
PLAIN = calendar_for(None)

THANKSGIVING = date(2026, 11, 26)
CHRISTMAS = date(2026, 12, 25)
# 2026 Spring Festival break in China, weekdays only (the 21st-22nd is a weekend).
SPRING_FESTIVAL = [date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)]
SATURDAY = date(2026, 11, 21)
SUNDAY = date(2026, 11, 22)

CALENDARS = st.sampled_from([US, CN, PLAIN, calendar_for("GB"), calendar_for("DE")])
DAYS = st.dates(date(2024, 1, 1), date(2029, 12, 31))


def test_us_thanksgiving_and_christmas_are_holidays():
    assert not US.is_working_day(THANKSGIVING)
    assert US.holiday_name(THANKSGIVING) == "Thanksgiving Day"
    assert not US.is_working_day(CHRISTMAS)
    assert US.holiday_name(CHRISTMAS) == "Christmas Day"
    assert US.is_working_day(date(2026, 11, 25))
    assert US.holiday_name(date(2026, 11, 25)) is None


@pytest.mark.parametrize("day", SPRING_FESTIVAL)
def test_cn_spring_festival_days_are_holidays(day: date):
    assert not CN.is_working_day(day)
    assert CN.holiday_name(day) is not None


def test_cn_spring_festival_is_named():
    assert "Spring Festival" in (CN.holiday_name(date(2026, 2, 17)) or "")


def test_cn_make_up_saturdays_are_working_days():
    # 调休: the bridge days off around the Spring Festival are worked back on Saturdays.
    assert CN.is_working_day(date(2026, 2, 14))
    assert CN.is_working_day(date(2026, 2, 28))
    assert not CN.is_working_day(date(2026, 2, 21))


@pytest.mark.parametrize("calendar", [US, CN, PLAIN], ids=["US", "CN", "none"])
def test_weekends_are_skipped(calendar: WorkCalendar):
    assert not calendar.is_working_day(SATURDAY)
    assert not calendar.is_working_day(SUNDAY)
    assert calendar.working_days(date(2026, 11, 20), date(2026, 11, 23)) == [
        date(2026, 11, 20),
        date(2026, 11, 23),
    ]


@pytest.mark.parametrize("country", [None, ""])
def test_no_country_means_weekends_only(country: str | None):
    calendar = WorkCalendar(country)
    assert calendar.country is None
    assert calendar.is_working_day(THANKSGIVING)
    assert calendar.holiday_name(CHRISTMAS) is None
    assert calendar.count(date(2026, 11, 1), date(2026, 11, 30)) == 21


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        # Veterans Day and Thanksgiving fall on weekdays.
        (US, date(2026, 11, 1), date(2026, 11, 30), 19),
        (US, date(2026, 12, 1), date(2026, 12, 31), 22),
        (US, date(2026, 1, 1), date(2026, 12, 31), 250),
        # Across a month boundary.
        (US, date(2026, 11, 27), date(2026, 12, 2), 4),
        # Across a year boundary: New Year's Day 2027 is a Friday.
        (US, date(2026, 12, 28), date(2027, 1, 5), 6),
        (PLAIN, date(2026, 12, 28), date(2027, 1, 5), 7),
        # 20 weekdays, 6 of them off, 2 make-up Saturdays.
        (CN, date(2026, 2, 1), date(2026, 2, 28), 16),
        (CN, date(2026, 10, 1), date(2026, 12, 31), 62),
        (US, date(2026, 11, 18), date(2026, 11, 18), 1),
        (US, THANKSGIVING, THANKSGIVING, 0),
    ],
)
def test_count(calendar: WorkCalendar, start: date, end: date, expected: int):
    assert calendar.count(start, end) == expected
    assert len(calendar.working_days(start, end)) == expected


def test_end_before_start_is_empty():
    assert US.working_days(date(2026, 11, 30), date(2026, 11, 1)) == []
    assert US.count(date(2026, 11, 30), date(2026, 11, 1)) == 0


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (US, date(2026, 11, 27), date(2026, 11, 25)),  # over Thanksgiving
        (US, date(2026, 11, 30), date(2026, 11, 27)),  # over a weekend
        (US, date(2027, 1, 4), date(2026, 12, 31)),  # over New Year's Day and a year
        (US, SUNDAY, date(2026, 11, 20)),
        (CN, date(2026, 2, 24), date(2026, 2, 14)),  # over the festival to a make-up Saturday
    ],
)
def test_previous_working_day(calendar: WorkCalendar, day: date, expected: date):
    assert calendar.previous_working_day(day) == expected


def test_last_working_days_are_oldest_first_and_exclude_the_day():
    assert US.last_working_days(date(2026, 11, 30), 3) == [
        date(2026, 11, 24),
        date(2026, 11, 25),
        date(2026, 11, 27),
    ]
    assert US.last_working_days(date(2026, 11, 30), 0) == []


def test_last_working_days_rejects_negative_counts():
    with pytest.raises(ValueError, match="-1"):
        US.last_working_days(date(2026, 11, 30), -1)


@pytest.mark.parametrize("code", ["XX", "Narnia", "U"])
def test_unknown_country_is_a_clear_error(code: str):
    with pytest.raises(ValueError, match=f"{code!r} is not a country code"):
        WorkCalendar(code)
    with pytest.raises(ValueError, match="not a country code"):
        calendar_for(code)


def test_country_codes_are_case_insensitive():
    assert WorkCalendar("us").country == "US"
    assert WorkCalendar(" cn ").country == "CN"
    assert not WorkCalendar("us").is_working_day(THANKSGIVING)


def test_is_known_country():
    assert is_known_country("US")
    assert is_known_country("cn")
    assert is_known_country("GB")
    assert is_known_country("DE")
    assert not is_known_country("XX")
    assert not is_known_country("")


def test_calendars_are_shared_per_country():
    assert calendar_for("US") is calendar_for("us")
    assert calendar_for("US") is calendar_for(" US ")
    assert calendar_for(None) is calendar_for("")
    assert calendar_for("US") is not calendar_for("CN")


def test_years_load_safely_from_many_threads():
    # A fresh calendar, so every thread races to load the same years.
    calendar = WorkCalendar("US")
    start = date(2030, 1, 1)
    days = [start + timedelta(days=n) for n in range(5 * 366)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(calendar.is_working_day, days))
    assert answers == [US.is_working_day(day) for day in days]


@settings(max_examples=60, deadline=None)
@given(CALENDARS, DAYS, st.integers(0, 120), st.integers(0, 120))
def test_counts_add_up_over_split_ranges(
    calendar: WorkCalendar, start: date, first: int, second: int
):
    middle = start + timedelta(days=first)
    end = middle + timedelta(days=second + 1)
    split = calendar.count(start, middle) + calendar.count(middle + timedelta(days=1), end)
    assert calendar.count(start, end) == split


@settings(max_examples=60, deadline=None)
@given(CALENDARS, DAYS, st.integers(0, 60))
def test_working_days_are_sorted_working_and_in_range(
    calendar: WorkCalendar, start: date, length: int
):
    end = start + timedelta(days=length)
    days = calendar.working_days(start, end)
    assert days == sorted(set(days))
    assert all(start <= day <= end and calendar.is_working_day(day) for day in days)
    if calendar is not CN:  # only China works some Saturdays
        assert all(day.weekday() < 5 for day in days)


@settings(max_examples=60, deadline=None)
@given(CALENDARS, DAYS, st.integers(0, 5))
def test_previous_working_days_skip_nothing(calendar: WorkCalendar, day: date, n: int):
    previous = calendar.previous_working_day(day)
    assert previous < day
    assert calendar.is_working_day(previous)
    assert calendar.count(previous + timedelta(days=1), day - timedelta(days=1)) == 0
    last = calendar.last_working_days(day, n)
    assert len(last) == n
    if n:
        assert last == calendar.working_days(last[0], day - timedelta(days=1))
