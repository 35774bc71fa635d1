"""Charts of real numbers: burn-ups of targets and funnels of deals, ready to upload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sales.activity import Activity, Window
from sales.metrics import METRICS
from sales.stages import OPEN_STAGES, STAGES, WON
from sales.workdays import WorkCalendar
from store.models import Target

FUNNEL_WEEKS = 4
# The key under which a scheduled message carries its charts (uploaded after it is posted).
CHARTS = "charts"


@dataclass(frozen=True)
class ChartFile:
    filename: str
    title: str
    png: bytes
    alt_text: str


def burn_up_chart(
    activity: Activity,
    target: Target,
    owner_ids: list[int],
    local_now: datetime,
    calendar: WorkCalendar,
    *,
    who: str,
    started_on: date | None = None,
) -> ChartFile:
    """Cumulative results on `target` so far against the target and the pro-rated path."""
    # matplotlib loads on the first chart drawn, not when the bot starts.
    from charts import burn_up_alt_text, burn_up_from, burn_up_png

    metric = METRICS[target.metric]
    today = local_now.date()
    last = min(today, target.period_end)
    since = datetime.combine(target.period_start, time(0), tzinfo=local_now.tzinfo)
    per_day: dict[date, Decimal] = {}
    previous = Decimal(0)
    day = target.period_start
    # Cumulative totals day by day, by the same sums pacing uses, then the increments.
    while day <= last:
        end = min(
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=local_now.tzinfo), local_now
        )
        total = activity.achieved(
            target.metric, owner_ids, Window(since, end), (target.period_start, day),
            target.currency,
        )  # fmt: skip
        per_day[day] = total - previous
        previous = total
        day += timedelta(days=1)
    data = burn_up_from(
        per_day,
        target.period_start,
        target.period_end,
        today,
        target.amount,
        calendar,
        title=f"{who} {metric.label.lower()}",
        unit=(target.currency or "USD") if metric.is_money else metric.label.lower(),
        period_label=target.period,
        started_on=started_on,
    )
    return ChartFile(
        filename=f"burn-up-{target.metric}-{target.period}.png",
        title=f"{who}: {metric.label} {target.period}",
        png=burn_up_png(data),
        alt_text=burn_up_alt_text(data),
    )


def funnel_chart(
    activity: Activity, owner_ids: list[int], local_now: datetime, *, who: str
) -> ChartFile:
    """Deals reaching each stage over the last four weeks."""
    from charts import Funnel, funnel_alt_text, funnel_png

    today = local_now.date()
    start = datetime.combine(
        today - timedelta(weeks=FUNNEL_WEEKS), time(0), tzinfo=local_now.tzinfo
    )
    reached = activity.funnel(owner_ids, Window(start, local_now)).reached
    order = [stage.key for stage in OPEN_STAGES] + [WON.key]
    data = Funnel(
        title=f"{who} funnel",
        period_label=f"last {FUNNEL_WEEKS} weeks",
        stages=[(STAGES[key].label, reached.get(key, 0)) for key in order],
    )
    return ChartFile(
        filename="funnel.png",
        title=f"{who}: funnel, last {FUNNEL_WEEKS} weeks",
        png=funnel_png(data),
        alt_text=funnel_alt_text(data),
    )
