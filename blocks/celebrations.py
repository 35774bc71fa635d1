"""The card a team's channel gets when one of its people wins a deal."""

from __future__ import annotations

from blocks.common import Block, Message, context, escape, message, section, user
from translations import Language, gettext


def celebration_message(
    language: Language,
    *,
    rep_slack_id: str,
    customer: str,
    title: str,
    amount: str,
    notes: list[str],
) -> Message:
    """`amount` is already in the team's currency (or the deal's, with a note saying why)."""
    headline = gettext(
        language,
        ":tada: {rep} won {customer}: {amount}!",
        rep=user(rep_slack_id),
        customer=escape(customer),
        amount=amount,
    )
    blocks: list[Block] = [
        section(f"{headline}\n{escape(title)}"),
        context(gettext(language, ":clap: Congratulations from the whole team.")),
    ]
    if notes:
        blocks.append(context(*notes))
    text = gettext(language, "{customer} is won: {amount}", customer=customer, amount=amount)
    return message(text, blocks)
