from __future__ import annotations

import pytest

from charts import Funnel, funnel_alt_text, funnel_figure, funnel_png
from charts.examples import example_funnel
from charts.funnel import conversion
from tests.charts.helpers import texts
from tests.charts.png import read_png


def test_the_png_is_1200_by_700_with_its_title_inside() -> None:
    png = funnel_png(example_funnel())
    parsed = read_png(png)
    assert (parsed.width, parsed.height) == (1200, 700)
    assert 30_000 < len(png) < 150_000
    assert parsed.text["Title"] == "Team East funnel — last 4 weeks"


def test_stages_counts_and_conversions_are_labelled() -> None:
    fig = funnel_figure(example_funnel())
    assert fig.axes[0].get_title(loc="left") == "Team East funnel — last 4 weeks"
    shown = texts(fig)
    for stage in ("Lead", "Qualified", "Contacted", "Proposal", "Negotiation", "Won"):
        assert stage in shown
    for count in ("148", "96", "71", "38", "22", "13"):
        assert count in shown
    # 96/148, 71/96, 38/71, 22/38, 13/22
    assert [text for text in shown if text.startswith("↓")] == [
        "↓ 65%",
        "↓ 74%",
        "↓ 54%",
        "↓ 58%",
        "↓ 59%",
    ]
    assert "Step conversion" in shown
    assert "Deals reaching each stage  ·  Lead → Won: 8.8% overall" in shown


def test_bars_are_widest_first_and_centred() -> None:
    ax = funnel_figure(example_funnel()).axes[0]
    bars = ax.patches[: len(example_funnel().stages)]
    widths = [bar.get_width() for bar in bars]
    assert widths == [148, 96, 71, 38, 22, 13]
    assert all(abs(bar.get_x() + bar.get_width() / 2) < 1e-9 for bar in bars)
    assert bars[0].get_y() < bars[-1].get_y()  # drawn top to bottom once the y axis flips
    assert ax.get_ylim()[0] > ax.get_ylim()[1]


def test_an_empty_stage_has_no_conversion_after_it() -> None:
    shown = texts(funnel_figure(Funnel("F", "2026-11", [("Lead", 10), ("Won", 0), ("X", 0)])))
    assert "↓ 0%" in shown
    assert "↓ \N{EN DASH}" in shown
    assert conversion(0, 0) is None
    assert conversion(96, 148) == pytest.approx(0.6486, abs=1e-4)


def test_big_counts_are_shortened_and_tiny_rates_still_read() -> None:
    data = Funnel("F", "2026", [("Lead", 12_345_678), ("Qualified", 1_000_000), ("Won", 5)])
    shown = texts(funnel_figure(data))
    assert "12.3M" in shown
    assert "1M" in shown
    assert "↓ 8.1%" in shown
    assert "↓ <0.1%" in shown
    read_png(funnel_png(data))


def test_a_single_stage_has_no_conversion_column() -> None:
    shown = texts(funnel_figure(Funnel("Ana's funnel", "2026-11", [("Lead", 3)])))
    assert "3" in shown
    assert "Step conversion" not in shown


@pytest.mark.parametrize("stages", [[], [("Lead", 0), ("Won", 0)]], ids=["no stages", "all zero"])
def test_empty_data_says_no_data_yet(stages: list[tuple[str, int]]) -> None:
    data = Funnel("Team West funnel", "last 4 weeks", stages)
    fig = funnel_figure(data)
    assert "No data yet" in texts(fig)
    assert fig.axes[0].get_title(loc="left") == "Team West funnel — last 4 weeks"
    parsed = read_png(funnel_png(data))
    assert (parsed.width, parsed.height) == (1200, 700)
    assert len(funnel_png(data)) < 100_000


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="fewer than 0"):
        Funnel("F", "2026-11", [("Lead", -1)])


def test_long_or_odd_stage_names_are_tidied() -> None:
    data = Funnel("F", "2026-11", [("Lead\nfrom the\twebsite form and events", 5), ("Won", 1)])
    shown = texts(funnel_figure(data))
    assert "Lead from the website f…" in shown  # 24 characters at most


def test_alt_text_reads_the_chart_out() -> None:
    data = Funnel("Team East funnel", "last 4 weeks", [("Lead", 148), ("Won", 13)])
    assert funnel_alt_text(data) == (
        "Funnel chart: Team East funnel — last 4 weeks. Lead 148, Won 13 (8.8%)."
    )
