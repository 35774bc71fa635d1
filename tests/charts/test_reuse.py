"""Charts reuse their figures: what one chart drew never shows on the next."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from charts import BurnUp, Funnel, burn_up_from, burn_up_png, funnel_png, theme
from charts.burn_up import _CARDS as BURN_UP_CARDS
from charts.burn_up import burn_up_figure
from charts.burn_up import chart_title as burn_up_title
from charts.examples import example_burn_up, example_funnel
from charts.funnel import _CARDS as FUNNEL_CARDS
from charts.funnel import chart_title as funnel_title
from charts.funnel import funnel_figure
from sales.periods import month
from sales.workdays import calendar_for
from tests.charts.helpers import STAGES_ZH, legend_texts, texts, tick_labels


def fresh_burn_up(data: BurnUp) -> bytes:
    """The chart drawn on a figure of its own, as if it were the process's first."""
    return theme.to_png(burn_up_figure(data), burn_up_title(data))


def fresh_funnel(data: Funnel) -> bytes:
    return theme.to_png(funnel_figure(data), funnel_title(data))


def finished_chinese_quarter() -> BurnUp:
    """Everything the example has not: Chinese, another unit and period, no "today" marker,
    no non-working days, three legend entries."""
    october = month(2026, 10)
    return replace(
        burn_up_from(
            {date(2026, 10, 9): Decimal("12000000"), date(2026, 10, 20): Decimal("95000000")},
            october.start,
            october.end,
            date(2026, 11, 18),
            Decimal("120000000"),
            calendar_for("CN"),
            title="华东大区 销售额",
            unit="CNY",
            language="zh",
        ),
        non_working=frozenset(),
    )


def big_english() -> BurnUp:
    """Long legend labels, in two columns."""
    example = example_burn_up()
    scale = Decimal(10_000)
    return replace(
        example,
        title="Team West revenue",
        unit="CHF",
        actual=[None if value is None else value * scale for value in example.actual],
        expected=[value * scale for value in example.expected],
        target=example.target * scale,
    )


def test_a_burn_up_after_others_is_the_same_picture_as_drawn_first() -> None:
    first, other, wide = example_burn_up(), finished_chinese_quarter(), big_english()
    alone = burn_up_png(first)
    burn_up_png(other)
    burn_up_png(wide)
    assert burn_up_png(first) == alone
    assert burn_up_png(other) == fresh_burn_up(other)
    assert burn_up_png(wide) == fresh_burn_up(wide)


def test_a_reused_burn_up_says_only_what_its_own_data_says() -> None:
    first, other = example_burn_up(), finished_chinese_quarter()
    with BURN_UP_CARDS.card() as card:
        card.draw(first)
        fig = card.draw(other)
        reused = (texts(fig), legend_texts(fig), tick_labels(fig, "x"), tick_labels(fig, "y"))
    fresh = burn_up_figure(other)
    assert reused == (
        texts(fresh),
        legend_texts(fresh),
        tick_labels(fresh, "x"),
        tick_labels(fresh, "y"),
    )
    shown = " ".join(reused[0])
    assert "今天" not in shown  # the period is over: no marker
    assert not any(word in shown for word in ("Today", "Target", "Nov", "Date", "$"))
    assert len(reused[1]) == 3  # no non-working days in the legend


def test_an_english_burn_up_after_a_chinese_one_is_english() -> None:
    chinese = replace(example_burn_up(), title="华东团队 销售额", language="zh")
    english = example_burn_up()
    with BURN_UP_CARDS.card() as card:
        card.draw(chinese)
        shown = texts(card.draw(english))
    assert shown == texts(burn_up_figure(english))
    assert not any(char in " ".join(shown) for char in "今天目标日期万")


def test_a_funnel_after_others_is_the_same_picture_as_drawn_first() -> None:
    first = example_funnel()
    short = Funnel("华东 漏斗", "最近 4 周", STAGES_ZH[:2], language="zh")
    single = Funnel("Ana's funnel", "2026-11", [("Lead", 3)])
    ten = Funnel("Ten", "2026", [(f"Stage {i}", 1000 - i * 90) for i in range(10)])
    alone = funnel_png(first)
    for other in (ten, short, single):
        funnel_png(other)
    assert funnel_png(first) == alone
    for other in (short, single, ten):
        funnel_png(first)
        assert funnel_png(other) == fresh_funnel(other)


def test_a_reused_funnel_shows_only_its_own_stages() -> None:
    ten = Funnel("Ten", "2026", [(f"Stage {i}", 1000 - i * 90) for i in range(10)])
    single = Funnel("Ana's funnel", "2026-11", [("Lead", 3)])
    with FUNNEL_CARDS.card() as card:
        card.draw(ten)
        fig = card.draw(single)
        shown = texts(fig)
        bars = [patch for patch in fig.axes[0].patches if patch.get_visible()]
    assert shown == texts(funnel_figure(single))
    assert not any(text.startswith(("Stage", "↓")) for text in shown)
    assert "Step conversion" not in shown
    assert [bar.get_width() for bar in bars] == [3]


def test_empty_charts_after_others_show_only_their_titles() -> None:
    english = BurnUp("Team West revenue", "2026-11", "$", [], [], Decimal(0), [])
    chinese = Funnel("华西 漏斗", "最近 4 周", [("线索", 0)], language="zh")
    alone = burn_up_png(english)
    burn_up_png(example_burn_up())
    funnel_png(chinese)
    assert burn_up_png(english) == alone
    assert funnel_png(chinese) == fresh_funnel(chinese)
    assert sorted(texts(funnel_figure(chinese))) == sorted(
        ["华西 漏斗 — 最近 4 周", "到达各阶段的商机数", "暂无数据"]
    )


def test_charts_of_every_kind_and_language_drawn_on_threads_at_once() -> None:
    charts = [
        (burn_up_png, example_burn_up()),
        (burn_up_png, finished_chinese_quarter()),
        (burn_up_png, big_english()),
        (funnel_png, example_funnel()),
        (funnel_png, Funnel("华东 漏斗", "最近 4 周", STAGES_ZH, language="zh")),
        (funnel_png, Funnel("Ana's funnel", "2026-11", [("Lead", 3)])),
    ]
    expected = [draw(data) for draw, data in charts]  # type: ignore[operator]
    results: dict[tuple[int, int], bytes] = {}
    errors: list[BaseException] = []

    def render(worker: int) -> None:
        try:
            for round_ in range(3):
                n = (worker + round_) % len(charts)
                draw, data = charts[n]
                results[(worker, round_)] = draw(data)  # type: ignore[operator]
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=render, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for (worker, round_), png in results.items():
        assert png == expected[(worker + round_) % len(charts)], (worker, round_)


# ---------------------------------------------------------------------- the pool


class Counted:
    built = 0

    def __init__(self) -> None:
        Counted.built += 1


def test_the_pool_hands_back_the_card_it_was_given() -> None:
    Counted.built = 0
    pool = theme.Pool(Counted, keep=2)
    with pool.card() as first:
        pass
    with pool.card() as second:
        pass
    assert second is first
    assert Counted.built == 1


def test_cards_in_use_are_not_shared_and_only_a_few_are_kept() -> None:
    Counted.built = 0
    pool = theme.Pool(Counted, keep=2)
    with pool.card() as a, pool.card() as b, pool.card() as c:
        assert len({id(a), id(b), id(c)}) == 3
    assert Counted.built == 3
    with pool.card() as d, pool.card() as e, pool.card() as f:
        assert {id(d), id(e)} <= {id(a), id(b), id(c)}
        assert f not in (a, b, c)
    assert Counted.built == 4


def test_a_card_whose_drawing_failed_is_not_used_again() -> None:
    pool = theme.Pool(Counted)
    with pytest.raises(RuntimeError), pool.card() as broken:
        raise RuntimeError("half drawn")
    with pool.card() as next_one:
        assert next_one is not broken


# ---------------------------------------------------------------------- fonts looked up once


@pytest.mark.parametrize("language", ["en", "zh"])
def test_fonts_looked_up_once_draw_what_plain_agg_draws(language: str) -> None:
    burn_up = replace(example_burn_up(), title="华东团队 销售额 Team East", language=language)
    funnel = Funnel("华东 漏斗 East", "最近 4 周", STAGES_ZH, language=language)
    for figure, title in (
        (burn_up_figure(burn_up), burn_up_title(burn_up)),
        (funnel_figure(funnel), funnel_title(funnel)),
    ):
        ours = theme.to_png(figure, title)
        FigureCanvasAgg(figure)  # the figure now draws on matplotlib's own canvas
        assert theme.to_png(figure, title) == ours
