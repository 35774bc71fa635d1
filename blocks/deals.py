"""What people see of deals: cards, lists, choices, the create modal and /deal help."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
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
from blocks.money import converted_text, left_out_lines, subtotal_text
from blocks.visits import CUSTOMER_SELECT, ModalContext, customer_option, follow_up_text
from parsing.dates import DATE_EXAMPLES
from parsing.deal_command import DEAL_EXAMPLES
from parsing.stages import stage_list
from sales.forecast import CATEGORIES, CATEGORY_LABELS
from sales.fx import Converted, Valuation
from sales.money import totals_by_currency, typed_amount
from sales.stages import DEFAULT_STAGE, FUNNEL, OPEN_STAGES, STAGES
from store.deals import DealRecords
from store.models import Deal, DealNote, StageChange, Visit
from translations import ENGLISH, Language, gettext, marked, ngettext
from translations.formats import format_money, format_totals

MOVE_STAGE = "deal_move_stage"
SET_FORECAST = "deal_set_forecast"
PICK_DEAL = "deal_pick"
# The lost reason stored when none was given: kept in English in the database, shown in the
# reader's language (`lost_reason_text`).
NO_REASON_GIVEN = marked("no reason given")
DEAL_MODAL = "deal_create_modal"
DEAL_EDIT_MODAL = "deal_edit_modal"
EDIT_DEAL = "deal_edit"
ADD_PAYMENT_TERMS = "deal_add_payment_terms"
DELETE_DEAL = "deal_delete"
CREATE_ANYWAY = "deal_create_anyway"
KEEP_DEAL = "deal_keep"
BANT = (
    ("bant_budget", marked("Budget")),
    ("bant_authority", marked("Authority")),
    ("bant_need", marked("Need")),
    ("bant_timeline", marked("Timeline")),
)
LIST_LINES_PER_STAGE = 15


def stage_label(key: str, language: Language = ENGLISH) -> str:
    stage = STAGES.get(key)
    return f"{stage.emoji} {stage_name(key, language)}" if stage else key


def stage_name(key: str, language: Language = ENGLISH) -> str:
    """The stage's name without its emoji: Lead, 线索."""
    stage = STAGES.get(key)
    return gettext(language, stage.label) if stage else key


def deal_name(deal: Deal) -> str:
    return named_deal(deal.customer.name, deal.title)


def named_deal(customer_name: str, title: str) -> str:
    """How a deal is named in a list: "customer — title"."""
    return f"{customer_name} — {title}"


def deal_card(
    deal: Deal,
    *,
    history: list[StageChange],
    visits: list[Visit],
    notes: list[DealNote],
    may_change: bool,
    headline: str | None = None,
    payments: str | None = None,
    language: Language = ENGLISH,
) -> Message:
    """The deal card. A won deal the reader may change offers "Add payment terms";
    `payments` is a one-line summary of its instalments, when it has any."""
    blocks: list[Block] = []
    if headline:
        blocks.append(section(headline))
    blocks.append(header(f"#{deal.id} {deal_name(deal)}"))
    close = day(deal.expected_close, language) if deal.expected_close else "—"
    bant = " ".join(
        f"{':white_check_mark:' if getattr(deal, key) else ':white_large_square:'} "
        f"{gettext(language, label)}"
        for key, label in BANT
    )
    fields = [
        gettext(
            language,
            "*Amount*\n{amount}",
            amount=format_money(language, deal.amount, deal.currency),
        ),
        gettext(language, "*Stage*\n{stage}", stage=stage_label(deal.stage, language)),
        gettext(language, "*Expected close*\n{day}", day=close),
        gettext(language, "*Owner*\n{owner}", owner=user(deal.owner.slack_user_id)),
        gettext(language, "*BANT*\n{bant}", bant=bant),
    ]
    if STAGES[deal.stage].is_open:
        call = gettext(language, CATEGORY_LABELS[deal.forecast])
        fields.append(gettext(language, "*Forecast*\n{call}", call=call))
    if deal.lost_reason:
        reason = escape(lost_reason_text(deal.lost_reason, language))
        fields.append(gettext(language, "*Lost because*\n{reason}", reason=reason))
    blocks.append(fields_section(fields))
    if payments:
        blocks.append(section(gettext(language, "*Payments*\n{payments}", payments=payments)))
    blocks.append(
        section(
            gettext(language, "*Stage history*\n{lines}", lines=_history_lines(history, language))
        )
    )
    if visits:
        lines = "\n".join(_visit_line(visit, language) for visit in visits)
        blocks.append(section(gettext(language, "*Latest visits*\n{lines}", lines=lines)))
    if notes:
        lines = "\n".join(
            f"• {moment(note.created_at)} · {user(note.author.slack_user_id)}: "
            f"{escape(note.text)[:300]}"
            for note in notes
        )
        blocks.append(section(gettext(language, "*Latest notes*\n{lines}", lines=lines)))
    if may_change:
        elements = [
            _stage_select(deal, language),
            # L10N: button, at most 75 characters.
            button(gettext(language, "Edit"), EDIT_DEAL, str(deal.id)),
        ]
        if STAGES[deal.stage].is_open:
            elements.append(_forecast_select(deal, language))
        if deal.stage == "won":
            elements.append(
                button(
                    # L10N: button, at most 75 characters.
                    gettext(language, "Add payment terms"),
                    ADD_PAYMENT_TERMS,
                    str(deal.id),
                    style="primary",
                )
            )
        blocks.append(actions(f"deal_{deal.id}", *elements))
    blocks.append(
        context(
            gettext(
                language, "Deal #{id} · created {when}", id=deal.id, when=moment(deal.created_at)
            )
        )
    )
    fallback = gettext(language, "Deal #{id}: {name}", id=deal.id, name=deal_name(deal))
    return message(headline or fallback, blocks)


def _visit_line(visit: Visit, language: Language) -> str:
    return gettext(
        language,
        "• {day} · {who}: {notes}\n   Next: {next_step}",
        day=day(visit.visited_on, language),
        who=user(visit.rep.slack_user_id),
        notes=escape(visit.notes)[:200],
        next_step=follow_up_text(visit, language),
    )


def _history_lines(history: list[StageChange], language: Language) -> str:
    lines = []
    for change in history[-10:]:
        move = (
            f"{stage_label(change.from_stage, language)} → {stage_label(change.to_stage, language)}"
            if change.from_stage
            else gettext(
                language, "Created in {stage}", stage=stage_label(change.to_stage, language)
            )
        )
        lines.append(
            gettext(
                language,
                "• {move} · {when} by {who}",
                move=move,
                when=moment(change.changed_at),
                who=user(change.changed_by.slack_user_id),
            )
        )
    return "\n".join(lines) or "—"


def _stage_select(deal: Deal, language: Language) -> dict[str, Any]:
    # "lost" needs a reason, so it is moved with `/deal #id lost <reason>` instead.
    options = [
        {"text": plain(stage_name(stage.key, language)), "value": f"{deal.id}:{stage.key}"}
        for stage in FUNNEL
        if stage.key not in ("lost", deal.stage)
    ]
    return {
        "type": "static_select",
        "action_id": MOVE_STAGE,
        # L10N: placeholder, at most 150 characters.
        "placeholder": plain(gettext(language, "Move to stage…")),
        "options": options,
    }


def _forecast_select(deal: Deal, language: Language) -> dict[str, Any]:
    """Commit, best case or plain pipeline: the rep's forecast call on an open deal."""
    options = [
        {"text": plain(gettext(language, CATEGORY_LABELS[call])), "value": f"{deal.id}:{call}"}
        for call in CATEGORIES
        if call != deal.forecast
    ]
    if deal.forecast is not None:
        options.append(
            # L10N: option text, at most 75 characters.
            {"text": plain(gettext(language, "Pipeline (no call)")), "value": f"{deal.id}:"}
        )
    return {
        "type": "static_select",
        "action_id": SET_FORECAST,
        # L10N: placeholder, at most 150 characters.
        "placeholder": plain(gettext(language, "Forecast call…")),
        "options": options,
    }


def deal_list(
    deals: list[Deal], scope: str, valuation: Valuation, language: Language = ENGLISH
) -> Message:
    """Open deals; `scope` says whose they are (“everyone's”, “yours”…), in `language`. Totals
    are in the reader's currency at today's rates (`valuation`), saying what had no rate."""
    if not deals:
        text = gettext(language, "No open deals {scope}. Create one with `/deal new`.", scope=scope)
        fallback = gettext(language, "No open deals {scope}", scope=scope)
        return message(fallback, [section(text)])
    by_stage: dict[str, list[Deal]] = defaultdict(list)
    for deal in deals:
        by_stage[deal.stage].append(deal)
    converted = valuation.total((deal.amount, deal.currency) for deal in deals)
    total = converted_text(language, converted)
    summary = ngettext(
        language, "*{n} open* · {total}", "*{n} open* · {total}", len(deals), total=total
    )
    notes = valuation_lines(language, valuation, converted, (deal.currency for deal in deals))
    blocks: list[Block] = [
        # L10N: header, at most 150 characters.
        header(gettext(language, "Open deals {scope}", scope=scope)),
        section("\n".join([summary, *notes])),
    ]
    for stage in OPEN_STAGES:
        stage_deals = by_stage.get(stage.key)
        if not stage_deals:
            continue
        subtotal = subtotal_text(
            language, valuation.total((d.amount, d.currency) for d in stage_deals)
        )
        lines = [list_line(deal, language) for deal in stage_deals[:LIST_LINES_PER_STAGE]]
        hidden = len(stage_deals) - LIST_LINES_PER_STAGE
        if hidden > 0:
            lines.append(ngettext(language, "…and {n} more", "…and {n} more", hidden))
        blocks.append(divider())
        blocks.append(
            section(
                f"{stage.emoji} *{stage_name(stage.key, language)}* · {len(stage_deals)} · "
                f"{subtotal}\n" + "\n".join(lines)
            )
        )
    blocks.append(
        context(
            gettext(
                language,
                "Open one with `/deal #<id>`, e.g. `/deal #{id}`.",
                id=deals[0].id,
            )
        )
    )
    blocks.append(actions("deal_list_actions", chart_button("deals", language)))
    fallback = ngettext(
        language,
        "{n} open deal {scope}: {total}",
        "{n} open deals {scope}: {total}",
        len(deals),
        scope=scope,
        total=total,
    )
    return message(fallback, blocks)


def valuation_lines(
    language: Language, valuation: Valuation, converted: Converted, currencies: Iterable[str]
) -> list[str]:
    """Under a total of open deals in `currencies`: how amounts in other currencies were
    counted (at today's rates, as open deals have no win day), and what had no rate."""
    if all(currency == valuation.currency for currency in currencies):
        return []
    basis = gettext(
        language,
        "_Totals in {currency} at the exchange rates in force on {day} (an open deal has no "
        "win day yet)._",
        currency=valuation.currency,
        day=day(valuation.on, language),
    )
    return [basis, *left_out_lines(language, converted.left_out, converted.currency)]


def list_line(deal: Deal, language: Language = ENGLISH) -> str:
    line = f"• `#{deal.id}` {escape(deal_name(deal))[:120]} · " + format_money(
        language, deal.amount, deal.currency
    )
    if not deal.expected_close:
        return line
    return gettext(
        language,
        "{line} · close {day}",
        line=line,
        day=day(deal.expected_close, language),
    )


def lost_reason_text(reason: str, language: Language = ENGLISH) -> str:
    """A stored lost reason as the reader sees it: the default one (stored in English,
    `NO_REASON_GIVEN`) in their language, anyone's own words as they typed them."""
    return gettext(language, NO_REASON_GIVEN) if reason == NO_REASON_GIVEN else reason


def deal_choices(deals: list[Deal], rest: str, ref: str, language: Language = ENGLISH) -> Message:
    """Several deals match: one button each, which re-runs the command on that deal."""
    buttons = [
        button(f"#{deal.id} {deal_name(deal)}", f"{PICK_DEAL}_{n}", f"#{deal.id} {rest}".strip())
        for n, deal in enumerate(deals[:5])
    ]
    text = gettext(
        language,
        "More than one deal matches “{ref}”. Which one did you mean?",
        ref=escape(ref),
    )
    blocks = [section(text), actions("deal_choices", *buttons)]
    if len(deals) > 5:
        blocks.append(context(gettext(language, "Showing 5. Use `/deal #<id>` to pick another.")))
    return message(gettext(language, "Which deal did you mean?"), blocks)


def deal_create_modal(
    response_url: str | None, default_currency: str, language: Language = ENGLISH
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": DEAL_MODAL,
        # L10N: modal title, at most 24 characters.
        "title": plain(gettext(language, "New deal")),
        # L10N: modal button, at most 24 characters.
        "submit": plain(gettext(language, "Create")),
        "close": plain(gettext(language, "Cancel")),
        "private_metadata": ModalContext(response_url=response_url).dump(),
        "blocks": _deal_fields(None, default_currency, language),
    }


def deal_edit_modal(
    deal: Deal, response_url: str | None, language: Language = ENGLISH
) -> dict[str, Any]:
    """Every field of the deal, filled in; the deal's id rides in the metadata."""
    return {
        "type": "modal",
        "callback_id": DEAL_EDIT_MODAL,
        # L10N: modal title, at most 24 characters.
        "title": plain(gettext(language, "Edit deal #{id}", id=deal.id)),
        # L10N: modal button, at most 24 characters.
        "submit": plain(gettext(language, "Save")),
        "close": plain(gettext(language, "Cancel")),
        "private_metadata": json.dumps({"deal": deal.id, "response_url": response_url}),
        "blocks": _deal_fields(deal, deal.currency, language),
    }


def _deal_fields(deal: Deal | None, currency: str, language: Language) -> list[Block]:
    """The deal form's inputs: empty for a new deal, else the deal's values (and its owner,
    and every stage: lost only when it is lost, as that needs a reason)."""
    stages = (
        OPEN_STAGES
        if deal is None
        else [stage for stage in FUNNEL if stage.key != "lost" or deal.stage == "lost"]
    )
    stage_options = [
        {"text": plain(stage_name(stage.key, language)), "value": stage.key} for stage in stages
    ]
    stage_key = deal.stage if deal else DEFAULT_STAGE.key
    initial_stage = next(option for option in stage_options if option["value"] == stage_key)
    bant_options = [{"text": plain(gettext(language, label)), "value": key} for key, label in BANT]
    customer: dict[str, Any] = {
        "type": "external_select",
        "action_id": CUSTOMER_SELECT,
        "placeholder": plain(gettext(language, "Type a customer's name")),
        "min_query_length": 1,
    }
    bant: dict[str, Any] = {"type": "checkboxes", "action_id": "bant", "options": bant_options}
    if deal is not None:
        customer["initial_option"] = customer_option(deal.customer.name)
        checked = [option for option in bant_options if getattr(deal, option["value"])]
        if checked:
            bant["initial_options"] = checked
    amount = f"{typed_amount(deal.amount)} {deal.currency}" if deal else None
    blocks = [
        input_block("customer", gettext(language, "Customer"), customer),
        input_block(
            "title",
            gettext(language, "Title"),
            text_input("title", deal.title if deal else None, max_length=200),
        ),
        input_block(
            "amount",
            gettext(language, "Amount"),
            text_input("amount", amount, max_length=40),
            # L10N: hint under a form field, at most 2000 characters.
            hint=gettext(
                language,
                "120000, 120k, 1.2m, $120k or 12万. Without a currency: {currency}.",
                currency=currency,
            ),
        ),
        input_block(
            "close",
            gettext(language, "Expected close"),
            date_input("close", deal.expected_close if deal else None),
            optional=True,
        ),
        input_block(
            "stage",
            gettext(language, "Stage"),
            {
                "type": "static_select",
                "action_id": "stage",
                "options": stage_options,
                "initial_option": initial_stage,
            },
        ),
    ]
    if deal is not None:
        owner = {
            "type": "users_select",
            "action_id": "owner",
            "initial_user": deal.owner.slack_user_id,
        }
        blocks.append(input_block("owner", gettext(language, "Owner"), owner))
    blocks.append(
        input_block("bant", gettext(language, "Qualification (BANT)"), bant, optional=True)
    )
    return blocks


def duplicate_prompt(
    similar: list[Deal], pending: str, open_deal: str, language: Language = ENGLISH
) -> Message:
    """Before creating a deal like one already open: open that one, or create it anyway
    (`pending`, the new deal as the "Create anyway" button carries it)."""
    first = similar[0]
    text = ngettext(
        language,
        ":eyes: *{customer}* already has an open deal with a similar title:\n{deals}\n"
        "Is it the same one? Nothing was created yet.",
        ":eyes: *{customer}* already has open deals with similar titles:\n{deals}\n"
        "Is it one of these? Nothing was created yet.",
        len(similar),
        customer=escape(first.customer.name),
        deals="\n".join(list_line(deal, language) for deal in similar),
    )
    buttons = actions(
        "deal_duplicate",
        # L10N: button, at most 75 characters.
        button(gettext(language, "Open #{id}", id=first.id), open_deal, str(first.id)),
        # L10N: button, at most 75 characters.
        button(gettext(language, "Create anyway"), CREATE_ANYWAY, pending, style="primary"),
    )
    fallback = gettext(language, "A similar deal is already open: #{id}", id=first.id)
    return message(fallback, [section(text), buttons])


def delete_confirmation(deal: Deal, records: DealRecords, language: Language = ENGLISH) -> Message:
    """Ask before deleting a deal, saying what goes with it and what stays."""
    gone = [
        ngettext(language, "{n} stage change", "{n} stage changes", records.stage_changes),
        ngettext(language, "{n} note", "{n} notes", records.notes),
        ngettext(language, "{n} instalment", "{n} instalments", records.instalments),
        ngettext(
            language,
            "{n} payment received ({total})",
            "{n} payments received ({total})",
            len(records.received),
            total=format_totals(language, totals_by_currency(records.received)),
        )
        if records.received
        else ngettext(language, "{n} payment received", "{n} payments received", 0),
    ]
    lines = [
        gettext(
            language,
            ":warning: Delete deal #{id} {name}? This can't be undone.",
            id=deal.id,
            name=escape(deal_name(deal)),
        ),
        gettext(
            language,
            "Deleted with it: {records}. Its money leaves the pipeline, revenue and "
            "collection figures.",
            records=gettext(language, ", ").join(gone),
        ),
        gettext(
            language,
            "Kept: the visits to {customer} and their follow-ups (they belong to the customer), "
            "and the audit log, which records the deal, its instalments and payments.",
            customer=escape(deal.customer.name),
        ),
    ]
    if records.cases:
        lines.append(
            ngettext(
                language,
                "{n} case names this deal; it stays, without the link.",
                "{n} cases name this deal; they stay, without the link.",
                records.cases,
            )
        )
    buttons = actions(
        f"deal_delete_{deal.id}",
        # L10N: button, at most 75 characters.
        button(
            gettext(language, "Delete deal #{id}", id=deal.id),
            DELETE_DEAL,
            str(deal.id),
            style="danger",
        ),
        # L10N: button, at most 75 characters.
        button(gettext(language, "Keep it"), KEEP_DEAL, str(deal.id)),
    )
    text = "\n".join(lines)
    return message(lines[0], [section(text), buttons])


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
        "• Hand over: `/deal <ref> owner @person`; a manager or admin, all of someone's deals: "
        "`/deal reassign @from @to [open|all]`. *Edit* on a deal's card, or "
        "`/deal <ref> edit`, changes any field; admins can `/deal <ref> delete`.\n"
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
