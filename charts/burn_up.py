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
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
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
    """The chart as a matplotlib Figure (on an Agg canvas of its own), for tests or further
    drawing."""
    if _is_empty(data):
        return theme.EmptyCard().draw(*_empty_parts(data))
    return _BurnUpCard().draw(data)


def burn_up_png(data: BurnUp) -> bytes:
    """The chart as PNG bytes, 1200 x 700 px; the title is also in the PNG's Title chunk."""
    if _is_empty(data):
        return theme.empty_png(*_empty_parts(data))
    with _CARDS.card() as card:
        card.draw(data)
        return card.png(chart_title(data))


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


def _empty_parts(data: BurnUp) -> tuple[str, str, str, str]:
    """Title, period, subtitle and message of a burn-up with nothing to show."""
    name, period = _title_parts(data)
    subtitle = date_range(data.days[0], data.days[-1], data.language) if data.days else ""
    return name, period, subtitle, gettext(data.language, theme.NO_DATA)


# ---------------------------------------------------------------------- the picture

_PATH_STYLE: dict[str, Any] = {"color": theme.PATH, "linewidth": 1.6, "linestyle": (0, (5, 3))}
_ACTUAL_STYLE: dict[str, Any] = {"color": theme.ACTUAL, "linewidth": 2.4}
_TARGET_STYLE: dict[str, Any] = {"color": theme.TARGET, "linewidth": 1.6}
_LABEL_BOX = {"boxstyle": "round,pad=0.2", "facecolor": theme.PLOT, "edgecolor": "none"}
# Pixels from the legend's top to the plot area: the date labels, "Date" and a gap.
_BELOW_PLOT = 92
# Pixels from the card's edge to the y tick labels ("Cumulative total (...)", rotated, and
# the gaps either side of it), and from the labels to the plot area (the ticks).
_LEFT_OF_TICKS = theme.MARGIN + 30
_TICKS_TO_PLOT = 14
_RIGHT_MARGIN = 36  # half the last date label sticks out past the plot area


class _BurnUpCard(theme.Card):
    """A burn-up's figure with every artist it may show, made once and updated per chart."""

    def __init__(self) -> None:
        super().__init__()
        ax = self.ax
        # What the tick formatters read; set by `draw`.
        self.days: list[date] = []
        self.language: Language = ENGLISH
        self.unit = theme.unit_of("$")
        # In drawing order within each zorder, as a chart made from scratch would add them.
        self.bands = PolyCollection(
            [], facecolors=theme.FAINT, edgecolors="none", linewidths=0, zorder=0
        )
        self.bands.set_transform(ax.get_xaxis_transform())
        ax.add_collection(self.bands, autolim=False)
        (self.path,) = ax.plot([], [], **_PATH_STYLE)
        self.target = ax.axhline(0, **_TARGET_STYLE)
        self.target_label = ax.annotate(
            "",
            xy=(1, 0),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 4),
            textcoords="offset points",
            ha="right",
            va="bottom",
            zorder=4,
            bbox=_LABEL_BOX,
            **theme.text_style(
                fontsize=theme.LABEL_SIZE, fontweight="bold", color=theme.TARGET_TEXT
            ),
        )
        self.fill = ax.fill_between([], [], 0, color=theme.ACTUAL, alpha=0.13, linewidth=0)
        (self.actual,) = ax.plot([], [], solid_capstyle="round", **_ACTUAL_STYLE)
        (self.dot,) = ax.plot([], [], marker="o", markersize=6, color=theme.ACTUAL, zorder=5)
        (self.dot_centre,) = ax.plot([], [], marker="o", markersize=2.5, color=theme.PLOT, zorder=6)
        self.latest_label = ax.annotate(
            "",
            xy=(0, 0),
            xytext=(8, 8),
            textcoords="offset points",
            zorder=7,
            bbox={**_LABEL_BOX, "boxstyle": "round,pad=0.25"},
            **theme.text_style(fontsize=theme.LABEL_SIZE, fontweight="bold", color=theme.ACTUAL),
        )
        self.today = ax.axvline(
            0, color=theme.TODAY, linewidth=1.0, linestyle=(0, (2, 2)), zorder=1
        )
        self.today_label = ax.annotate(
            "",
            xy=(0, 1),
            xycoords=("data", "axes fraction"),
            xytext=(0, -2),
            textcoords="offset points",
            ha="center",
            va="top",
            bbox=_LABEL_BOX,
            **theme.text_style(fontsize=theme.TICK_SIZE, color=theme.MUTED),
        )
        self.y_ticks = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=True)
        self.x_ticks = FixedLocator([])
        ax.yaxis.set_major_locator(self.y_ticks)
        ax.yaxis.set_major_formatter(FuncFormatter(self._y_label))
        ax.xaxis.set_major_locator(self.x_ticks)
        ax.xaxis.set_major_formatter(FuncFormatter(self._x_label))
        label = theme.text_style(fontsize=theme.LABEL_SIZE, color=theme.MUTED)
        ax.xaxis.label.update(label)
        ax.yaxis.label.update(label)
        self.legends: dict[tuple[int, int], Legend] = {}

    def _y_label(self, value: float, _position: int | None) -> str:
        # Ticks are drawn with mathtext parsing on; escaping "$" keeps "$20k" literal.
        return self.unit(value).replace("$", r"\$")

    def _x_label(self, value: float, _position: int | None) -> str:
        index = round(value)
        return _day(self.days[index], self.language) if 0 <= index < len(self.days) else ""

    def draw(self, data: BurnUp) -> Figure:
        language = data.language
        unit = theme.unit_of(data.unit, language)
        self.days, self.language, self.unit = data.days, language, unit
        n = len(data.days)
        xs = list(range(n))
        actual = [_number(value) for value in data.actual]
        expected = [_number(value) for value in data.expected]
        target = _number(data.target)
        today = data.today_index
        done = [(i, value) for i, value in enumerate(actual) if math.isfinite(value)]
        last_actual = done[-1][1] if done else math.nan

        self._shade_non_working(data)
        self.path.set_data(xs, expected)
        self._target(target, unit)
        self._actual(xs, actual, done, expected, n)
        self._today(today, language)
        self._limits(data, [*actual, *expected, target])

        path_now = expected[today] if today is not None else math.nan
        labels = [
            gettext(language, "Actual ({amount})", amount=unit(last_actual))
            if done
            else gettext(language, "Actual (none yet)"),
            gettext(language, "Pro-rated path ({amount} by today)", amount=unit(path_now))
            if math.isfinite(path_now)
            else gettext(language, "Pro-rated path"),
            gettext(language, "Target ({amount})", amount=unit(target)),
        ]
        if data.non_working:
            labels.append(gettext(language, "Non-working day"))
        legend_top = self._legend(labels)

        left = _LEFT_OF_TICKS + self._widest_y_label() + _TICKS_TO_PLOT
        bottom = legend_top + _BELOW_PLOT
        self.place(left, bottom, _RIGHT_MARGIN, theme.TOP_MARGIN)
        name, period = _title_parts(data)
        width = self.figure.bbox.width
        # The title starts where the plot area does: wide tick labels leave it less room.
        room = min(width * theme.TITLE_ROOM, width - left - theme.MARGIN)
        self.set_titles(name, period, _subtitle(data, unit, actual, expected, target), room)
        self.ax.set_xlabel(gettext(language, "Date"))
        self.ax.set_ylabel(
            gettext(language, "Cumulative total ({unit})", unit=unit.code)
            if unit.is_money
            else gettext(language, "Cumulative {unit}", unit=unit.word)
        )
        return self.figure

    def _shade_non_working(self, data: BurnUp) -> None:
        spans: list[list[tuple[float, float]]] = []
        start: int | None = None
        for i, day in enumerate([*data.days, None]):
            off = day is not None and day in data.non_working
            if off and start is None:
                start = i
            elif not off and start is not None:
                low, high = start - 0.5, i - 0.5
                spans.append([(low, 0), (low, 1), (high, 1), (high, 0)])
                start = None
        self.bands.set_verts(spans)

    def _target(self, target: float, unit: theme.Unit) -> None:
        shown = math.isfinite(target)
        self.target.set_visible(shown)
        if not shown:
            theme.hide(self.target_label)
            return
        self.target.set_ydata([target, target])
        self.target_label.xy = (1, target)
        theme.show(
            self.target_label,
            gettext(self.language, "Target {amount}", amount=unit.with_word(target)),
        )

    def _actual(
        self,
        xs: list[int],
        actual: list[float],
        done: list[tuple[int, float]],
        expected: list[float],
        n: int,
    ) -> None:
        for artist in (self.fill, self.actual, self.dot, self.dot_centre):
            artist.set_visible(bool(done))
        if not done:
            theme.hide(self.latest_label)
            return
        self.fill.set_data(xs, actual, 0)
        self.actual.set_data(xs, actual)
        # A dot on the latest actual value and its amount, placed away from the dashed path.
        index, value = done[-1]
        path = expected[index]
        self.dot.set_data([index], [value])
        self.dot_centre.set_data([index], [value])
        right_side = index < 0.8 * (n - 1)
        below = math.isfinite(path) and value < path
        label = self.latest_label
        label.xy = (index, value)
        label.xyann = (8 if right_side else -8, -8 if below else 8)
        label.set_horizontalalignment("left" if right_side else "right")
        label.set_verticalalignment("top" if below else "bottom")
        theme.show(label, self.unit(value))

    def _today(self, index: int | None, language: Language) -> None:
        self.today.set_visible(index is not None)
        if index is None:
            theme.hide(self.today_label)
            return
        self.today.set_xdata([index, index])
        self.today_label.xy = (index, 1)
        theme.show(self.today_label, gettext(language, "Today"))

    def _limits(self, data: BurnUp, values: list[float]) -> None:
        shown = theme.finite(values)
        top = max([*shown, 0.0])
        bottom = min([*shown, 0.0])
        if top <= bottom:
            top = bottom + 1
        self.ax.set_ylim(
            bottom - (top - bottom) * 0.02 if bottom < 0 else 0, top + (top - bottom) * 0.14
        )
        self.ax.set_xlim(-0.5, len(data.days) - 0.5)
        self.x_ticks.locs = _date_ticks(data.days)

    def _widest_y_label(self) -> float:
        low, high = sorted(self.ax.get_ylim())
        values = [v for v in self.y_ticks.tick_values(low, high) if low <= v <= high]
        return max((self.tick_width(self.unit(value)) for value in values), default=0.0)

    def _legend(self, labels: list[str]) -> float:
        """Shows the legend for `labels`, on one row if it fits the picture, else in two
        columns (the figure's only legend); returns where its top is, in pixels."""
        for columns in (len(labels), 2):
            legend = self._legend_for(len(labels), columns)
            for text, label in zip(legend.get_texts(), labels, strict=True):
                text.set_text(label)
            extent = legend.get_window_extent(self.renderer)
            if extent.width <= self.figure.bbox.width * 0.96:
                break
        self.figure.legends[:] = [legend]
        return float(extent.y1)

    def _legend_for(self, entries: int, columns: int) -> Legend:
        key = (entries, columns)
        if key not in self.legends:
            handles: list[Artist] = [
                Line2D([], [], **_ACTUAL_STYLE),
                Line2D([], [], **_PATH_STYLE),
                Line2D([], [], **_TARGET_STYLE),
                Patch(facecolor=theme.FAINT, edgecolor=theme.BORDER, linewidth=0.6),
            ][:entries]
            legend = Legend(
                self.figure,
                handles,
                [""] * entries,
                loc="lower center",
                bbox_to_anchor=(0.5, 0),
                bbox_transform=self.figure.transFigure,
                ncols=columns,
                frameon=False,
                handlelength=2.2,
                columnspacing=1.6,
                prop={"family": list(theme.font_families()), "size": theme.LABEL_SIZE},
                labelcolor=theme.TEXT,
            )
            for text in legend.get_texts():
                text.set_parse_math(False)
            self.legends[key] = legend
        return self.legends[key]


_CARDS = theme.Pool(_BurnUpCard)
