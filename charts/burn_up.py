"""Burn-up chart: cumulative results against the target and the pro-rated path to it."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

from babel.dates import format_date
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from charts import theme
from sales.workdays import WorkCalendar
from translations import ENGLISH, FORMAT_LOCALES, Language, gettext

WorkingDays = Callable[[date, date], int] | WorkCalendar

_CENTS = Decimal("0.01")
_ZERO = Decimal("0.00")
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BurnUp:
    """What a burn-up chart shows; `days`, `actual` and `expected` line up index by index."""

    title: str  # "Team East — revenue"
    period_label: str  # "2026-11", "2026-Q4"
    unit: str  # "$" or "USD"/"CHF" (money), or a word such as "visits" (counts)
    days: list[date]  # every calendar day of the period
    actual: list[Decimal | None]  # cumulative actual per day up to today, None after today
    target: Decimal
    expected: list[Decimal]  # pro-rated path per day, flat on non-working days
    # The "today" marker; by default the last day with an actual value. A day outside the
    # period (a finished period looked at later) draws no marker.
    today: date | None = None
    non_working: frozenset[date] = field(default_factory=frozenset)  # shaded when given
    language: Language = ENGLISH  # of every word and date drawn

    def __post_init__(self) -> None:
        if not (len(self.days) == len(self.actual) == len(self.expected)):
            raise ValueError(
                f"days, actual and expected must line up: {len(self.days)} days, "
                f"{len(self.actual)} actual, {len(self.expected)} expected values"
            )

    @property
    def today_index(self) -> int | None:
        """Where the "today" marker goes, if anywhere: `today` when set (no marker when it is
        outside the period), otherwise the last day with an actual value."""
        if self.today is not None:
            return self.days.index(self.today) if self.today in self.days else None
        return self.latest_index

    @property
    def latest_index(self) -> int | None:
        """The last day with an actual value."""
        known = [i for i, value in enumerate(self.actual) if value is not None]
        return known[-1] if known else None


def burn_up_from(
    days_achieved: Mapping[date, Decimal],
    period_start: date,
    period_end: date,
    today: date,
    target: Decimal,
    working_days: WorkingDays,
    *,
    title: str,
    unit: str,
    period_label: str | None = None,
    started_on: date | None = None,
    language: Language = ENGLISH,
) -> BurnUp:
    """A `BurnUp` from what was achieved on each day, pro-rated exactly as pacing does.

    `working_days` is a `WorkCalendar` or any `count(start, end)` of working days, both
    included. The pro-rated value at the end of a day is target x working days elapsed /
    working days in the window (rounded to cents), the window starting at `started_on` for
    someone who joined mid-period; that is `sales.pacing.pace(...).expected` for that day.
    Amounts dated outside the period are ignored.
    """
    if period_end < period_start:
        raise ValueError(f"the period ends ({period_end}) before it starts ({period_start})")
    count = working_days.count if isinstance(working_days, WorkCalendar) else working_days
    days = [period_start + timedelta(days=n) for n in range((period_end - period_start).days + 1)]
    window_start = max(period_start, started_on or period_start)
    in_window = count(window_start, period_end) if window_start <= period_end else 0

    expected: list[Decimal] = []
    with localcontext(_CONTEXT):
        target_cents = target.quantize(_CENTS) + _ZERO
        for day in days:
            joined_late = started_on is not None and started_on > period_start
            if day < window_start or (
                joined_late and day <= period_end and _history(count, window_start, day) < 1
            ):
                # As pacing: nothing is expected before a whole working day on the team.
                expected.append(_ZERO)
            elif in_window == 0:
                expected.append(target_cents)  # nothing to spread it over
            else:
                elapsed = count(window_start, day)
                expected.append((target_cents * elapsed / in_window).quantize(_CENTS) + _ZERO)

    actual: list[Decimal | None] = []
    total = Decimal(0)
    for day in days:
        total += days_achieved.get(day, Decimal(0))
        actual.append(total if day <= today else None)

    return BurnUp(
        title=title,
        period_label=period_label or date_range(period_start, period_end, language),
        unit=unit,
        days=days,
        actual=actual,
        target=target,
        expected=expected,
        today=today,
        non_working=frozenset(day for day in days if count(day, day) == 0),
        language=language,
    )


def _history(count: Callable[[date, date], int], since: date, day: date) -> int:
    return count(since, day - timedelta(days=1)) if day > since else 0


def burn_up_figure(data: BurnUp) -> Figure:
    """The chart as a matplotlib Figure (on an Agg canvas), for tests or further drawing."""
    fig, _canvas = theme.new_figure()
    ax = theme.style_axes(fig)
    unit = theme.unit_of(data.unit, data.language)
    language = data.language
    name, period = _title_parts(data)
    if _is_empty(data):
        subtitle = date_range(data.days[0], data.days[-1], language) if data.days else ""
        theme.set_titles(ax, name, period, subtitle)
        theme.no_data(ax, gettext(language, theme.NO_DATA))
        return fig

    n = len(data.days)
    xs = list(range(n))
    actual = [_number(value) for value in data.actual]
    expected = [_number(value) for value in data.expected]
    target = _number(data.target)
    today = data.today_index
    done = [(i, value) for i, value in enumerate(actual) if math.isfinite(value)]
    last_actual = done[-1][1] if done else math.nan

    theme.set_titles(ax, name, period, _subtitle(data, unit, actual, expected, target))
    _shade_non_working(ax, data)

    path_now = expected[today] if today is not None else math.nan
    path_label = (
        gettext(language, "Pro-rated path ({amount} by today)", amount=unit(path_now))
        if math.isfinite(path_now)
        else gettext(language, "Pro-rated path")
    )
    ax.plot(xs, expected, color=theme.PATH, linewidth=1.6, linestyle=(0, (5, 3)))
    if math.isfinite(target):
        ax.axhline(target, color=theme.TARGET, linewidth=1.6)
        ax.annotate(
            gettext(language, "Target {amount}", amount=unit.with_word(target)),
            xy=(1, target),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 4),
            textcoords="offset points",
            ha="right",
            va="bottom",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": theme.PLOT, "edgecolor": "none"},
            **theme.text_style(
                fontsize=theme.LABEL_SIZE, fontweight="bold", color=theme.TARGET_TEXT
            ),
        )
    if done:
        ax.fill_between(xs, actual, 0, color=theme.ACTUAL, alpha=0.13, linewidth=0)
        ax.plot(xs, actual, color=theme.ACTUAL, linewidth=2.4, solid_capstyle="round")
        _label_latest(ax, unit, done[-1], expected[done[-1][0]], n)
    if today is not None:
        _today_marker(ax, today, language)

    _axes(ax, data, unit, [*actual, *expected, target])
    handles: list[Artist] = [
        Line2D([], [], color=theme.ACTUAL, linewidth=2.4),
        Line2D([], [], color=theme.PATH, linewidth=1.6, linestyle=(0, (5, 3))),
        Line2D([], [], color=theme.TARGET, linewidth=1.6),
    ]
    labels = [
        gettext(language, "Actual ({amount})", amount=unit(last_actual))
        if done
        else gettext(language, "Actual (none yet)"),
        path_label,
        gettext(language, "Target ({amount})", amount=unit(target)),
    ]
    if data.non_working:
        handles.append(Patch(facecolor=theme.FAINT, edgecolor=theme.BORDER, linewidth=0.6))
        labels.append(gettext(language, "Non-working day"))
    _legend(fig, handles, labels)
    return fig


def burn_up_png(data: BurnUp) -> bytes:
    """The chart as PNG bytes, 1200 x 700 px; the title is also in the PNG's Title chunk."""
    return theme.to_png(burn_up_figure(data), chart_title(data))


def chart_title(data: BurnUp) -> str:
    """The chart's title, "<title> — <period>" (a very long title is shortened on the
    picture itself, never the period)."""
    return theme.join_title(*_title_parts(data))


def _title_parts(data: BurnUp) -> tuple[str, str]:
    name = theme.clean(data.title, 100) or gettext(data.language, "Burn-up")
    return name, theme.clean(data.period_label, 40)


def alt_text(data: BurnUp) -> str:
    """A one-sentence description for screen readers (Slack's `alt_txt`)."""
    unit = theme.unit_of(data.unit, data.language)
    language = data.language
    text = gettext(language, "Burn-up chart: {title}.", title=chart_title(data))
    index = data.today_index
    known = [value for value in data.actual if value is not None]
    if known:
        actual = unit.with_word(_number(known[-1]))
        if index is not None:
            text += " " + gettext(
                language,
                "Actual {actual}, pro-rated path {path} by today.",
                actual=actual,
                path=unit.with_word(_number(data.expected[index])),
            )
        else:
            text += " " + gettext(language, "Actual {actual}.", actual=actual)
    target = unit.with_word(_number(data.target))
    return text + " " + gettext(language, "Target {amount}.", amount=target)


def date_range(start: date, end: date, language: Language = ENGLISH) -> str:
    """`Nov 1 - 30, 2026`, `Oct 1 - Dec 31, 2026`, `Dec 15, 2026 - Jan 14, 2027` (with an
    en dash); in Chinese `2026年11月1日 - 30日`, `2026年10月1日 - 12月31日`."""
    if language != ENGLISH:
        return _chinese_range(start, end)
    if start.year != end.year:
        return f"{_day(start)}, {start.year} {theme.EN_DASH} {_day(end)}, {end.year}"
    if start.month == end.month:
        return f"{_day(start)} {theme.EN_DASH} {end.day}, {end.year}"
    return f"{_day(start)} {theme.EN_DASH} {_day(end)}, {end.year}"


# ---------------------------------------------------------------------- drawing helpers


def _is_empty(data: BurnUp) -> bool:
    if not data.days:
        return True
    values = [data.target, *data.expected, *(v for v in data.actual if v is not None)]
    return all(not value.is_finite() or value == 0 for value in values)


def _number(value: Decimal | None) -> float:
    if value is None or not value.is_finite():
        return math.nan
    return float(value)


def _chinese_range(start: date, end: date) -> str:
    first = f"{start.year}年{start.month}月{start.day}日"
    if start.year != end.year:
        last = f"{end.year}年{end.month}月{end.day}日"
    elif start.month != end.month:
        last = f"{end.month}月{end.day}日"
    else:
        last = f"{end.day}日"
    return f"{first} {theme.EN_DASH} {last}"


def _day(day: date, language: Language = ENGLISH) -> str:
    """`Nov 18`; `11月18日`."""
    if language != ENGLISH:
        return f"{day.month}月{day.day}日"
    return f"{day:%b} {day.day}"


def _subtitle(
    data: BurnUp, unit: theme.Unit, actual: list[float], expected: list[float], target: float
) -> str:
    """`Nov 1 - 30, 2026 · as of Wed, Nov 18 · 41% of target · $26.4k behind pace`."""
    language = data.language
    parts = [date_range(data.days[0], data.days[-1], language)]
    index = data.today_index
    if index is None:
        index = data.latest_index
        if index is None:
            return parts[0]
        if index == len(data.days) - 1:
            parts.append(gettext(language, "final"))
    if len(parts) == 1:
        day = data.days[index]
        weekday = format_date(day, "EEE", locale=FORMAT_LOCALES[language])
        parts.append(
            gettext(language, "as of {weekday}, {day}", weekday=weekday, day=_day(day, language))
        )
    now, path = actual[index], expected[index]
    if math.isfinite(now):
        if target > 0:
            parts.append(gettext(language, "{percent} of target", percent=f"{now / target:.0%}"))
        gap = now - path
        if math.isfinite(gap) and path > 0:
            if abs(gap) < 0.005 * max(abs(path), 1):
                parts.append(gettext(language, "on pace"))
            elif gap > 0:
                amount = unit.with_word(abs(gap))
                parts.append(gettext(language, "{amount} ahead of pace", amount=amount))
            else:
                amount = unit.with_word(abs(gap))
                parts.append(gettext(language, "{amount} behind pace", amount=amount))
    return "  ·  ".join(parts)


def _shade_non_working(ax: Any, data: BurnUp) -> None:
    start: int | None = None
    for i, day in enumerate([*data.days, None]):
        off = day is not None and day in data.non_working
        if off and start is None:
            start = i
        elif not off and start is not None:
            ax.axvspan(start - 0.5, i - 0.5, color=theme.FAINT, linewidth=0, zorder=0)
            start = None


def _label_latest(ax: Any, unit: theme.Unit, point: tuple[int, float], path: float, n: int) -> None:
    """A dot on the latest actual value and its amount, placed away from the dashed path."""
    index, value = point
    ax.plot([index], [value], marker="o", markersize=6, color=theme.ACTUAL, zorder=5)
    ax.plot([index], [value], marker="o", markersize=2.5, color=theme.PLOT, zorder=6)
    right_side = index < 0.8 * (n - 1)
    below = math.isfinite(path) and value < path
    ax.annotate(
        unit(value),
        xy=(index, value),
        xytext=(8 if right_side else -8, -8 if below else 8),
        textcoords="offset points",
        ha="left" if right_side else "right",
        va="top" if below else "bottom",
        zorder=7,
        bbox={"boxstyle": "round,pad=0.25", "facecolor": theme.PLOT, "edgecolor": "none"},
        **theme.text_style(fontsize=theme.LABEL_SIZE, fontweight="bold", color=theme.ACTUAL),
    )


def _today_marker(ax: Any, index: int, language: Language) -> None:
    ax.axvline(index, color=theme.TODAY, linewidth=1.0, linestyle=(0, (2, 2)), zorder=1)
    ax.annotate(
        gettext(language, "Today"),
        xy=(index, 1),
        xycoords=("data", "axes fraction"),
        xytext=(0, -2),
        textcoords="offset points",
        ha="center",
        va="top",
        bbox={"boxstyle": "round,pad=0.2", "facecolor": theme.PLOT, "edgecolor": "none"},
        **theme.text_style(fontsize=theme.TICK_SIZE, color=theme.MUTED),
    )


def _axes(ax: Any, data: BurnUp, unit: theme.Unit, values: list[float]) -> None:
    shown = theme.finite(values)
    top = max([*shown, 0.0])
    bottom = min([*shown, 0.0])
    if top <= bottom:
        top = bottom + 1
    ax.set_ylim(bottom - (top - bottom) * 0.02 if bottom < 0 else 0, top + (top - bottom) * 0.14)
    ax.set_xlim(-0.5, len(data.days) - 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=True))
    # Ticks are drawn with mathtext parsing on; escaping "$" keeps "$20k" literal.
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: unit(value).replace("$", r"\$")))
    ticks = _date_ticks(data.days)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(
        FuncFormatter(
            lambda value, _pos: (
                _day(data.days[round(value)], data.language)
                if 0 <= round(value) < len(data.days)
                else ""
            )
        )
    )
    label = theme.text_style(fontsize=theme.LABEL_SIZE, color=theme.MUTED)
    language = data.language
    ax.set_xlabel(gettext(language, "Date"), **label)
    ax.set_ylabel(
        gettext(language, "Cumulative total ({unit})", unit=unit.code)
        if unit.is_money
        else gettext(language, "Cumulative {unit}", unit=unit.word),
        **label,
    )


def _date_ticks(days: Sequence[date]) -> list[int]:
    """At most 10 ticks on natural dates: every day, Mondays, 1st and 15th, 1st, quarters."""
    rules: tuple[Callable[[date], bool], ...] = (
        lambda day: True,
        lambda day: day.weekday() == 0,
        lambda day: day.day in (1, 15),
        lambda day: day.day == 1,
        lambda day: day.day == 1 and day.month in (1, 4, 7, 10),
        lambda day: day.day == 1 and day.month == 1,
    )
    for rule in rules:
        ticks = [i for i, day in enumerate(days) if rule(day)]
        if 1 <= len(ticks) <= 10:
            return ticks
    step = max(1, math.ceil(len(days) / 8))
    return list(range(0, len(days), step))


def _legend(
    fig: Figure, handles: list[Artist], labels: list[str], columns: int | None = None
) -> None:
    legend = fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=columns or len(handles),
        frameon=False,
        handlelength=2.2,
        columnspacing=1.6,
        prop={"family": list(theme.font_families()), "size": theme.LABEL_SIZE},
        labelcolor=theme.TEXT,
    )
    for text in legend.get_texts():
        text.set_parse_math(False)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    if columns is None and legend.get_window_extent(renderer).width > fig.bbox.width * 0.96:
        legend.remove()
        _legend(fig, handles, labels, columns=2)
