"""Charts draw Chinese on a fresh install: the bundled font, and no missing-glyph warnings."""

from __future__ import annotations

import logging
import warnings
from datetime import date, timedelta
from decimal import Decimal

from matplotlib import font_manager

from charts import (
    BurnUp,
    Funnel,
    burn_up_alt_text,
    burn_up_figure,
    burn_up_png,
    funnel_alt_text,
    funnel_figure,
    funnel_png,
    theme,
)
from tests.charts.helpers import STAGES_ZH, texts
from tests.charts.png import read_png


def test_a_chart_titled_in_chinese_draws_every_glyph() -> None:
    with warnings.catch_warnings():
        # matplotlib warns "Glyph ... missing from font(s)" for each character it cannot draw.
        warnings.simplefilter("error")
        png = funnel_png(Funnel("华东销售", "最近 4 周", STAGES_ZH))
    assert read_png(png).text["Title"] == "华东销售 — 最近 4 周"


def test_chinese_labels_are_kept_not_replaced() -> None:
    shown = texts(funnel_figure(Funnel("华东销售", "2026-11", STAGES_ZH)))
    assert "赢单" in shown
    assert not any("?" in text for text in shown)


def test_a_burn_up_in_chinese_draws_every_glyph() -> None:
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(30)]
    actual: list[Decimal | None] = [Decimal(i * 4000) for i in range(18)] + [None] * 12
    expected = [Decimal(i * 4000) for i in range(30)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = burn_up_png(
            BurnUp("华东销售 — 销售额", "2026-11", "¥", days, actual, Decimal(120_000), expected)
        )
    assert read_png(png).width == 1200


def test_latin_text_keeps_dejavu_sans() -> None:
    # The CJK font is only the fallback: a Latin title is still drawn in DejaVu Sans.
    family = theme.text_style()["fontfamily"]
    found = font_manager.findfont(font_manager.FontProperties(family=family))
    assert found.endswith("DejaVuSans.ttf")


def test_bold_chinese_titles_log_no_font_fallback(caplog) -> None:
    # findfont remembers its answers (and logs only the first time): start afresh.
    font_manager.fontManager._findfont_cached.cache_clear()
    with caplog.at_level(logging.INFO, logger="matplotlib.font_manager"):
        funnel_png(Funnel("华南大区", "2026-12", STAGES_ZH))
    assert [r.getMessage() for r in caplog.records if "Failed to find" in r.getMessage()] == []


def test_a_chart_for_a_chinese_reader_has_chinese_axes_legend_and_dates() -> None:
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(30)]
    actual: list[Decimal | None] = [Decimal(i * 4000) for i in range(18)] + [None] * 12
    expected = [Decimal(i * 4500) for i in range(30)]
    chart = BurnUp(
        "华东销售 销售额", "2026-11", "¥", days, actual, Decimal(120_000), expected, language="zh"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns
        png = burn_up_png(chart)
        shown = texts(burn_up_figure(chart))
    assert read_png(png).text["Title"] == "华东销售 销售额 — 2026-11"
    assert "日期" in shown
    assert "累计总额 (¥)" in shown
    assert "今天" in shown
    assert any(text.startswith("实际") for text in shown)
    assert any(text.startswith("目标") for text in shown)
    assert "11月2日" in shown  # the first Monday tick
    assert not any(word in " ".join(shown) for word in ("Target", "Actual", "Today", "Date", "Nov"))
    assert burn_up_alt_text(chart).startswith("燃起图：华东销售 销售额 — 2026-11。")


def test_a_funnel_for_a_chinese_reader_is_chinese_and_an_english_one_english() -> None:
    chinese = Funnel("华东销售 漏斗", "最近 4 周", STAGES_ZH, language="zh")
    english = Funnel("East funnel", "last 4 weeks", [("Lead", 10), ("Won", 2)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shown = texts(funnel_figure(chinese))
    assert "阶段转化率" in shown
    assert any("到达各阶段的商机数" in text for text in shown)
    assert "Step conversion" in texts(funnel_figure(english))
    assert funnel_alt_text(chinese).startswith("漏斗图：")


def test_money_on_a_chart_is_grouped_the_readers_way() -> None:
    """¥12万 and ¥1.2亿 for a Chinese reader, $120k and $1.2M for an English one: on the
    axis, the legend, the latest value's label and the alt text."""
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(30)]
    actual: list[Decimal | None] = [Decimal(i * 4000) for i in range(18)] + [None] * 12
    expected = [Decimal(i * 4000) for i in range(30)]
    for language, unit, target, axis, legend in (
        ("zh", "CNY", Decimal(120_000), "¥10万", "目标（¥12万）"),
        ("en", "USD", Decimal(120_000), "$100k", "Target ($120k)"),
        ("zh", "CNY", Decimal(120_000_000), "¥1亿", "目标（¥1.2亿）"),
    ):
        scale = target / 120_000
        chart = BurnUp(
            "华东销售",
            "2026-11",
            unit,
            days,
            [None if value is None else value * scale for value in actual],
            target,
            [value * scale for value in expected],
            language=language,
        )
        shown = texts(burn_up_figure(chart))
        assert axis in shown, shown
        assert legend in shown, shown
        words = " ".join(shown) + burn_up_alt_text(chart)
        if language == "zh":
            assert not any(sign in words for sign in ("k", "M", "$")), shown
        else:
            assert not any(sign in words for sign in ("万", "亿", "¥")), shown
