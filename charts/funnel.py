"""Funnel chart: deals reaching each stage, with stage-to-stage conversion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure

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
    """The chart as a matplotlib Figure (on an Agg canvas), for tests or further drawing."""
    fig, _canvas = theme.new_figure()
    ax = theme.style_axes(fig)
    name, period = _title_parts(data)
    counts = [count for _label, count in data.stages]
    labels = [theme.clean(label, _STAGE_LABEL_LIMIT) or "?" for label, _count in data.stages]
    language = data.language
    if not counts or max(counts) == 0:
        reaching = gettext(language, "Deals reaching each stage") if counts else ""
        theme.set_titles(ax, name, period, reaching)
        theme.no_data(ax, gettext(language, theme.NO_DATA))
        return fig

    theme.set_titles(ax, name, period, _subtitle(language, labels, counts))
    # A fixed frame instead of the layout engine: stage names are drawn inside the axes, so
    # they line up with the title, and the bars are centred in what is left.
    fig.set_layout_engine("none")
    ax.set_position((0.035, 0.05, 0.935, 0.785))
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    axes_px = ax.get_window_extent(renderer).width

    names = [
        ax.text(
            0,
            y,
            label,
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            **theme.text_style(fontsize=10),
        )
        for y, label in enumerate(labels)
    ]
    header = ax.text(
        1,
        -0.62,
        gettext(language, "Step conversion") if len(counts) > 1 else "",
        transform=ax.get_yaxis_transform(),
        ha="right",
        va="bottom",
        **theme.text_style(fontsize=theme.TICK_SIZE, color=theme.MUTED),
    )
    name_share = max(name.get_window_extent(renderer).width for name in names) / axes_px
    rate_share = header.get_window_extent(renderer).width / axes_px
    gap = 0.025
    bar_share = 1 - name_share - rate_share - 2 * gap
    widest = max(counts)
    span = widest / bar_share  # data units across the whole axes
    left = -widest / 2 - (name_share + gap) * span
    ax.set_xlim(left, left + span)

    ys = list(range(len(counts)))
    widths = [max(count, widest * 0.006) if count else 0 for count in counts]
    ax.barh(
        ys,
        widths,
        left=[-w / 2 for w in widths],
        height=_BAR,
        color=_shades(len(counts)),
        zorder=2,
    )
    for y in ys[1:]:  # the funnel's walls, from the bottom of one bar to the top of the next
        upper, lower = widths[y - 1] / 2, widths[y] / 2
        ax.fill(
            [-upper, upper, lower, -lower],
            [y - 1 + _BAR / 2, y - 1 + _BAR / 2, y - _BAR / 2, y - _BAR / 2],
            color=theme.FUNNEL_BOTTOM,
            alpha=0.14,
            linewidth=0,
            zorder=1,
        )
    for y, count, width in zip(ys, counts, widths, strict=True):
        inside = width >= widest * _INSIDE
        ax.text(
            0 if inside else width / 2 + widest * 0.015,
            y,
            _count(count, language),
            ha="center" if inside else "left",
            va="center",
            zorder=3,
            **theme.text_style(
                fontsize=11,
                fontweight="bold",
                color="#FFFFFF" if inside else theme.TEXT,
            ),
        )
    for y in ys[1:]:
        ax.text(
            1,
            y - 0.5,
            f"↓ {_rate(counts[y], counts[y - 1])}",
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            **theme.text_style(fontsize=theme.LABEL_SIZE, fontweight="bold", color=theme.MUTED),
        )

    # First stage on top; a short funnel keeps the bar thickness of a 5-stage one.
    ax.set_ylim(max(len(counts), _MIN_ROWS) - 0.5, -0.75)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_facecolor(theme.CARD)
    return fig


def funnel_png(data: Funnel) -> bytes:
    """The chart as PNG bytes, 1200 x 700 px; the title is also in the PNG's Title chunk."""
    return theme.to_png(funnel_figure(data), chart_title(data))


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
