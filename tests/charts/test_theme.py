from __future__ import annotations

import math
from pathlib import Path

import pytest

from charts import theme
from charts.examples import DEFAULT_FOLDER, write_examples
from tests.charts.png import read_png


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0"),
        (0.04, "0"),
        (7, "7"),
        (12.5, "12.5"),
        (950, "950"),
        (999.96, "1k"),
        (1200, "1.2k"),
        (12_000, "12k"),
        (84_260, "84.3k"),
        (120_000, "120k"),
        (999_950, "1M"),
        (1_500_000, "1.5M"),
        (2_000_000_000, "2B"),
        (3.2e12, "3.2T"),
        (5e15, "5.0e+15"),
        (-84_200, "-84.2k"),
        (-0.001, "0"),
        (math.nan, "\N{EN DASH}"),
        (math.inf, "\N{EN DASH}"),
    ],
)
def test_compact_numbers(value: float, shown: str) -> None:
    assert theme.compact(value) == shown


@pytest.mark.parametrize(
    ("unit", "value", "shown", "label"),
    [
        ("$", 84_200, "$84.2k", "$84.2k"),
        ("USD", 84_200, "$84.2k", "$84.2k"),
        ("usd", 1_500_000, "$1.5M", "$1.5M"),
        ("CNY", 12_000, "¥12k", "¥12k"),
        ("CHF", 120_000, "CHF 120k", "CHF 120k"),
        ("€", -5_000, "-€5k", "-€5k"),
        ("visits", 1_480, "1,480", "1,480 visits"),
        ("visits", 25_000, "25k", "25k visits"),
        ("calls", 12, "12", "12 calls"),
    ],
)
def test_units(unit: str, value: float, shown: str, label: str) -> None:
    assert theme.unit_of(unit)(value) == shown
    assert theme.unit_of(unit).with_word(value) == label


def test_money_and_counts_are_told_apart() -> None:
    assert theme.unit_of("USD").is_money
    assert theme.unit_of("$").is_money
    assert not theme.unit_of("visits").is_money


def test_text_is_made_safe_to_draw() -> None:
    assert theme.clean("Team\n East\t\x00 ") == "Team East"
    assert theme.clean("x" * 100, 10) == "xxxxxxxxx…"
    assert theme.clean("Q4 $ push") == "Q4 $ push"


def test_characters_no_font_has_become_question_marks() -> None:
    # Chinese is drawn with the bundled font; the emoji no font here has becomes "?".
    assert theme.clean("华东 team 🚀") == "华东 team ?"


def test_the_bundled_cjk_font_comes_right_after_dejavu_sans() -> None:
    assert theme.font_families()[:2] == ("DejaVu Sans", "Noto Sans CJK SC")
    assert theme.BUNDLED_CJK_FONT.is_file()
    assert (theme.BUNDLED_CJK_FONT.parent / "OFL.txt").is_file()


def test_fonts_are_the_bundled_dejavu_sans_first() -> None:
    assert theme.font_families()[0] == "DejaVu Sans"


def test_examples_are_written_by_the_charts_code(tmp_path: Path) -> None:
    written = write_examples(tmp_path)
    assert [path.name for path in written] == ["burn-up-example.png", "funnel-example.png"]
    for path in written:
        parsed = read_png(path.read_bytes())
        assert (parsed.width, parsed.height) == (1200, 700)


@pytest.mark.parametrize("name", ["burn-up-example.png", "funnel-example.png"])
def test_the_readme_pictures_exist(name: str) -> None:
    data = (DEFAULT_FOLDER / name).read_bytes()
    assert read_png(data).text["Software"] == "salesbot charts (matplotlib)"
    assert len(data) < theme.MAX_PNG_BYTES


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (950, "950"),
        (9_500, "9,500"),
        (12_000, "1.2万"),
        (120_000, "12万"),
        (1_200_000, "120万"),
        (99_995_000, "1亿"),
        (120_000_000, "1.2亿"),
        (3.2e12, "3.2万亿"),
        (-84_200, "-8.4万"),
        (math.nan, "\N{EN DASH}"),
    ],
)
def test_compact_numbers_in_chinese_count_in_wan_and_yi(value: float, shown: str) -> None:
    assert theme.compact(value, language="zh") == shown


def test_units_for_a_chinese_reader() -> None:
    assert theme.unit_of("CNY", "zh")(1_200_000) == "¥120万"
    assert theme.unit_of("USD", "zh")(120_000) == "$12万"
    assert theme.unit_of("拜访次数", "zh").with_word(25_000) == "2.5万 拜访次数"
    assert theme.unit_of("CNY")(1_200_000) == "¥1.2M"
