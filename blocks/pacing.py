"""The morning pacing DM: each target's progress, yesterday's visits, today's follow-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from babel.numbers import format_percent

from blocks.charts import chart_button
from blocks.common import (
    Block,
    Message,
    actions,
    button,
    context,
    escape,
    header,
    message,
    section,
)
from blocks.forecast import Forecast, forecast_blocks
from blocks.home import OPEN_VISIT_MODAL
from blocks.money import left_out_lines
from sales.metrics import METRICS
from sales.pacing import Pace, Status, progress_bar
from store.follow_ups import FollowUp
from store.metrics import LoggedVisit
from translations import FORMAT_LOCALES, Language, gettext
from translations.formats import format_money, format_number

MY_DEALS = "my_deals"
MAX_LISTED = 10
WHOLE = Decimal(1)


@dataclass(frozen=True)
class TargetPace:
    metric: str
    period: str
    currency: str | None
    pace: Pace
    # Money in other currencies with no rate on its day: not in `pace`, said beside it.
    left_out: dict[str, Decimal] = field(default_factory=dict)


def amount_text(language: Language, metric: str, currency: str | None, value: Decimal) -> str:
    if METRICS[metric].is_money:
        return format_money(language, value, currency or "USD")
    return format_number(language, value.quantize(WHOLE))


def metric_label(language: Language, metric: str) -> str:
    return gettext(language, METRICS[metric].label)


def status_text(language: Language, status: Status) -> str:
    """`:rocket: Ahead`: the pace's emoji and its name in the reader's language."""
    return f"{status.emoji} {gettext(language, status.label)}"


def pace_line(language: Language, row: TargetPace) -> str:
    """Two lines on one target: where things stand, and what today asks for (and what money
    it could not count)."""
    lines = [_pace_lines(language, row), *left_out_lines(language, row.left_out, row.currency)]
    return "\n".join(lines)


def _pace_lines(language: Language, row: TargetPace) -> str:
    pace = row.pace
    show = partial(amount_text, language, row.metric, row.currency)
    first = gettext(
        language,
        "*{metric}* · {period} · {status}\n`{bar}` {achieved} of {target} ({percent})",
        metric=metric_label(language, row.metric),
        period=row.period,
        status=status_text(language, pace.status),
        bar=progress_bar(pace.fraction_done),
        achieved=show(pace.achieved),
        target=show(pace.target),
        percent=format_percent(pace.fraction_done, locale=FORMAT_LOCALES[language]),
    )
    if pace.remaining == 0:
        return first
    if pace.gap > 0:
        behind = gettext(language, "gap {amount}", amount=show(pace.gap))
    elif pace.gap < 0:
        behind = gettext(language, "{amount} ahead", amount=show(-pace.gap))
    else:  # never "0 ahead" beside a status
        behind = gettext(language, "right on pace")
    per_day = (
        gettext(
            language,
            "need {amount} per working day ({days} left)",
            amount=show(pace.needed_per_day),
            days=pace.days_left,
        )
        if pace.days_left
        else gettext(language, "the period is over")
    )
    by_today = gettext(
        language,
        "By today: {expected} · {behind} · {per_day}",
        expected=show(pace.expected),
        behind=behind,
        per_day=per_day,
    )
    return f"{first}\n{by_today}"


def pacing_message(
    language: Language,
    today: date,
    rows: list[TargetPace],
    last_day: date,
    last_day_visits: list[LoggedVisit],
    follow_ups: list[FollowUp],
    forecasts: list[Forecast] | None = None,
) -> Message:
    # L10N: header, at most 150 characters
    blocks: list[Block] = [header(gettext(language, "Your pacing for {day}", day=today))]
    if rows:
        blocks += [section(pace_line(language, row)) for row in rows[:20]]
    else:
        blocks.append(
            section(
                gettext(
                    language,
                    "No targets set for you this period. Your manager sets them with `/target`.",
                )
            )
        )
    blocks += forecast_blocks(language, forecasts or [])
    visits_text = "\n".join(
        f"• *{escape(visit.customer_name)}*: {escape(visit.notes)[:150]}"
        for visit in last_day_visits[:MAX_LISTED]
    )
    blocks.append(
        section(
            gettext(
                language,
                "*Visits on {day}* ({count})\n{visits}",
                day=last_day,
                count=len(last_day_visits),
                visits=visits_text,
            )
            if last_day_visits
            else gettext(language, "*Visits on {day}*: none logged.", day=last_day)
        )
    )
    if follow_ups:
        lines = "\n".join(
            f"• *{escape(visit.customer_name)}*: {escape(visit.next_step or '')[:150]}"
            for visit in follow_ups[:MAX_LISTED]
        )
        blocks.append(
            section(
                gettext(
                    language,
                    "*Follow-ups due today* ({count})\n{lines}",
                    count=len(follow_ups),
                    lines=lines,
                )
            )
        )
    blocks.append(
        actions(
            "pacing_actions",
            # L10N: button, at most 75 characters
            button(gettext(language, "Log a visit"), OPEN_VISIT_MODAL, "pacing", style="primary"),
            # L10N: button, at most 75 characters
            button(gettext(language, "My deals"), MY_DEALS, "pacing"),
            chart_button("pacing", language),
        )
    )
    blocks.append(
        context(
            gettext(
                language,
                "Sent each working morning. Targets are set by your manager with `/target`.",
            )
        )
    )
    summary = gettext(language, ", ").join(
        gettext(
            language,
            "{metric} {status}",
            metric=metric_label(language, r.metric),
            status=gettext(language, r.pace.status.label).lower(),
        )
        for r in rows
    )
    return message(
        gettext(
            language,
            "Your pacing for {day}: {summary}",
            day=today,
            summary=summary or gettext(language, "no targets"),
        ),
        blocks,
    )
