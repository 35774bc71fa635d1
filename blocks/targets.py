"""What people see of targets: lists per person and team, and /target help."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from blocks.common import Block, Message, context, escape, header, message, section
from parsing.amounts import AMOUNT_EXAMPLES
from parsing.periods import PERIOD_EXAMPLES
from parsing.target_command import METRIC_NAMES, TARGET_EXAMPLES
from sales.metrics import METRICS
from sales.money import format_money
from store.models import Target

GROUPS_SHOWN = 30
LINES_PER_GROUP = 30
_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


@dataclass(frozen=True)
class TargetGroup:
    """Targets under one heading, e.g. "Your targets" or "Team Enterprise"."""

    title: str  # mrkdwn, already escaped
    targets: list[Target]


def amount_text(amount: Decimal, currency: str | None, metric: str) -> str:
    """Money as money, counts as whole numbers."""
    known = METRICS.get(metric)
    if known is not None and known.is_money and currency:
        return format_money(amount, currency)
    return f"{int(amount):,}"


def setter(set_by: str) -> str:
    if set_by == "csv-import":
        return "a CSV import"
    return f"<@{set_by}>" if _SLACK_USER_ID.fullmatch(set_by) else escape(set_by)


def target_line(target: Target) -> str:
    metric = METRICS.get(target.metric)
    label = metric.label if metric else target.metric
    amount = amount_text(target.amount, target.currency, target.metric)
    return f"• *{escape(label)}* · {target.period} · {amount} · set by {setter(target.set_by)}"


def target_list(
    groups: list[TargetGroup],
    *,
    title: str,
    headline: str | None = None,
    footer: str | None = None,
) -> Message:
    blocks: list[Block] = []
    if headline:
        blocks.append(section(headline))
    blocks.append(header(title))
    for group in groups[:GROUPS_SHOWN]:
        lines = [target_line(target) for target in group.targets[:LINES_PER_GROUP]]
        hidden = len(group.targets) - LINES_PER_GROUP
        if hidden > 0:
            lines.append(f"…and {hidden} more")
        body = "\n".join(lines) if lines else "No targets."
        blocks.append(section(f"*{group.title}*\n{body}"))
    if len(groups) > GROUPS_SHOWN:
        blocks.append(context(f"…and {len(groups) - GROUPS_SHOWN} more."))
    if footer:
        blocks.append(context(footer))
    return message(headline or title, blocks)


def target_help() -> Message:
    examples = "\n".join(f"• `{escape(example)}`" for example in TARGET_EXAMPLES)
    text = (
        "*Targets*\n"
        "• `/target` shows your targets, and a manager's teams' targets.\n"
        "• `/target @person` and `/target team <name>` show theirs.\n"
        "• `/target @person <metric> <amount> [<period>]` sets a person's target "
        "_(their team's managers and admins)_.\n"
        "• `/target team <name> <metric> <amount> [<period>]` sets a team's target "
        "_(the team's managers and admins)_.\n"
        "Setting a target again for the same metric and period replaces it; 0 clears it.\n\n"
        f"*Metrics*: {METRIC_NAMES}. Revenue (booked) and collected (cash received) are money; "
        "the others are whole numbers.\n"
        f"*Amounts*: {escape(AMOUNT_EXAMPLES)}.\n"
        f"*Periods*: {escape(PERIOD_EXAMPLES)}. Without one: the current month.\n"
        "Pick people from Slack's @ list so they turn into mentions.\n\n"
        f"*Examples*\n{examples}"
    )
    return message("How to use /target", [section(text)])
