from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest

from charts import BurnUp, burn_up_alt_text, burn_up_figure, burn_up_from, burn_up_png
from charts.burn_up import chart_title, date_range
from charts.examples import example_burn_up
from sales.pacing import pace
from sales.periods import Period, month, quarter
from sales.workdays import calendar_for
from tests.charts.helpers import legend_texts, texts, tick_labels
from tests.charts.png import read_png

US = calendar_for("US")
CN = calendar_for("CN")
NOVEMBER = month(2026, 11)
WEDNESDAY = date(2026, 11, 18)
THANKSGIVING = date(2026, 11, 26)
DASH = "\N{EN DASH}"


def d(text: str) -> Decimal:
    return Decimal(text)


def november_days() -> list[date]:
    return [NOVEMBER.start + timedelta(days=n) for n in range(30)]


def simple(
    *,
    title: str = "Team East revenue",
    unit: str = "$",
    target: str = "120000",
    done: int = 18,
    per_day: str = "4000",
) -> BurnUp:
    days = november_days()
    return BurnUp(
        title=title,
        period_label="2026-11",
        unit=unit,
        days=days,
        actual=[d(per_day) * (i + 1) if i < done else None for i in range(30)],
        target=d(target),
        expected=[d(target) * (i + 1) / 30 for i in range(30)],
    )


# ---------------------------------------------------------------------- the PNG


def test_the_png_is_1200_by_700_with_its_title_inside() -> None:
    png = burn_up_png(example_burn_up())
    parsed = read_png(png)
    assert (parsed.width, parsed.height) == (1200, 700)
    assert 30_000 < len(png) < 150_000
    assert parsed.text["Title"] == "Team East revenue — November 2026"


def test_rendering_is_repeatable() -> None:
    assert burn_up_png(example_burn_up()) == burn_up_png(example_burn_up())


def test_charts_render_on_several_threads_at_once() -> None:
    data = [example_burn_up(), simple(), simple(unit="visits", target="300", per_day="9")]
    expected = [burn_up_png(item) for item in data]
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def render(n: int) -> None:
        try:
            results[n] = burn_up_png(data[n % len(data)])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=render, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(results[n] == expected[n % len(data)] for n in range(6))


# ---------------------------------------------------------------------- what it says


def test_title_carries_the_period_and_the_axes_are_labelled() -> None:
    fig = burn_up_figure(example_burn_up())
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Team East revenue — November 2026"
    assert ax.get_xlabel() == "Date"
    assert ax.get_ylabel() == "Cumulative total (USD)"
    shown = texts(fig)
    assert "Target $120k" in shown
    assert "Today" in shown
    subtitle = next(text for text in shown if text.startswith(f"Nov 1 {DASH} 30, 2026"))
    assert "as of Wed, Nov 18" in subtitle
    assert "of target" in subtitle


def test_legend_names_each_line_with_its_value() -> None:
    data = example_burn_up()
    achieved = data.actual[data.days.index(WEDNESDAY)]
    assert achieved is not None
    labels = legend_texts(burn_up_figure(data))
    assert labels == [
        f"Actual (${float(achieved) / 1000:.1f}k)",
        "Pro-rated path ($75.8k by today)",  # 120,000 x 12 / 19 working days
        "Target ($120k)",
        "Non-working day",
    ]


def test_y_axis_reads_in_thousands() -> None:
    assert tick_labels(burn_up_figure(example_burn_up()), "y") == [
        "$0",
        "$25k",
        "$50k",
        "$75k",
        "$100k",
        "$125k",
    ]


def test_x_axis_marks_mondays_in_a_month() -> None:
    assert tick_labels(burn_up_figure(example_burn_up()), "x") == [
        "Nov 2",
        "Nov 9",
        "Nov 16",
        "Nov 23",
        "Nov 30",
    ]


def test_a_quarter_marks_the_1st_and_15th() -> None:
    q4 = quarter(2026, 4)
    data = burn_up_from({}, q4.start, q4.end, date(2026, 11, 18), d("3e5"), US, title="T", unit="$")
    assert tick_labels(burn_up_figure(data), "x") == [
        "Oct 1",
        "Oct 15",
        "Nov 1",
        "Nov 15",
        "Dec 1",
        "Dec 15",
    ]


def test_big_numbers_use_millions_and_billions() -> None:
    data = simple(unit="CHF", target="1500000000", per_day="90000000")
    fig = burn_up_figure(data)
    assert "CHF 1B" in tick_labels(fig, "y")
    assert "Target CHF 1.5B" in texts(fig)
    assert legend_texts(fig)[0] == "Actual (CHF 1.6B)"
    assert fig.axes[0].get_ylabel() == "Cumulative total (CHF)"


def test_counts_are_written_with_their_word() -> None:
    fig = burn_up_figure(simple(unit="visits", target="1480", per_day="50"))
    assert fig.axes[0].get_ylabel() == "Cumulative visits"
    assert "Target 1,480 visits" in texts(fig)
    assert "900" in texts(fig)  # the latest value, by its dot


def test_dollar_signs_are_text_not_maths() -> None:
    fig = burn_up_figure(simple(title="Q4 $ push $$ (and $x$)"))
    assert fig.axes[0].get_title(loc="left") == "Q4 $ push $$ (and $x$) — 2026-11"
    read_png(burn_up_png(simple(title="Q4 $ push $$ (and $x$)", unit="$$")))


def test_a_long_title_is_shortened_on_the_picture_but_keeps_the_period() -> None:
    data = simple(title="Global enterprise and mid-market new business revenue " * 3)
    shown = burn_up_figure(data).axes[0].get_title(loc="left")
    assert shown.endswith("… — 2026-11")
    assert len(shown) < len(chart_title(data))
    assert read_png(burn_up_png(data)).text["Title"] == chart_title(data)


def test_subtitle_says_ahead_or_behind_pace() -> None:
    behind = texts(burn_up_figure(simple(per_day="3000")))
    ahead = texts(burn_up_figure(simple(per_day="5000")))
    assert any("$18k behind pace" in text for text in behind)  # 54k vs 72k on day 18
    assert any("$18k ahead of pace" in text for text in ahead)


def test_a_finished_period_has_no_today_marker() -> None:
    data = burn_up_from(
        {day: d("5000") for day in US.working_days(NOVEMBER.start, NOVEMBER.end)},
        NOVEMBER.start,
        NOVEMBER.end,
        date(2026, 12, 3),
        d("90000"),
        US,
        title="Team East revenue",
        unit="USD",
        period_label="2026-11",
    )
    shown = texts(burn_up_figure(data))
    assert "Today" not in shown
    assert any("final  ·  106% of target" in text for text in shown)  # 19 x 5,000


def test_alt_text_reads_the_chart_out() -> None:
    assert burn_up_alt_text(simple()) == (
        "Burn-up chart: Team East revenue — 2026-11. Actual $72k, pro-rated path $72k by today."
        " Target $120k."
    )


def test_date_ranges() -> None:
    assert date_range(date(2026, 11, 1), date(2026, 11, 30)) == f"Nov 1 {DASH} 30, 2026"
    assert date_range(date(2026, 10, 1), date(2026, 12, 31)) == f"Oct 1 {DASH} Dec 31, 2026"
    assert date_range(date(2026, 12, 15), date(2027, 1, 14)) == (
        f"Dec 15, 2026 {DASH} Jan 14, 2027"
    )


# ---------------------------------------------------------------------- empty data


@pytest.mark.parametrize(
    "data",
    [
        BurnUp("Team West revenue", "2026-11", "$", [], [], d("0"), []),
        BurnUp(
            "Team West revenue",
            "2026-11",
            "$",
            november_days(),
            [d("0")] * 5 + [None] * 25,
            d("0"),
            [d("0")] * 30,
        ),
    ],
    ids=["no days", "all zero"],
)
def test_empty_data_says_no_data_yet(data: BurnUp) -> None:
    fig = burn_up_figure(data)
    assert "No data yet" in texts(fig)
    assert fig.axes[0].get_title(loc="left") == "Team West revenue — 2026-11"
    parsed = read_png(burn_up_png(data))
    assert (parsed.width, parsed.height) == (1200, 700)


def test_a_period_not_started_shows_the_path_and_no_actual() -> None:
    december = month(2026, 12)
    data = burn_up_from(
        {}, december.start, december.end, WEDNESDAY, d("50000"), US, title="Ana", unit="$"
    )
    assert data.actual == [None] * 31
    fig = burn_up_figure(data)
    assert legend_texts(fig)[:2] == ["Actual (none yet)", "Pro-rated path"]
    assert "Today" not in texts(fig)


def test_mismatched_lists_are_refused() -> None:
    with pytest.raises(ValueError, match="line up"):
        BurnUp("T", "2026-11", "$", november_days(), [None] * 29, d("1"), [d("0")] * 30)


# ---------------------------------------------------------------------- burn_up_from


@pytest.mark.parametrize(
    ("period", "calendar", "started_on"),
    [
        (NOVEMBER, US, None),
        (NOVEMBER, US, date(2026, 11, 10)),
        (month(2026, 2), CN, None),  # Spring Festival, make-up Saturday
        (quarter(2026, 4), US, date(2026, 10, 20)),
    ],
)
def test_the_path_is_what_pacing_expects_each_day(
    period: Period, calendar: object, started_on: date | None
) -> None:
    assert calendar is US or calendar is CN
    target = d("19000.55")
    data = burn_up_from(
        {},
        period.start,
        period.end,
        period.end,
        target,
        calendar,
        title="T",
        unit="$",
        started_on=started_on,
    )
    for day, expected in zip(data.days, data.expected, strict=True):
        assert expected == pace(target, d("0"), period, day, calendar, started_on).expected, day


def test_a_plain_count_function_works_like_a_calendar() -> None:
    def count(start: date, end: date) -> int:
        return US.count(start, end)

    args = ({}, NOVEMBER.start, NOVEMBER.end, WEDNESDAY, d("19000"))
    with_calendar = burn_up_from(*args, US, title="T", unit="$")
    with_function = burn_up_from(*args, count, title="T", unit="$")
    assert with_calendar == with_function


def test_actual_is_cumulative_until_today() -> None:
    data = burn_up_from(
        {
            date(2026, 10, 31): d("999"),  # before the period: ignored
            date(2026, 11, 2): d("1000"),
            date(2026, 11, 3): d("250.50"),
            date(2026, 11, 20): d("5000"),  # after today: not shown yet
        },
        NOVEMBER.start,
        NOVEMBER.end,
        WEDNESDAY,
        d("19000"),
        US,
        title="T",
        unit="$",
    )
    assert data.actual[:4] == [d("0"), d("1000"), d("1250.50"), d("1250.50")]
    assert data.actual[17] == d("1250.50")  # Nov 18
    assert data.actual[18:] == [None] * 12
    assert data.today == WEDNESDAY
    assert data.today_index == 17
    assert data.period_label == f"Nov 1 {DASH} 30, 2026"


def test_weekends_and_holidays_are_the_non_working_days() -> None:
    args = ({}, NOVEMBER.start, NOVEMBER.end, WEDNESDAY, d("19000"), US)
    data = burn_up_from(*args, title="T", unit="$")
    assert THANKSGIVING in data.non_working
    assert date(2026, 11, 11) in data.non_working  # Veterans Day
    assert len(data.non_working) == 30 - 19
    thanksgiving = data.days.index(THANKSGIVING)
    assert data.expected[thanksgiving] == data.expected[thanksgiving - 1] == d("17000.00")
    assert data.expected[-1] == d("19000.00")
