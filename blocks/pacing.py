"""The morning pacing DM: each target's progress, yesterday's visits, today's follow-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from blocks.charts import chart_button
from blocks.common import (
    Block,
    Message,
    actions,
    button,
    context,
    day,
    escape,
    header,
    message,
    section,
)
from blocks.home import OPEN_VISIT_MODAL
from blocks.money import left_out_lines
from sales.metrics import METRICS
from sales.money import format_money
from sales.pacing import Pace, progress_bar
from store.models import Visit
from translations import ENGLISH, Language, gettext

MY_DEALS = "my_deals"
MAX_LISTED = 10


@dataclass(frozen=True)
class TargetPace:
    metric: str
    period: str
    currency: str | None
    pace: Pace
    # Money in other currencies with no rate on its day: not in `pace`, said beside it.
    left_out: dict[str, Decimal] = field(default_factory=dict)


def amount_text(metric: str, currency: str | None, value: Decimal) -> str:
    if METRICS[metric].is_money:
        return format_money(value, currency or "USD")
    return f"{value:,.0f}"


def pace_line(row: TargetPace, language: Language = ENGLISH) -> str:
    """Two lines on one target: where things stand, and what today asks for (and what money
    it could not count)."""
    lines = [_pace_lines(row), *left_out_lines(language, row.left_out, row.currency)]
    return "\n".join(lines)


def _pace_lines(row: TargetPace) -> str:
    pace = row.pace
    show = partial(amount_text, row.metric, row.currency)
    label = METRICS[row.metric].label
    first = (
        f"*{label}* · {row.period} · {pace.status.emoji} {pace.status.label}\n"
        f"`{progress_bar(pace.fraction_done)}` {show(pace.achieved)} of {show(pace.target)} "
        f"({pace.fraction_done:.0%})"
    )
    if pace.remaining == 0:
        return first
    if pace.gap > 0:
        behind = f"gap {show(pace.gap)}"
    elif pace.gap < 0:
        behind = f"{show(-pace.gap)} ahead"
    else:  # never "0 ahead" beside a status
        behind = gettext(ENGLISH, "right on pace")
    per_day = (
        f"need {show(pace.needed_per_day)} per working day ({pace.days_left} left)"
        if pace.days_left
        else "the period is over"
    )
    return f"{first}\nBy today: {show(pace.expected)} · {behind} · {per_day}"


def pacing_message(
    today: date,
    rows: list[TargetPace],
    last_day: date,
    last_day_visits: list[Visit],
    follow_ups: list[Visit],
) -> Message:
    blocks: list[Block] = [header(f"Your pacing for {day(today)}")]
    if rows:
        blocks += [section(pace_line(row)) for row in rows[:20]]
    else:
        blocks.append(
            section("No targets set for you this period. Your manager sets them with `/target`.")
        )
    visits_text = "\n".join(
        f"• *{escape(visit.customer.name)}*: {escape(visit.notes)[:150]}"
        for visit in last_day_visits[:MAX_LISTED]
    )
    blocks.append(
        section(
            f"*Visits on {day(last_day)}* ({len(last_day_visits)})\n{visits_text}"
            if last_day_visits
            else f"*Visits on {day(last_day)}*: none logged."
        )
    )
    if follow_ups:
        lines = "\n".join(
            f"• *{escape(visit.customer.name)}*: {escape(visit.next_step or '')[:150]}"
            for visit in follow_ups[:MAX_LISTED]
        )
        blocks.append(section(f"*Follow-ups due today* ({len(follow_ups)})\n{lines}"))
    blocks.append(
        actions(
            "pacing_actions",
            button("Log a visit", OPEN_VISIT_MODAL, "pacing", style="primary"),
            button("My deals", MY_DEALS, "pacing"),
            chart_button("pacing"),
        )
    )
    blocks.append(
        context("Sent each working morning. Targets are set by your manager with `/target`.")
    )
    summary = ", ".join(f"{METRICS[r.metric].label} {r.pace.status.label.lower()}" for r in rows)
    return message(f"Your pacing for {day(today)}: {summary or 'no targets'}", blocks)
