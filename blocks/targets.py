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
from store.models import Target
from translations import ENGLISH, Language, gettext, ngettext
from translations.formats import format_money, format_number

GROUPS_SHOWN = 30
LINES_PER_GROUP = 30
_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


@dataclass(frozen=True)
class TargetGroup:
    """Targets under one heading, e.g. "Your targets" or "Team Enterprise"."""

    title: str  # mrkdwn, already escaped
    targets: list[Target]


def amount_text(
    amount: Decimal, currency: str | None, metric: str, language: Language = ENGLISH
) -> str:
    """Money as money, counts as whole numbers."""
    known = METRICS.get(metric)
    if known is not None and known.is_money and currency:
        return format_money(language, amount, currency)
    return format_number(language, int(amount))


def setter(set_by: str, language: Language = ENGLISH) -> str:
    if set_by == "csv-import":
        return gettext(language, "a CSV import")
    return f"<@{set_by}>" if _SLACK_USER_ID.fullmatch(set_by) else escape(set_by)


def target_line(target: Target, language: Language = ENGLISH) -> str:
    metric = METRICS.get(target.metric)
    label = gettext(language, metric.label) if metric else target.metric
    return gettext(
        language,
        "• *{metric}* · {period} · {amount} · set by {setter}",
        metric=escape(label),
        period=target.period,
        amount=amount_text(target.amount, target.currency, target.metric, language),
        setter=setter(target.set_by, language),
    )


def target_list(
    groups: list[TargetGroup],
    *,
    title: str,
    headline: str | None = None,
    footer: str | None = None,
    language: Language = ENGLISH,
) -> Message:
    blocks: list[Block] = []
    if headline:
        blocks.append(section(headline))
    blocks.append(header(title))
    for group in groups[:GROUPS_SHOWN]:
        lines = [target_line(target, language) for target in group.targets[:LINES_PER_GROUP]]
        hidden = len(group.targets) - LINES_PER_GROUP
        if hidden > 0:
            lines.append(ngettext(language, "…and {n} more", "…and {n} more", hidden))
        body = "\n".join(lines) if lines else gettext(language, "No targets.")
        blocks.append(section(f"*{group.title}*\n{body}"))
    if len(groups) > GROUPS_SHOWN:
        hidden = len(groups) - GROUPS_SHOWN
        blocks.append(context(ngettext(language, "…and {n} more.", "…and {n} more.", hidden)))
    if footer:
        blocks.append(context(footer))
    return message(headline or title, blocks)


def target_help(language: Language = ENGLISH) -> Message:
    examples = "\n".join(f"• `{escape(example)}`" for example in TARGET_EXAMPLES)
    # L10N: a section of a message, at most 3000 characters with the examples.
    text = gettext(
        language,
        "*Targets*\n"
        "• `/target` shows your targets, and a manager's teams' targets.\n"
        "• `/target @person` and `/target team <name>` show theirs.\n"
        "• `/target @person <metric> <amount> [<period>]` sets a person's target "
        "_(their team's managers and admins)_.\n"
        "• `/target team <name> <metric> <amount> [<period>]` sets a team's target "
        "_(the team's managers and admins)_.\n"
        "Setting a target again for the same metric and period replaces it; 0 clears it.\n\n"
        "*Metrics*: {metrics}. Revenue (booked) and collected (cash received) are money; "
        "the others are whole numbers.\n"
        "*Amounts*: {amounts}.\n"
        "*Periods*: {periods}. Without one: the current month.\n"
        "Pick people from Slack's @ list so they turn into mentions.\n\n"
        "*Examples*\n{examples}",
        metrics=gettext(language, METRIC_NAMES),
        amounts=escape(gettext(language, AMOUNT_EXAMPLES)),
        periods=escape(gettext(language, PERIOD_EXAMPLES)),
        examples=examples,
    )
    return message(gettext(language, "How to use /target"), [section(text)])
