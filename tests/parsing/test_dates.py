from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsing.dates import DATE_EXAMPLES, EARLIEST_DATE, LATEST_DATE, parse_date
from parsing.errors import ParseError
from tests.parsing.helpers import result_or_error

THURSDAY = date(2026, 1, 29)
FRIDAY = date(2026, 1, 30)
SATURDAY = date(2026, 1, 31)
SUNDAY = date(2026, 2, 1)
MONDAY = date(2026, 2, 2)

# Leaves room for "in 3650 weeks"-style arithmetic within the dates the bot accepts.
TODAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
WEEKDAY_NAMES = (
    ("monday", "mon"),
    ("tuesday", "tue"),
    ("wednesday", "wed"),
    ("thursday", "thu"),
    ("friday", "fri"),
    ("saturday", "sat"),
    ("sunday", "sun"),
)
RELATIVE_PHRASES = (
    "today",
    "tomorrow",
    "friday",
    "fri",
    "next friday",
    "monday",
    "sunday",
    "in 3 days",
    "in 2 weeks",
    "in 1 month",
    "in a month",
    "next week",
    "next month",
    "end of month",
    "eom",
    "end of week",
    "eow",
    "12/15",
    "2/29",
    "dec 15",
    "15 dec",
    "1月1日",
)


def test_date_examples_text():
    assert DATE_EXAMPLES == (
        "2026-12-15, today, tomorrow, friday, in 3 days, next week or end of month"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-15", date(2026, 12, 15)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2025-01-01", date(2025, 1, 1)),
        ("2026/1/5", date(2026, 1, 5)),
        ("today", THURSDAY),
        ("TODAY", THURSDAY),
        ("tomorrow", FRIDAY),
        ("Tomorrow", FRIDAY),
        ("yesterday", date(2026, 1, 28)),
        ("friday", FRIDAY),
        ("Fri", FRIDAY),
        ("next friday", FRIDAY),
        ("Next  Friday", FRIDAY),
        ("thursday", date(2026, 2, 5)),
        ("thu", date(2026, 2, 5)),
        ("thurs", date(2026, 2, 5)),
        ("monday", MONDAY),
        ("wed", date(2026, 2, 4)),
        ("tues", date(2026, 2, 3)),
        ("sat", SATURDAY),
        ("sunday", SUNDAY),
        ("in 3 days", SUNDAY),
        ("in 0 days", THURSDAY),
        ("in 1 day", FRIDAY),
        ("in a day", FRIDAY),
        ("in 2 weeks", date(2026, 2, 12)),
        ("in 1 week", date(2026, 2, 5)),
        ("in 1 month", date(2026, 2, 28)),
        ("in a month", date(2026, 2, 28)),
        ("in 2 months", date(2026, 3, 29)),
        ("in 12 months", date(2027, 1, 29)),
        ("next week", MONDAY),
        ("next month", date(2026, 2, 1)),
        ("end of month", SATURDAY),
        ("EOM", SATURDAY),
        ("end of week", FRIDAY),
        ("eow", FRIDAY),
        ("  friday  ", FRIDAY),
        ("friday.", FRIDAY),
        ("12/15", date(2026, 12, 15)),
        ("1/29", THURSDAY),
        ("1/28", date(2027, 1, 28)),
        ("2/29", date(2028, 2, 29)),
        ("dec 15", date(2026, 12, 15)),
        ("Dec. 15", date(2026, 12, 15)),
        ("december 15th", date(2026, 12, 15)),
        ("15 dec", date(2026, 12, 15)),
        ("15th of December", date(2026, 12, 15)),
        ("sept 3", date(2026, 9, 3)),
        ("jan 1", date(2027, 1, 1)),
        ("12月15日", date(2026, 12, 15)),
        ("12月15号", date(2026, 12, 15)),
        ("1月28日", date(2027, 1, 28)),
        ("１２月１５日", date(2026, 12, 15)),
        ("２０２６-１２-１５", date(2026, 12, 15)),  # noqa: RUF001 - full-width digits from IMEs
    ],
)
def test_accepted_forms_on_a_thursday(text, expected):
    assert parse_date(text, THURSDAY) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 26), FRIDAY),  # Monday
        (THURSDAY, FRIDAY),
        (FRIDAY, FRIDAY),  # today when today is Friday
        (SATURDAY, date(2026, 2, 6)),
        (SUNDAY, date(2026, 2, 6)),
    ],
)
def test_end_of_week_is_the_coming_friday(today, expected):
    assert parse_date("end of week", today) == expected


def test_weekday_on_that_weekday_means_next_week():
    assert parse_date("friday", FRIDAY) == date(2026, 2, 6)
    assert parse_date("next friday", FRIDAY) == date(2026, 2, 6)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (MONDAY, date(2026, 2, 9)),
        (SUNDAY, MONDAY),
        (SATURDAY, MONDAY),
    ],
)
def test_next_week_is_next_monday(today, expected):
    assert parse_date("next week", today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_in_a_month_clamps_to_month_end(today, expected):
    assert parse_date("in 1 month", today) == expected


def test_month_boundaries():
    assert parse_date("next month", date(2026, 12, 31)) == date(2027, 1, 1)
    assert parse_date("end of month", date(2028, 2, 3)) == date(2028, 2, 29)
    assert parse_date("end of month", date(2026, 12, 31)) == date(2026, 12, 31)


def test_leap_day_skips_a_century_without_one():
    assert parse_date("2/29", date(2096, 3, 1)) == date(2104, 2, 29)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type a date, like tomorrow or 2026-12-15."),
        ("   ", "Type a date, like tomorrow or 2026-12-15."),
        ("fridy", "I couldn't read “fridy” as a date."),
        ("next", "I couldn't read “next” as a date."),
        ("next fridy", "I couldn't read “next fridy” as a date."),
        ("in three days", "I couldn't read “in three days” as a date."),
        ("in -3 days", "I couldn't read “in -3 days” as a date."),
        ("in 3 years", "I couldn't read “in 3 years” as a date."),
        ("2026-12", "I couldn't read “2026-12” as a date."),
        ("15.12.2026", "I couldn't read “15.12.2026” as a date."),
        ("12/15/2026", "I couldn't read “12/15/2026” as a date."),
        ("dec", "I couldn't read “dec” as a date."),
        ("2026-02-30", "“2026-02-30” isn't a real date."),
        ("2026-13-01", "“2026-13-01” isn't a real date."),
        ("0000-01-01", "“0000-01-01” isn't a real date."),
        ("2/30", "“2/30” isn't a real date."),
        ("feb 30", "“feb 30” isn't a real date."),
        ("12月32日", "“12月32日” isn't a real date."),
        ("15/12", "“15/12” isn't a real date. I read dates like 12/15 as month/day."),
        ("in 9999999 days", "“in 9999999 days” is too far away."),
        ("in 99999999999999999999 weeks", "“in 99999999999999999999 weeks” is too far away."),
    ],
)
def test_rejections(text, message):
    with pytest.raises(ParseError) as caught:
        parse_date(text, THURSDAY)
    assert caught.value.message == message
    assert caught.value.example == DATE_EXAMPLES


@pytest.mark.parametrize("text", ["tomorrow", "friday", "in 1 month", "next month", "12/30"])
def test_past_the_last_representable_date_is_an_error(text):
    with pytest.raises(ParseError, match="too far away"):
        parse_date(text, date.max)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.dates())
def test_any_text_gives_a_date_or_a_parse_error(text, today):
    outcome = result_or_error(parse_date, text, today)
    if isinstance(outcome, ParseError):
        assert outcome.message
        assert outcome.example == DATE_EXAMPLES
    else:
        assert isinstance(outcome, date)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["in", "next", "end", "of", "week", "month", "days", "fri", "dec", "3", "12/15", "-"]
        ),
        max_size=4,
    ).map(" ".join),
    st.dates(),
)
def test_date_like_text_gives_a_date_or_a_parse_error(text, today):
    outcome = result_or_error(parse_date, text, today)
    assert isinstance(outcome, date) or outcome.message


@settings(max_examples=200, deadline=None)
@given(st.dates(EARLIEST_DATE, LATEST_DATE), st.dates())
def test_iso_dates_round_trip(day, today):
    assert parse_date(day.isoformat(), today) == day


@settings(max_examples=100, deadline=None)
@given(st.dates().filter(lambda day: not EARLIEST_DATE <= day <= LATEST_DATE), st.dates())
def test_far_off_dates_are_refused_before_anything_is_saved(day, today):
    with pytest.raises(ParseError, match="is too far away: use a date between 1900 and 2199"):
        parse_date(day.isoformat(), today)


def test_the_last_day_python_knows_is_refused_with_the_range() -> None:
    with pytest.raises(ParseError) as refused:
        parse_date("9999-12-31", date(2026, 11, 18))
    assert refused.value.message == (
        "9999-12-31 is too far away: use a date between 1900 and 2199."
    )


@settings(max_examples=200, deadline=None)
@given(TODAYS, st.sampled_from(RELATIVE_PHRASES))
def test_relative_dates_are_never_before_today(today, phrase):
    assert parse_date(phrase, today) >= today


@settings(max_examples=200, deadline=None)
@given(TODAYS, st.integers(min_value=0, max_value=6), st.booleans(), st.booleans())
def test_weekdays_are_within_the_next_seven_days(today, weekday, short, with_next):
    name = WEEKDAY_NAMES[weekday][short]
    found = parse_date(f"next {name}" if with_next else name, today)
    assert found.weekday() == weekday
    assert today < found <= today + timedelta(days=7)


@settings(max_examples=200, deadline=None)
@given(TODAYS, st.integers(min_value=0, max_value=3650))
def test_in_n_days_and_weeks(today, count):
    assert parse_date(f"in {count} days", today) == today + timedelta(days=count)
    assert parse_date(f"in {count} weeks", today) == today + timedelta(weeks=count)


@settings(max_examples=200, deadline=None)
@given(TODAYS, st.integers(min_value=1, max_value=120))
def test_in_n_months_keeps_the_day_unless_the_month_is_shorter(today, count):
    found = parse_date(f"in {count} months", today)
    months_apart = (found.year - today.year) * 12 + found.month - today.month
    assert months_apart == count
    assert found.day == today.day or (found.day < today.day and (found + timedelta(1)).day == 1)


@settings(max_examples=200, deadline=None)
@given(TODAYS, st.dates(min_value=date(2000, 1, 1), max_value=date(2000, 12, 31)))
def test_month_day_is_the_next_such_date(today, month_day):
    found = parse_date(f"{month_day.month}/{month_day.day}", today)
    assert (found.month, found.day) == (month_day.month, month_day.day)
    assert today <= found
    # Only a leap day may need to wait more than a year.
    assert (found - today).days <= 365 or (found.month, found.day) == (2, 29)


@settings(max_examples=100, deadline=None)
@given(TODAYS)
def test_end_of_week_and_month_are_close_ahead(today):
    end_of_week = parse_date("end of week", today)
    assert end_of_week.weekday() == 4
    assert today <= end_of_week < today + timedelta(days=7)
    end_of_month = parse_date("end of month", today)
    assert (end_of_month.year, end_of_month.month) == (today.year, today.month)
    assert (end_of_month + timedelta(days=1)).day == 1
