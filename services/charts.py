"""Charts of real numbers: burn-ups of targets and funnels of deals, ready to upload."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from blocks.money import left_out_lines
from sales.activity import Activity, Window
from sales.metrics import METRICS
from sales.stages import OPEN_STAGES, STAGES, WON
from sales.workdays import WorkCalendar
from store.models import Target
from translations import ENGLISH, Language, gettext

log = logging.getLogger(__name__)
FUNNEL_WEEKS = 4
# Fewer charts than this are drawn right here; more (a weekly review for many teams) are
# drawn on every core, in worker processes.
POOLED_FROM = 12
# How many messages ahead `ChartBatches` keeps drawing: enough to keep every core busy.
CHART_BATCH = 16
# The key under which a scheduled message carries its charts (uploaded after it is posted).
CHARTS = "charts"


@dataclass(frozen=True)
class ChartFile:
    filename: str
    title: str
    png: bytes
    alt_text: str
    # Said beside the picture: what its totals left out for want of an exchange rate.
    note: str | None = None


@dataclass(frozen=True)
class ChartSpec:
    """A chart's numbers, ready to draw anywhere (they pickle, for a worker process)."""

    filename: str
    title: str
    data: Any  # charts.BurnUp or charts.Funnel
    note: str | None = None  # in the reader's language, shared with the picture


def burn_up_spec(
    activity: Activity,
    target: Target,
    owner_ids: list[int],
    local_now: datetime,
    calendar: WorkCalendar,
    *,
    who: str,
    started_on: date | None = None,
    language: Language = ENGLISH,
) -> ChartSpec:
    """Cumulative results on `target` so far against the target and the pro-rated path."""
    # matplotlib loads on the first chart drawn, not when the bot starts.
    from charts import burn_up_from

    metric = METRICS[target.metric]
    # "Rita revenue" / "Rita 销售额": lower case is English's way inside a phrase.
    label = gettext(language, metric.label)
    if language == ENGLISH:
        label = label.lower()
    today = local_now.date()
    last = min(today, target.period_end)
    since = datetime.combine(target.period_start, time(0), tzinfo=local_now.tzinfo)
    days = [
        target.period_start + timedelta(days=index)
        for index in range((last - target.period_start).days + 1)
    ]
    ends = [
        min(datetime.combine(day + timedelta(days=1), time(0), tzinfo=local_now.tzinfo), local_now)
        for day in days
    ]
    end = ends[-1] if ends else since
    # Cumulative totals day by day, by the same sums pacing uses, then the increments.
    totals = activity.achieved_by_day(
        target.metric, owner_ids, since, target.period_start, ends, target.currency
    )
    per_day: dict[date, Decimal] = {}
    previous = Decimal(0)
    for day, total in zip(days, totals, strict=True):
        per_day[day] = total - previous
        previous = total
    left_out = activity.money_left_out(
        target.metric, owner_ids, Window(since, end), (target.period_start, last), target.currency
    )
    note = "\n".join(left_out_lines(language, left_out, target.currency)) or None
    data = burn_up_from(
        per_day,
        target.period_start,
        target.period_end,
        today,
        target.amount,
        calendar,
        title=gettext(language, "{who} {metric}", who=who, metric=label),
        unit=(target.currency or "USD") if metric.is_money else label,
        period_label=target.period,
        started_on=started_on,
        language=language,
    )
    return ChartSpec(
        filename=f"burn-up-{target.metric}-{target.period}.png",
        title=gettext(
            language,
            "{who}: {metric} {period}",
            who=who,
            metric=gettext(language, metric.label),
            period=target.period,
        ),
        data=data,
        note=note,
    )


def funnel_spec(
    activity: Activity,
    owner_ids: list[int],
    local_now: datetime,
    *,
    who: str,
    language: Language = ENGLISH,
) -> ChartSpec:
    """Deals reaching each stage over the last four weeks."""
    from charts import Funnel

    today = local_now.date()
    start = datetime.combine(
        today - timedelta(weeks=FUNNEL_WEEKS), time(0), tzinfo=local_now.tzinfo
    )
    reached = activity.funnel(owner_ids, Window(start, local_now)).reached
    order = [stage.key for stage in OPEN_STAGES] + [WON.key]
    data = Funnel(
        title=gettext(language, "{who} funnel", who=who),
        period_label=gettext(language, "last {weeks} weeks", weeks=FUNNEL_WEEKS),
        stages=[(gettext(language, STAGES[key].label), reached.get(key, 0)) for key in order],
        language=language,
    )
    title = gettext(language, "{who}: funnel, last {weeks} weeks", who=who, weeks=FUNNEL_WEEKS)
    return ChartSpec(filename="funnel.png", title=title, data=data)


def draw(spec: ChartSpec) -> ChartFile:
    """The chart as a PNG with its alt text."""
    from charts import BurnUp, burn_up_alt_text, burn_up_png, funnel_alt_text, funnel_png

    if isinstance(spec.data, BurnUp):
        png, alt_text = burn_up_png(spec.data), burn_up_alt_text(spec.data)
    else:
        png, alt_text = funnel_png(spec.data), funnel_alt_text(spec.data)
    return ChartFile(
        filename=spec.filename, title=spec.title, png=png, alt_text=alt_text, note=spec.note
    )


def draw_all(specs: Sequence[ChartSpec]) -> list[ChartFile]:
    """Every chart, in order: on every core when there are many."""
    if len(specs) < POOLED_FROM or (os.cpu_count() or 1) < 2:
        return [draw(spec) for spec in specs]
    try:
        return list(_pool().map(draw, specs, chunksize=4))
    except BrokenProcessPool:
        # A worker died (killed, out of memory): draw here, and start afresh next time.
        log.exception("chart workers failed; drawing %d charts in this process", len(specs))
        _reset_pool()
        return [draw(spec) for spec in specs]


@dataclass
class _Drawing:
    """One message's charts: their numbers, and the workers' drawings of them (None:
    drawn here when taken)."""

    specs: list[ChartSpec]
    futures: list[Future[ChartFile]] | None = None


class ChartBatches:
    """Many messages' charts, drawn on every core while this process composes the messages
    before them: taking one message's charts sets the next `ahead` messages' drawing under
    way in worker processes, so the workers never wait for the composing, nor it for them
    but when they fall behind. Each message's are handed over once and let go, so a run
    holds a few messages' pictures, not every message's.

    `specs_of` gives a message's charts' numbers (asked for once, when its drawing starts);
    `orders` list the messages by key in the order they are likely asked for. Drawing ahead
    stays inside one order (e.g. the messages due now), never running into the next (those
    a run will not send)."""

    def __init__(
        self,
        specs_of: Callable[[str], Sequence[ChartSpec]],
        *orders: Sequence[str],
        ahead: int = CHART_BATCH,
    ) -> None:
        self._specs_of = specs_of
        self._ahead = ahead
        self._place: dict[str, tuple[list[str], int]] = {}
        for order in orders:
            keys = list(order)
            for index, key in enumerate(keys):
                self._place.setdefault(key, (keys, index))
        self._started: dict[str, _Drawing] = {}
        self._taken: set[str] = set()
        self._lock = threading.Lock()

    def take(self, key: str) -> list[ChartFile] | None:
        """`key`'s charts (waiting for them if need be), or None when they were not asked
        for or were already taken."""
        with self._lock:
            if key not in self._place or key in self._taken:
                return None
            keys, index = self._place[key]
            coming = [k for k in keys[index : index + self._ahead] if k not in self._taken]
            self._start([k for k in coming if k not in self._started])
            drawing = self._started.pop(key)
            self._taken.add(key)
        return _finish(drawing)

    def _start(self, keys: list[str]) -> None:
        if not keys:
            return
        found = {key: list(self._specs_of(key)) for key in keys}
        waiting = sum(len(drawing.specs) for drawing in self._started.values())
        charts = waiting + sum(len(specs) for specs in found.values())
        pooled = charts >= POOLED_FROM and (os.cpu_count() or 1) >= 2
        for key, specs in found.items():
            self._started[key] = _Drawing(specs, _submit(specs) if pooled else None)


def _submit(specs: list[ChartSpec]) -> list[Future[ChartFile]] | None:
    """The charts set drawing in the workers; None when the pool is broken (then drawn here)."""
    try:
        pool = _pool()
        return [pool.submit(draw, spec) for spec in specs]
    except BrokenProcessPool:
        log.exception("chart workers failed; drawing %d charts in this process", len(specs))
        _reset_pool()
        return None


def _finish(drawing: _Drawing) -> list[ChartFile]:
    if drawing.futures is None:
        return [draw(spec) for spec in drawing.specs]
    try:
        return [future.result() for future in drawing.futures]
    except (BrokenProcessPool, CancelledError):
        # A worker died (killed, out of memory): draw here, and start afresh next time.
        log.exception("chart workers failed; drawing %d charts in this process", len(drawing.specs))
        _reset_pool()
        return [draw(spec) for spec in drawing.specs]


def burn_up_chart(
    activity: Activity,
    target: Target,
    owner_ids: list[int],
    local_now: datetime,
    calendar: WorkCalendar,
    *,
    who: str,
    started_on: date | None = None,
    language: Language = ENGLISH,
) -> ChartFile:
    return draw(
        burn_up_spec(
            activity,
            target,
            owner_ids,
            local_now,
            calendar,
            who=who,
            started_on=started_on,
            language=language,
        )
    )


def funnel_chart(
    activity: Activity,
    owner_ids: list[int],
    local_now: datetime,
    *,
    who: str,
    language: Language = ENGLISH,
) -> ChartFile:
    return draw(funnel_spec(activity, owner_ids, local_now, who=who, language=language))


_pool_lock = threading.Lock()
_executor: Executor | None = None


def _pool() -> Executor:
    """One pool of chart workers per process, started on first use. Workers are spawned,
    not forked: the bot has threads (and database connections) a fork would copy."""
    global _executor
    with _pool_lock:
        if _executor is None:
            _executor = ProcessPoolExecutor(
                max_workers=os.cpu_count(), mp_context=multiprocessing.get_context("spawn")
            )
        return _executor


def _reset_pool() -> None:
    global _executor
    with _pool_lock:
        if _executor is not None:
            _executor.shutdown(wait=False, cancel_futures=True)
        _executor = None


def stop_workers() -> None:
    """Stop the chart workers, waiting for them to exit (a benchmark reads their CPU)."""
    global _executor
    with _pool_lock:
        if _executor is not None:
            _executor.shutdown(wait=True)
        _executor = None
