"""Funnel chart: deals reaching each stage, with stage-to-stage conversion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from charts import theme
from translations import ENGLISH, Language, gettext

_STAGE_LABEL_LIMIT = 24
_BAR = 0.68  # bar height, in rows
_INSIDE = 0.16
_MIN_ROWS = 5  # a count goes inside its bar when the bar is at least this share of the widest


@dataclass(frozen=True)
class Funnel:
    title: str  # "Team East — funnel"
    period_label: str  # "Last 4 weeks" or "2026-11"
    stages: list[tuple[str, int]]  # (label, deals reaching it), in funnel order
    language: Language = ENGLISH  # of every word drawn

    def __post_init__(self) -> None:
        negative = [(label, count) for label, count in self.stages if count < 0]
        if negative:
            raise ValueError(f"a stage cannot have fewer than 0 deals: {negative}")


def funnel_figure(data: Funnel) -> Figure:
    """The chart as a matplotlib Figure (on an Agg canvas of its own), for tests or further
    drawing."""
    if _is_empty(data):
        return theme.EmptyCard().draw(*_empty_parts(data))
    return _FunnelCard().draw(data)


def funnel_png(data: Funnel) -> bytes:
    """The chart as PNG bytes, 1200 x 700 px; the title is also in the PNG's Title chunk."""
    if _is_empty(data):
        return theme.empty_png(*_empty_parts(data))
    with _CARDS.card() as card:
        card.draw(data)
        return card.png(chart_title(data))


def chart_title(data: Funnel) -> str:
    """The chart's title, "<title> — <period>" (a very long title is shortened on the
    picture itself, never the period)."""
    return theme.join_title(*_title_parts(data))


def _title_parts(data: Funnel) -> tuple[str, str]:
    name = theme.clean(data.title, 100) or gettext(data.language, "Funnel")
    return name, theme.clean(data.period_label, 40)


def alt_text(data: Funnel) -> str:
    """A one-sentence description for screen readers (Slack's `alt_txt`)."""
    parts: list[str] = []
    previous: int | None = None
    for label, count in data.stages:
        part = f"{theme.clean(label, _STAGE_LABEL_LIMIT)} {count:,}"
        if previous is not None:
            part += f" ({_rate(count, previous)})"
        parts.append(part)
        previous = count
    language = data.language
    stages = ", ".join(parts) if parts else gettext(language, "no stages")
    return gettext(
        language, "Funnel chart: {title}. {stages}.", title=chart_title(data), stages=stages
    )


def conversion(count: int, previous: int) -> float | None:
    """Share of the previous stage's deals that reached this one; None after an empty stage."""
    return count / previous if previous else None


# ---------------------------------------------------------------------- drawing helpers


def _subtitle(language: Language, labels: list[str], counts: list[int]) -> str:
    parts = [gettext(language, "Deals reaching each stage")]
    if len(counts) > 1:
        parts.append(
            gettext(
                language,
                "{first} → {last}: {rate} overall",
                first=labels[0],
                last=labels[-1],
                rate=_rate(counts[-1], counts[0]),
            )
        )
    return "  ·  ".join(parts)


def _rate(count: int, previous: int) -> str:
    rate = conversion(count, previous)
    if rate is None:
        return theme.EN_DASH
    if 0 < rate < 0.001:
        return "<0.1%"
    return f"{rate:.1%}" if 0 < rate < 0.1 else f"{rate:.0%}"


def _count(count: int, language: Language) -> str:
    return f"{count:,}" if count < 1_000_000 else theme.compact(count, language=language)


def _shades(n: int) -> list[Any]:
    """Dark to lighter blue, top to bottom; all dark enough for white text."""
    top, bottom = to_rgb(theme.FUNNEL_TOP), to_rgb(theme.FUNNEL_BOTTOM)
    steps = max(n - 1, 1)
    return [
        to_hex(tuple(a + (b - a) * i / steps for a, b in zip(top, bottom, strict=True)))
        for i in range(n)
    ]


def _is_empty(data: Funnel) -> bool:
    return not data.stages or max(count for _label, count in data.stages) == 0


def _empty_parts(data: Funnel) -> tuple[str, str, str, str]:
    """Title, period, subtitle and message of a funnel with nothing to show."""
    name, period = _title_parts(data)
    language = data.language
    reaching = gettext(language, "Deals reaching each stage") if data.stages else ""
    return name, period, reaching, gettext(language, theme.NO_DATA)


# ---------------------------------------------------------------------- the picture


class _Row:
    """The artists of one stage: its name, bar, count, and the conversion above it."""

    def __init__(self, ax: Any) -> None:
        # Stage names and conversions are placed in axes widths across, rows down.
        across = ax.get_yaxis_transform()
        self.name = ax.text(
            0, 0, "", transform=across, ha="left", va="center", **theme.text_style(fontsize=10)
        )
        self.bar = Rectangle((0, 0), 0, _BAR, facecolor=theme.FUNNEL_TOP, zorder=2)
        ax.add_patch(self.bar)
        self.count = ax.text(
            0, 0, "", va="center", zorder=3, **theme.text_style(fontsize=11, fontweight="bold")
        )
        self.rate = ax.text(
            1,
            0,
            "",
            transform=across,
            ha="right",
            va="center",
            **theme.text_style(fontsize=theme.LABEL_SIZE, fontweight="bold", color=theme.MUTED),
        )

    def hide(self) -> None:
        for text in (self.name, self.count, self.rate):
            theme.hide(text)
        self.bar.set_visible(False)


class _FunnelCard(theme.Card):
    """A funnel's figure, made once; rows are added as a funnel needs them and hidden when
    the next has fewer stages."""

    def __init__(self) -> None:
        super().__init__()
        ax = self.ax
        theme.plain_axes(ax)
        # A fixed frame: stage names are drawn inside the axes, so they line up with the
        # title, and the bars are centred in what is left.
        ax.set_position((0.035, 0.05, 0.935, 0.785))
        self.walls = PolyCollection(
            [],
            facecolors=theme.FUNNEL_BOTTOM,
            edgecolors="none",
            alpha=0.14,
            linewidths=0,
            zorder=1,
        )
        ax.add_collection(self.walls, autolim=False)
        self.header = ax.text(
            1,
            -0.62,
            "",
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="bottom",
            **theme.text_style(fontsize=theme.TICK_SIZE, color=theme.MUTED),
        )
        self.rows: list[_Row] = []

    def draw(self, data: Funnel) -> Figure:
        name, period = _title_parts(data)
        counts = [count for _label, count in data.stages]
        labels = [theme.clean(label, _STAGE_LABEL_LIMIT) or "?" for label, _count in data.stages]
        language = data.language
        self.set_titles(name, period, _subtitle(language, labels, counts))
        while len(self.rows) < len(counts):
            self.rows.append(_Row(self.ax))
        rows = self.rows[: len(counts)]
        for row in self.rows[len(counts) :]:
            row.hide()

        for y, (row, label) in enumerate(zip(rows, labels, strict=True)):
            row.name.set_y(y)
            theme.show(row.name, label)
        self.header.set_text(gettext(language, "Step conversion") if len(counts) > 1 else "")
        axes_px = self.ax.get_window_extent(self.renderer).width
        name_share = max(self.width_of(row.name) for row in rows) / axes_px
        rate_share = self.width_of(self.header) / axes_px
        gap = 0.025
        bar_share = 1 - name_share - rate_share - 2 * gap
        widest = max(counts)
        span = widest / bar_share  # data units across the whole axes
        left = -widest / 2 - (name_share + gap) * span
        self.ax.set_xlim(left, left + span)

        widths = [max(count, widest * 0.006) if count else 0 for count in counts]
        walls = []
        for y in range(1, len(counts)):  # from the bottom of one bar to the top of the next
            upper, lower = widths[y - 1] / 2, widths[y] / 2
            top, bottom = y - 1 + _BAR / 2, y - _BAR / 2
            walls.append([(-upper, top), (upper, top), (lower, bottom), (-lower, bottom)])
        self.walls.set_verts(walls)
        for y, (row, count, width, shade) in enumerate(
            zip(rows, counts, widths, _shades(len(counts)), strict=True)
        ):
            row.bar.set_bounds(-width / 2, y - _BAR / 2, width, _BAR)
            row.bar.set_facecolor(shade)
            row.bar.set_visible(True)
            inside = width >= widest * _INSIDE
            row.count.set_position((0 if inside else width / 2 + widest * 0.015, y))
            row.count.set_horizontalalignment("center" if inside else "left")
            row.count.set_color("#FFFFFF" if inside else theme.TEXT)
            theme.show(row.count, _count(count, language))
            if y == 0:
                theme.hide(row.rate)
            else:
                row.rate.set_y(y - 0.5)
                theme.show(row.rate, f"↓ {_rate(counts[y], counts[y - 1])}")

        # First stage on top; a short funnel keeps the bar thickness of a 5-stage one.
        self.ax.set_ylim(max(len(counts), _MIN_ROWS) - 0.5, -0.75)
        return self.figure


_CARDS = theme.Pool(_FunnelCard)
