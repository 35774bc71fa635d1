"""The morning follow-up DM: follow-ups due and overdue, stale deals, a button per action."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from blocks.common import (
    Block,
    Message,
    actions,
    button,
    context,
    escape,
    header,
    message,
    plain,
    section,
    truncate,
)
from blocks.customers import ColdCustomer, going_cold_text
from blocks.deals import stage_label
from sales.follow_ups import SNOOZE_CHOICES
from sales.stages import OPEN_STAGES, WON
from store.follow_ups import FollowUp, OpenDeal
from translations import Language, gettext, ngettext
from translations.formats import format_money, format_short_day

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
MAX_COLD = 5  # customers going cold: one section, whatever their number


@dataclass(frozen=True)
class StaleDeal:
    deal: OpenDeal
    last_activity: date
    idle_days: int


def _title(language: Language, today: date) -> str:
    # L10N: header, at most 150 characters
    return gettext(language, "Your follow-ups for {day}", day=today)


def follow_ups_message(
    language: Language,
    today: date,
    follow_ups: list[FollowUp],
    stale: list[StaleDeal],
    *,
    headline: str | None = None,
    cold: Sequence[ColdCustomer] = (),
) -> Message:
    blocks: list[Block] = [header(_title(language, today))]
    if headline:
        blocks.append(context(headline))
    if follow_ups:
        overdue = sum(1 for visit in follow_ups if _due(visit) < today)
        counts = (
            gettext(language, "{count}, {overdue} overdue", count=len(follow_ups), overdue=overdue)
            if overdue
            else str(len(follow_ups))
        )
        blocks.append(section(gettext(language, "*Follow-ups* ({counts})", counts=counts)))
        for visit in follow_ups[:MAX_FOLLOW_UPS]:
            blocks += _follow_up(language, visit, today)
        if len(follow_ups) > MAX_FOLLOW_UPS:
            hidden = len(follow_ups) - MAX_FOLLOW_UPS
            blocks.append(
                context(
                    gettext(
                        language,
                        "…and {count} more; they show here as you clear these.",
                        count=hidden,
                    )
                )
            )
    if stale:
        blocks.append(
            section(gettext(language, "*Deals with no news* ({count})", count=len(stale)))
        )
        for item in stale[:MAX_STALE_DEALS]:
            blocks += _stale_deal(language, item)
        if len(stale) > MAX_STALE_DEALS:
            blocks.append(
                context(
                    gettext(
                        language,
                        "…and {count} more: `/deal list`",
                        count=len(stale) - MAX_STALE_DEALS,
                    )
                )
            )
    if cold:
        blocks.append(section(going_cold_text(language, cold, today, MAX_COLD)))
    blocks.append(
        context(
            gettext(
                language,
                "Done and snoozed follow-ups leave this list. A follow-up is a visit's next "
                "step with a due date (`/visit Acme: …; next: send the quote by friday`).",
            )
        )
    )
    parts = (
        [ngettext(language, "{n} follow-up", "{n} follow-ups", len(follow_ups))]
        if follow_ups
        else []
    )
    if stale:
        parts.append(ngettext(language, "{n} deal to update", "{n} deals to update", len(stale)))
    if cold:
        parts.append(
            ngettext(language, "{n} customer going cold", "{n} customers going cold", len(cold))
        )
    return message(
        gettext(
            language,
            "Your follow-ups for {day}: {summary}",
            day=today,
            summary=gettext(language, ", ").join(parts),
        ),
        blocks,
    )


def all_clear(language: Language, today: date, headline: str | None = None) -> Message:
    blocks: list[Block] = [header(_title(language, today))]
    if headline:
        blocks.append(context(headline))
    blocks.append(section(gettext(language, ":tada: All clear: nothing left to follow up today.")))
    return message(gettext(language, "Your follow-ups for {day}: all clear", day=today), blocks)


def _due(visit: FollowUp) -> date:
    assert visit.follow_up_due is not None
    return visit.follow_up_due


def _follow_up(language: Language, visit: FollowUp, today: date) -> list[Block]:
    due = _due(visit)
    if due < today:
        when = gettext(
            language,
            ":red_circle: Overdue since {day} ({days})",
            day=due,
            days=ngettext(language, "{n} day", "{n} days", (today - due).days),
        )
    else:
        when = gettext(language, ":large_yellow_circle: Due today")
    if visit.follow_up_snoozed_until is not None:
        when += gettext(language, " · snoozed until {day}", day=visit.follow_up_snoozed_until)
    step = escape(truncate(visit.next_step or "", 500))
    text = f"*{escape(visit.customer_name)}*: {step}\n" + gettext(
        language, "{when} · from your visit on {day}", when=when, day=visit.visited_on
    )
    snooze: dict[str, Any] = {
        "type": "static_select",
        "action_id": f"{FOLLOW_UP_SNOOZE}_{visit.id}",
        # L10N: placeholder, at most 150 characters
        "placeholder": plain(gettext(language, "Snooze")),
        "options": [
            {"text": plain(gettext(language, label)), "value": key} for key, label in SNOOZE_CHOICES
        ],
    }
    snooze_to: dict[str, Any] = {
        "type": "datepicker",
        "action_id": f"{FOLLOW_UP_SNOOZE_TO}_{visit.id}",
        # L10N: placeholder, at most 150 characters
        "placeholder": plain(gettext(language, "Snooze to a date")),
    }
    # L10N: button, at most 75 characters
    done = gettext(language, "Done")
    # L10N: button, at most 75 characters
    log_visit = gettext(language, "Log visit")
    return [
        section(text),
        actions(
            f"follow_up_{visit.id}",
            button(done, f"{FOLLOW_UP_DONE}_{visit.id}", str(visit.id), style="primary"),
            snooze,
            snooze_to,
            button(log_visit, f"{FOLLOW_UP_LOG_VISIT}_{visit.id}", str(visit.id)),
        ),
    ]


def snoozed_text(language: Language, until: date, what: str) -> str:
    """What a Snooze press answers: when the follow-up comes back."""
    return gettext(
        language,
        ":zzz: Snoozed until {day}: {what}",
        day=format_short_day(language, until),
        what=what,
    )


def _stale_deal(language: Language, item: StaleDeal) -> list[Block]:
    deal = item.deal
    title = (
        f"*#{deal.id} {escape(deal.customer_name)} — {escape(deal.title)}* · "
        f"{stage_label(deal.stage, language)} · "
        f"{format_money(language, deal.amount, deal.currency)}"
    )
    idle = ngettext(
        language,
        ":hourglass: No stage change, note or visit for {n} day (since {day})",
        ":hourglass: No stage change, note or visit for {n} days (since {day})",
        item.idle_days,
        day=item.last_activity,
    )
    stages = [stage for stage in (*OPEN_STAGES, WON) if stage.key != deal.stage]
    move: dict[str, Any] = {
        "type": "static_select",
        "action_id": f"{STALE_DEAL_STAGE}_{deal.id}",
        # L10N: placeholder, at most 150 characters
        "placeholder": plain(gettext(language, "Update stage")),
        "options": [
            {"text": plain(stage_label(stage.key, language)), "value": stage.key}
            for stage in stages
        ],
    }
    # L10N: button, at most 75 characters
    log_visit = gettext(language, "Log visit")
    return [
        section(f"{title}\n{idle}"),
        actions(
            f"stale_deal_{deal.id}",
            move,
            button(log_visit, f"{STALE_DEAL_LOG_VISIT}_{deal.id}", str(deal.id)),
        ),
    ]
