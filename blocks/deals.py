"""What people see of deals: cards, lists, choices, the create modal and /deal help."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from blocks.charts import chart_button
from blocks.common import (
    Block,
    Message,
    actions,
    button,
    context,
    date_input,
    day,
    divider,
    escape,
    fields_section,
    header,
    input_block,
    message,
    moment,
    plain,
    section,
    text_input,
    user,
)
from blocks.visits import CUSTOMER_SELECT, ModalContext, follow_up_text
from parsing.dates import DATE_EXAMPLES
from parsing.deal_command import DEAL_EXAMPLES
from parsing.stages import stage_list
from sales.money import format_money, format_totals, totals_by_currency
from sales.stages import DEFAULT_STAGE, FUNNEL, OPEN_STAGES, STAGES
from store.models import Deal, DealNote, StageChange, Visit
from translations import ENGLISH, Language, gettext

MOVE_STAGE = "deal_move_stage"
PICK_DEAL = "deal_pick"
DEAL_MODAL = "deal_create_modal"
ADD_PAYMENT_TERMS = "deal_add_payment_terms"
BANT = (
    ("bant_budget", "Budget"),
    ("bant_authority", "Authority"),
    ("bant_need", "Need"),
    ("bant_timeline", "Timeline"),
)
LIST_LINES_PER_STAGE = 15


def stage_label(key: str) -> str:
    stage = STAGES.get(key)
    return f"{stage.emoji} {stage.label}" if stage else key


def deal_name(deal: Deal) -> str:
    return f"{deal.customer.name} — {deal.title}"


def deal_card(
    deal: Deal,
    *,
    history: list[StageChange],
    visits: list[Visit],
    notes: list[DealNote],
    may_change: bool,
    headline: str | None = None,
    payments: str | None = None,
) -> Message:
    """The deal card. A won deal the reader may change offers "Add payment terms";
    `payments` is a one-line summary of its instalments, when it has any."""
    blocks: list[Block] = []
    if headline:
        blocks.append(section(headline))
    blocks.append(header(f"#{deal.id} {deal_name(deal)}"))
    close = day(deal.expected_close) if deal.expected_close else "—"
    bant = " ".join(
        f"{':white_check_mark:' if getattr(deal, key) else ':white_large_square:'} {label}"
        for key, label in BANT
    )
    fields = [
        f"*Amount*\n{format_money(deal.amount, deal.currency)}",
        f"*Stage*\n{stage_label(deal.stage)}",
        f"*Expected close*\n{close}",
        f"*Owner*\n{user(deal.owner.slack_user_id)}",
        f"*BANT*\n{bant}",
    ]
    if deal.lost_reason:
        fields.append(f"*Lost because*\n{escape(deal.lost_reason)}")
    blocks.append(fields_section(fields))
    if payments:
        blocks.append(section(f"*Payments*\n{payments}"))
    blocks.append(section("*Stage history*\n" + _history_lines(history)))
    if visits:
        lines = [_visit_line(visit) for visit in visits]
        blocks.append(section("*Latest visits*\n" + "\n".join(lines)))
    if notes:
        lines = [
            f"• {moment(note.created_at)} · {user(note.author.slack_user_id)}: "
            f"{escape(note.text)[:300]}"
            for note in notes
        ]
        blocks.append(section("*Latest notes*\n" + "\n".join(lines)))
    if may_change:
        elements = [_stage_select(deal)]
        if deal.stage == "won":
            elements.append(
                button("Add payment terms", ADD_PAYMENT_TERMS, str(deal.id), style="primary")
            )
        blocks.append(actions(f"deal_{deal.id}", *elements))
    blocks.append(context(f"Deal #{deal.id} · created {moment(deal.created_at)}"))
    return message(headline or f"Deal #{deal.id}: {deal_name(deal)}", blocks)


def _visit_line(visit: Visit) -> str:
    who = user(visit.rep.slack_user_id)
    notes = escape(visit.notes)[:200]
    return f"• {day(visit.visited_on)} · {who}: {notes}\n   Next: {follow_up_text(visit)}"


def _history_lines(history: list[StageChange]) -> str:
    lines = []
    for change in history[-10:]:
        move = (
            f"{stage_label(change.from_stage)} → {stage_label(change.to_stage)}"
            if change.from_stage
            else f"Created in {stage_label(change.to_stage)}"
        )
        lines.append(
            f"• {move} · {moment(change.changed_at)} by {user(change.changed_by.slack_user_id)}"
        )
    return "\n".join(lines) or "—"


def _stage_select(deal: Deal) -> dict[str, Any]:
    # "lost" needs a reason, so it is moved with `/deal #id lost <reason>` instead.
    options = [
        {"text": plain(f"{stage.label}"), "value": f"{deal.id}:{stage.key}"}
        for stage in FUNNEL
        if stage.key not in ("lost", deal.stage)
    ]
    return {
        "type": "static_select",
        "action_id": MOVE_STAGE,
        "placeholder": plain("Move to stage…"),
        "options": options,
    }


def deal_list(deals: list[Deal], scope: str) -> Message:
    if not deals:
        text = f"No open deals {scope}. Create one with `/deal new`."
        return message(f"No open deals {scope}", [section(text)])
    by_stage: dict[str, list[Deal]] = defaultdict(list)
    for deal in deals:
        by_stage[deal.stage].append(deal)
    total = format_totals(totals_by_currency((deal.amount, deal.currency) for deal in deals))
    blocks: list[Block] = [header(f"Open deals {scope}"), section(f"*{len(deals)} open* · {total}")]
    for stage in OPEN_STAGES:
        stage_deals = by_stage.get(stage.key)
        if not stage_deals:
            continue
        subtotal = format_totals(totals_by_currency((d.amount, d.currency) for d in stage_deals))
        lines = [list_line(deal) for deal in stage_deals[:LIST_LINES_PER_STAGE]]
        hidden = len(stage_deals) - LIST_LINES_PER_STAGE
        if hidden > 0:
            lines.append(f"…and {hidden} more")
        blocks.append(divider())
        blocks.append(
            section(
                f"{stage.emoji} *{stage.label}* · {len(stage_deals)} · {subtotal}\n"
                + "\n".join(lines)
            )
        )
    blocks.append(context("Open one with `/deal #<id>`, e.g. `/deal #" + str(deals[0].id) + "`."))
    blocks.append(actions("deal_list_actions", chart_button("deals")))
    return message(f"{len(deals)} open deals {scope}: {total}", blocks)


def list_line(deal: Deal) -> str:
    close = f" · close {day(deal.expected_close)}" if deal.expected_close else ""
    return (
        f"• `#{deal.id}` {escape(deal_name(deal))[:120]} · "
        f"{format_money(deal.amount, deal.currency)}{close}"
    )


def deal_choices(deals: list[Deal], rest: str, ref: str) -> Message:
    """Several deals match: one button each, which re-runs the command on that deal."""
    buttons = [
        button(f"#{deal.id} {deal_name(deal)}", f"{PICK_DEAL}_{n}", f"#{deal.id} {rest}".strip())
        for n, deal in enumerate(deals[:5])
    ]
    text = f"More than one deal matches “{escape(ref)}”. Which one did you mean?"
    blocks = [section(text), actions("deal_choices", *buttons)]
    if len(deals) > 5:
        blocks.append(context("Showing 5. Use `/deal #<id>` to pick another."))
    return message("Which deal did you mean?", blocks)


def deal_create_modal(response_url: str | None, default_currency: str) -> dict[str, Any]:
    stage_options = [{"text": plain(stage.label), "value": stage.key} for stage in OPEN_STAGES]
    initial_stage = next(option for option in stage_options if option["value"] == DEFAULT_STAGE.key)
    return {
        "type": "modal",
        "callback_id": DEAL_MODAL,
        "title": plain("New deal"),
        "submit": plain("Create"),
        "close": plain("Cancel"),
        "private_metadata": ModalContext(response_url=response_url).dump(),
        "blocks": [
            input_block(
                "customer",
                "Customer",
                {
                    "type": "external_select",
                    "action_id": CUSTOMER_SELECT,
                    "placeholder": plain("Type a customer's name"),
                    "min_query_length": 1,
                },
            ),
            input_block("title", "Title", text_input("title", None, max_length=200)),
            input_block(
                "amount",
                "Amount",
                text_input("amount", None, max_length=40),
                hint=f"120000, 120k, 1.2m, $120k or 12万. Without a currency: {default_currency}.",
            ),
            input_block(
                "close",
                "Expected close",
                date_input("close", None),
                optional=True,
            ),
            input_block(
                "stage",
                "Stage",
                {
                    "type": "static_select",
                    "action_id": "stage",
                    "options": stage_options,
                    "initial_option": initial_stage,
                },
            ),
            input_block(
                "bant",
                "Qualification (BANT)",
                {
                    "type": "checkboxes",
                    "action_id": "bant",
                    "options": [{"text": plain(label), "value": key} for key, label in BANT],
                },
                optional=True,
            ),
        ],
    }


def deal_help(language: Language = ENGLISH) -> Message:
    examples = "\n".join(f"• `{escape(gettext(language, example))}`" for example in DEAL_EXAMPLES)
    # L10N: a section of a message, at most 3000 characters with the examples.
    text = gettext(
        language,
        "*Track deals*\n"
        "• `/deal` or `/deal new` opens a form.\n"
        "• `/deal new <customer>; <title>; <amount>[; close <date>][; stage <stage>]`\n"
        "• `/deal <ref>` shows a deal; `/deal list [mine|all]` lists open deals.\n"
        "• `/deal <ref> stage <stage>` · `amount <amount>` · `close <date>` · `won` · "
        "`lost <reason>` · `note <text>`\n"
        "• Payments: `/deal <ref> payment <amount> due <date>` adds an instalment; "
        "`/deal <ref> payments` lists them; `/deal <ref> paid <amount> [on <date>]` records "
        "money received (oldest instalment first).\n"
        "`<ref>` is `#<id>` or part of the customer name or title.\n\n"
        "*Examples*\n{examples}\n\n"
        "*Stages*: {stages}.\n"
        "*Amounts*: 120000, 120,000, 120k, 1.2m, $120k, ¥120,000, 12万.\n"
        "*Dates*: {dates}.",
        examples=examples,
        stages=stage_list().render(language),
        dates=escape(gettext(language, DATE_EXAMPLES)),
    )
    return message(gettext(language, "How to use /deal"), [section(text)])
