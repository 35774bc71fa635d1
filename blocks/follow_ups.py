"""The morning follow-up DM: follow-ups due and overdue, stale deals, a button per action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

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
    plain,
    section,
    truncate,
)
from blocks.deals import stage_label
from sales.follow_ups import SNOOZE_CHOICES
from sales.money import format_money
from sales.stages import OPEN_STAGES, WON
from store.models import Deal, Visit

# Each action id ends in the visit's or deal's id, so every button in the DM is unique.
FOLLOW_UP_DONE = "follow_up_done"
FOLLOW_UP_SNOOZE = "follow_up_snooze"
FOLLOW_UP_SNOOZE_TO = "follow_up_snooze_to"
FOLLOW_UP_LOG_VISIT = "follow_up_log"
STALE_DEAL_STAGE = "stale_deal_stage"
STALE_DEAL_LOG_VISIT = "stale_deal_log"
# Two blocks per item; with the headings this stays under Slack's 50 blocks a message.
MAX_FOLLOW_UPS = 15
MAX_STALE_DEALS = 6


@dataclass(frozen=True)
class StaleDeal:
    deal: Deal
    last_activity: date
    idle_days: int


def follow_ups_message(
    today: date,
    follow_ups: list[Visit],
    stale: list[StaleDeal],
    *,
    headline: str | None = None,
) -> Message:
    blocks: list[Block] = [header(f"Your follow-ups for {day(today)}")]
    if headline:
        blocks.append(context(headline))
    if follow_ups:
        overdue = sum(1 for visit in follow_ups if _due(visit) < today)
        counts = f"{len(follow_ups)}" + (f", {overdue} overdue" if overdue else "")
        blocks.append(section(f"*Follow-ups* ({counts})"))
        for visit in follow_ups[:MAX_FOLLOW_UPS]:
            blocks += _follow_up(visit, today)
        if len(follow_ups) > MAX_FOLLOW_UPS:
            hidden = len(follow_ups) - MAX_FOLLOW_UPS
            blocks.append(context(f"…and {hidden} more; they show here as you clear these."))
    if stale:
        blocks.append(section(f"*Deals with no news* ({len(stale)})"))
        for item in stale[:MAX_STALE_DEALS]:
            blocks += _stale_deal(item)
        if len(stale) > MAX_STALE_DEALS:
            blocks.append(context(f"…and {len(stale) - MAX_STALE_DEALS} more: `/deal list`"))
    blocks.append(
        context(
            "Done and snoozed follow-ups leave this list. A follow-up is a visit's next step "
            "with a due date (`/visit Acme: …; next: send the quote by friday`)."
        )
    )
    parts = [_count(len(follow_ups), "follow-up", "follow-ups")] if follow_ups else []
    parts += [_count(len(stale), "deal to update", "deals to update")] if stale else []
    return message(f"Your follow-ups for {day(today)}: {', '.join(parts)}", blocks)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def all_clear(today: date, headline: str | None = None) -> Message:
    blocks: list[Block] = [header(f"Your follow-ups for {day(today)}")]
    if headline:
        blocks.append(context(headline))
    blocks.append(section(":tada: All clear: nothing left to follow up today."))
    return message(f"Your follow-ups for {day(today)}: all clear", blocks)


def _due(visit: Visit) -> date:
    assert visit.follow_up_due is not None
    return visit.follow_up_due


def _follow_up(visit: Visit, today: date) -> list[Block]:
    due = _due(visit)
    if due < today:
        days = (today - due).days
        when = f":red_circle: Overdue since {day(due)} ({days} day{'s' if days != 1 else ''})"
    else:
        when = ":large_yellow_circle: Due today"
    if visit.follow_up_snoozed_until is not None:
        when += f" · snoozed until {day(visit.follow_up_snoozed_until)}"
    text = (
        f"*{escape(visit.customer.name)}*: {escape(truncate(visit.next_step or '', 500))}\n"
        f"{when} · from your visit on {day(visit.visited_on)}"
    )
    snooze: dict[str, Any] = {
        "type": "static_select",
        "action_id": f"{FOLLOW_UP_SNOOZE}_{visit.id}",
        "placeholder": plain("Snooze"),
        "options": [{"text": plain(label), "value": key} for key, label in SNOOZE_CHOICES],
    }
    snooze_to: dict[str, Any] = {
        "type": "datepicker",
        "action_id": f"{FOLLOW_UP_SNOOZE_TO}_{visit.id}",
        "placeholder": plain("Snooze to a date"),
    }
    return [
        section(text),
        actions(
            f"follow_up_{visit.id}",
            button("Done", f"{FOLLOW_UP_DONE}_{visit.id}", str(visit.id), style="primary"),
            snooze,
            snooze_to,
            button("Log visit", f"{FOLLOW_UP_LOG_VISIT}_{visit.id}", str(visit.id)),
        ),
    ]


def _stale_deal(item: StaleDeal) -> list[Block]:
    deal = item.deal
    text = (
        f"*#{deal.id} {escape(deal.customer.name)} — {escape(deal.title)}* · "
        f"{stage_label(deal.stage)} · {format_money(deal.amount, deal.currency)}\n"
        f":hourglass: No stage change, note or visit for {item.idle_days} days "
        f"(since {day(item.last_activity)})"
    )
    stages = [stage for stage in (*OPEN_STAGES, WON) if stage.key != deal.stage]
    move: dict[str, Any] = {
        "type": "static_select",
        "action_id": f"{STALE_DEAL_STAGE}_{deal.id}",
        "placeholder": plain("Update stage"),
        "options": [
            {"text": plain(f"{stage.emoji} {stage.label}"), "value": stage.key} for stage in stages
        ],
    }
    return [
        section(text),
        actions(
            f"stale_deal_{deal.id}",
            move,
            button("Log visit", f"{STALE_DEAL_LOG_VISIT}_{deal.id}", str(deal.id)),
        ),
    ]
