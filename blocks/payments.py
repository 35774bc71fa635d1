"""What people see of payment collection: the payments list, alerts and their modals."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

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
from blocks.deals import ADD_PAYMENT_TERMS, NO_REASON_GIVEN, deal_name, lost_reason_text
from sales.collections import (
    REMINDER,
    AlertRules,
    Cancelled,
    Status,
    days_overdue,
    outstanding,
    status,
)
from sales.money import totals_by_currency, typed_amount
from store.models import Deal, Instalment, InstalmentNote, Payment
from store.payments import AlertedInstalment
from translations import ENGLISH, Language, Text, gettext, marked, ngettext, render
from translations.formats import format_money as money
from translations.formats import format_money_short
from translations.formats import format_totals as totals

MARK_PAID = "payment_mark_paid"
SNOOZE = "payment_snooze"
ADD_NOTE = "payment_add_note"
OPEN_DEAL = "payment_open_deal"
MARK_PAID_MODAL = "payment_mark_paid_modal"
SNOOZE_MODAL = "payment_snooze_modal"
NOTE_MODAL = "payment_note_modal"
TERMS_MODAL = "payment_terms_modal"
TERMS_ROWS = 4
MAX_SNOOZE_DAYS = 14
DEFAULT_SNOOZE_DAYS = 7
DEFAULT_TERMS_DAYS = 30  # net 30: the default due date of new payment terms
MAX_NOTE_CHARS = 3000
HISTORY_LINES = 12
LIST_LINES = 40
PAYMENT_LINES = 10
COMMAND_EXAMPLES = marked(
    "/deal #{id} payment 60k due 2026-12-31 · /deal #{id} paid 20k on yesterday · "
    "/deal #{id} payments"
)


@dataclass(frozen=True)
class PaymentContext:
    """What a payment modal remembers until it is submitted (kept in private_metadata):
    the deal or instalment, and the alert message to update in place afterwards."""

    deal_id: int | None = None
    instalment_id: int | None = None
    channel: str | None = None
    message_ts: str | None = None
    response_url: str | None = None

    def dump(self) -> str:
        return json.dumps({key: value for key, value in vars(self).items() if value is not None})

    @classmethod
    def load(cls, text: str) -> PaymentContext:
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        return cls(**{field.name: data.get(field.name) for field in fields(cls)})


def recipient_mention(key: str) -> str:
    """A ledger recipient (a member or a channel id) as Slack shows it."""
    return f"<#{key}>" if key[:1] in ("C", "G") else user(key)


def step_label(step: str, rules: AlertRules, language: Language = ENGLISH) -> str:
    days = rules.tier_days(step)
    if days is None:
        return gettext(language, "reminder")
    return gettext(language, "day {days}", days=days)


# The status words, marked for the catalog (sales.collections keeps them in English).
_STATUS_LABELS = {
    Status.UPCOMING: marked("upcoming"),
    Status.DUE: marked("due"),
    Status.OVERDUE: marked("overdue"),
    Status.PARTLY_PAID: marked("partly paid"),
    Status.PAID: marked("paid"),
}


def instalment_line(
    instalment: Instalment, number: int, today: date, language: Language = ENGLISH
) -> str:
    """`1. $40,000 due Fri 20 Nov 2026 · :warning: overdue 12 days · $10,000 paid`."""
    state = status(instalment.amount, instalment.paid_amount, instalment.due_on, today)
    amount = money(language, instalment.amount, instalment.currency)
    owed = outstanding(instalment.amount, instalment.paid_amount)
    if state is Status.PAID and instalment.paid_on:
        what = gettext(
            language,
            "{emoji} paid {day}",
            emoji=state.emoji,
            day=day(instalment.paid_on, language),
        )
    elif state is Status.OVERDUE:
        late = days_overdue(instalment.due_on, today)
        what = ngettext(
            language, "{emoji} overdue {n} day", "{emoji} overdue {n} days", late, emoji=state.emoji
        )
    else:
        what = f"{state.emoji} {gettext(language, _STATUS_LABELS[state])}"
    if state is not Status.PAID and instalment.paid_amount > 0:
        what += " · " + gettext(
            language,
            "{paid} paid, {owed} outstanding",
            paid=money(language, instalment.paid_amount, instalment.currency),
            owed=money(language, owed, instalment.currency),
        )
    if state is not Status.PAID and instalment.snoozed_until and instalment.snoozed_until > today:
        what += " · " + gettext(
            language,
            ":zzz: alerts snoozed until {day}",
            day=day(instalment.snoozed_until, language),
        )
    return gettext(
        language,
        "{number}. {amount} due {day} · {what}",
        number=number,
        amount=amount,
        day=day(instalment.due_on, language),
        what=what,
    )


def payments_message(
    deal: Deal,
    instalments: list[Instalment],
    payments: list[Payment],
    today: date,
    *,
    may_change: bool,
    headline: str | None = None,
    language: Language = ENGLISH,
) -> Message:
    """The answer to `/deal <ref> payments`: each instalment's status and what is owed."""
    blocks: list[Block] = []
    if headline:
        blocks.append(section(headline))
    # L10N: header, at most 150 characters (with the deal's name).
    title = gettext(language, "#{id} {name} · payments", id=deal.id, name=deal_name(deal))
    blocks.append(header(title))
    owed = [(outstanding(i.amount, i.paid_amount), i.currency) for i in instalments]
    overdue = [
        (outstanding(i.amount, i.paid_amount), i.currency) for i in instalments if i.due_on < today
    ]
    overdue_totals = _nonzero(totals_by_currency(overdue))
    total_owed = deal_totals(language, deal.currency, owed)
    outstanding_text = gettext(language, "*Outstanding*\n{owed}", owed=total_owed)
    if overdue_totals:
        outstanding_text += gettext(
            language, " ({overdue} overdue)", overdue=totals(language, overdue_totals)
        )
    scheduled = deal_totals(language, deal.currency, ((i.amount, i.currency) for i in instalments))
    collected = (
        totals(language, totals_by_currency((p.amount, p.currency) for p in payments))
        if payments
        else gettext(language, "nothing yet")
    )
    blocks.append(
        fields_section(
            [
                gettext(
                    language,
                    "*Deal amount*\n{amount}",
                    amount=money(language, deal.amount, deal.currency),
                ),
                gettext(language, "*Scheduled*\n{scheduled}", scheduled=scheduled),
                gettext(language, "*Collected*\n{collected}", collected=collected),
                outstanding_text,
            ]
        )
    )
    if instalments:
        lines = [
            instalment_line(instalment, number, today, language)
            for number, instalment in enumerate(instalments[:LIST_LINES], start=1)
        ]
        if len(instalments) > LIST_LINES:
            lines.append(
                gettext(language, "…and {count} more", count=len(instalments) - LIST_LINES)
            )
        blocks.append(section(gettext(language, "*Instalments*\n{lines}", lines="\n".join(lines))))
    else:
        blocks.append(section(gettext(language, "No payment terms yet.")))
    if payments:
        recent = payments[-PAYMENT_LINES:]
        lines = [
            gettext(
                language,
                "• {day} · {amount} · recorded by {person}",
                day=day(payment.received_on, language),
                amount=money(language, payment.amount, payment.currency),
                person=user(payment.recorded_by),
            )
            for payment in recent
        ]
        blocks.append(
            section(gettext(language, "*Payments received*\n{lines}", lines="\n".join(lines)))
        )
    if may_change and deal.stage == "won":
        # L10N: button, at most 75 characters.
        add = button(gettext(language, "Add payment terms"), ADD_PAYMENT_TERMS, str(deal.id))
        blocks.append(actions(f"payments_{deal.id}", add))
    blocks.append(context(escape(gettext(language, COMMAND_EXAMPLES, id=deal.id))))
    text = headline or gettext(
        language,
        "Payments of deal #{id}: {owed} outstanding",
        id=deal.id,
        owed=total_owed,
    )
    return message(text, blocks)


def payments_summary(
    deal: Deal,
    instalments: list[Instalment],
    payments: list[Payment],
    today: date,
    language: Language = ENGLISH,
) -> str:
    """One line for the deal card: collected, outstanding and overdue."""
    collected = (
        gettext(
            language,
            "collected {total}",
            total=totals(language, totals_by_currency((p.amount, p.currency) for p in payments)),
        )
        if payments
        else gettext(language, "nothing collected yet")
    )
    owed = [(outstanding(i.amount, i.paid_amount), i.currency) for i in instalments]
    late = totals_by_currency(
        (outstanding(i.amount, i.paid_amount), i.currency) for i in instalments if i.due_on < today
    )
    line = ngettext(
        language,
        "{n} instalment · {collected} · outstanding {owed}",
        "{n} instalments · {collected} · outstanding {owed}",
        len(instalments),
        collected=collected,
        owed=deal_totals(language, deal.currency, owed),
    )
    if _nonzero(late):
        line += " · " + gettext(
            language, ":warning: overdue {late}", late=totals(language, _nonzero(late))
        )
    return line


def deal_totals(language: Language, currency: str, amounts: Iterable[tuple[Decimal, str]]) -> str:
    """A total of one deal's money: in the deal's one currency, `$0` when nothing is left
    (never a bare 0). Instalments and payments take the deal's currency, so nothing is
    converted; should one ever be in another, it is kept apart, never added in."""
    return totals(language, _nonzero(totals_by_currency(amounts)) or {currency: Decimal(0)})


def _nonzero(totals: dict[str, Decimal]) -> dict[str, Decimal]:
    return {currency: value for currency, value in totals.items() if value}


# --- alerts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One alert already sent about an instalment: when, to whom, which step."""

    sent_at: datetime
    recipient: str  # a Slack member or channel id
    step: str


@dataclass(frozen=True)
class AlertView:
    instalment: AlertedInstalment
    number: int  # its place among the deal's instalments, by due date
    count: int
    today: date  # the deal owner's day: every copy counts days overdue alike
    rules: AlertRules
    history: list[HistoryEntry]
    notes: list[InstalmentNote]
    step: str | None = None  # the step a scheduled alert is for; None when redrawn
    headline: Text | str | None = None  # what someone just did, in each reader's language


def _alert_title(view: AlertView, language: Language) -> str:
    instalment, today = view.instalment, view.today
    if outstanding(instalment.amount, instalment.paid_amount) == 0:
        return gettext(language, ":white_check_mark: Paid in full")
    late = (today - instalment.due_on).days
    if late > 0:
        icon = ":rotating_light:" if late >= view.rules.escalation_days[-1] else ":warning:"
        return ngettext(
            language,
            "{icon} Payment {n} day overdue",
            "{icon} Payment {n} days overdue",
            late,
            icon=icon,
        )
    if late == 0:
        return gettext(language, ":bell: Payment due today")
    if view.step == REMINDER:
        return ngettext(
            language, ":bell: Payment due in {n} day", ":bell: Payment due in {n} days", -late
        )
    return gettext(
        language,
        ":hourglass_flowing_sand: Payment due {day}",
        day=day(instalment.due_on, language),
    )


def _customer_and_deal(customer: str, deal_id: int, title: str, language: Language) -> list[str]:
    """The first two fields of an alert card: who owes, and for what."""
    return [
        gettext(language, "*Customer*\n{name}", name=escape(customer)),
        gettext(language, "*Deal*\n`#{id}` {title}", id=deal_id, title=escape(title)),
    ]


def alert_message(view: AlertView, language: Language = ENGLISH) -> Message:
    """An alert about one instalment, for one reader: what is owed, since when, who was
    told, and buttons."""
    instalment = view.instalment
    owed = outstanding(instalment.amount, instalment.paid_amount)

    def amount(value: Decimal) -> str:
        return money(language, value, instalment.currency)

    title = _alert_title(view, language)
    blocks: list[Block] = [header(title)]
    if view.headline:
        blocks.append(section(render(language, view.headline)))
    late = days_overdue(instalment.due_on, view.today)
    outstanding_text = gettext(language, "*Outstanding*\n{owed}", owed=amount(owed))
    if instalment.paid_amount:
        outstanding_text += gettext(
            language,
            " ({paid} of {amount} paid)",
            paid=amount(instalment.paid_amount),
            amount=amount(instalment.amount),
        )
    blocks.append(
        fields_section(
            [
                *_customer_and_deal(
                    instalment.customer_name, instalment.deal_id, instalment.deal_title, language
                ),
                gettext(
                    language,
                    "*Instalment*\n{number} of {count}: {amount} due {day}",
                    number=view.number,
                    count=view.count,
                    amount=amount(instalment.amount),
                    day=day(instalment.due_on, language),
                ),
                outstanding_text,
                gettext(language, "*Days overdue*\n{days}", days=late if late else "—"),
                gettext(language, "*Owner*\n{person}", person=user(instalment.owner_slack_user_id)),
            ]
        )
    )
    if owed and instalment.snoozed_until and instalment.snoozed_until > view.today:
        blocks.append(
            context(
                gettext(
                    language,
                    ":zzz: Alerts snoozed until {day}.",
                    day=day(instalment.snoozed_until, language),
                )
            )
        )
    history = [
        gettext(
            language,
            "• {moment} · {step} to {recipient}",
            moment=moment(entry.sent_at),
            step=step_label(entry.step, view.rules, language),
            recipient=recipient_mention(entry.recipient),
        )
        for entry in view.history[-HISTORY_LINES:]
    ]
    if not history:
        history = [
            gettext(language, "None before this one.") if view.step else gettext(language, "None.")
        ]
    blocks.append(
        section(gettext(language, "*Reminders so far*\n{lines}", lines="\n".join(history)))
    )
    if view.notes:
        notes = [
            f"• {moment(note.created_at)} · {user(note.author.slack_user_id)}: "
            f"{escape(note.text)[:300]}"
            for note in view.notes
        ]
        blocks.append(section(gettext(language, "*Notes*\n{lines}", lines="\n".join(notes))))
    value = str(instalment.id)
    # L10N: button, at most 75 characters.
    buttons = [button(gettext(language, "Open deal"), OPEN_DEAL, str(instalment.deal_id))]
    if owed:
        buttons = [
            # L10N: button, at most 75 characters.
            button(gettext(language, "Mark paid"), MARK_PAID, value, style="primary"),
            # L10N: button, at most 75 characters.
            button(gettext(language, "Snooze"), SNOOZE, value),
            # L10N: button, at most 75 characters.
            button(gettext(language, "Add note"), ADD_NOTE, value),
            *buttons,
        ]
    blocks.append(actions(f"instalment_{instalment.id}", *buttons))
    first, second, third = view.rules.escalation_days
    blocks.append(
        context(
            gettext(
                language,
                "Instalment {number} of {count} · days overdue as of {day} in the owner's time "
                "zone · "
                "escalation: day {first} the owner, day {second} the owner and their manager, "
                "day {third} the manager and finance.",
                number=view.number,
                count=view.count,
                day=day(view.today, language),
                first=first,
                second=second,
                third=third,
            )
        )
    )
    # The notification's preview is a headline: the amount in the language's large units
    # (¥12万, $30K); the card above gives it exactly.
    text = gettext(
        language,
        "{title}: {customer} — {deal}, {owed} outstanding",
        title=title.split(" ", 1)[1],
        customer=instalment.customer_name,
        deal=instalment.deal_title,
        owed=format_money_short(language, owed, instalment.currency),
    )
    return message(text, blocks)


# --- modals ----------------------------------------------------------------------------------


def _instalment_summary(instalment: Instalment, language: Language) -> str:
    deal = instalment.deal
    owed = outstanding(instalment.amount, instalment.paid_amount)
    return gettext(
        language,
        "*{name}* (`#{id}`)\n{amount} due {day} · *{owed} outstanding*",
        name=escape(deal_name(deal)),
        id=deal.id,
        amount=money(language, instalment.amount, instalment.currency),
        day=day(instalment.due_on, language),
        owed=money(language, owed, instalment.currency),
    )


def _modal(
    callback_id: str,
    title: str,
    submit: str,
    meta: PaymentContext,
    blocks: list[Block],
    language: Language,
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title),
        "submit": plain(submit),
        "close": plain(gettext(language, "Cancel")),
        "private_metadata": meta.dump(),
        "blocks": blocks,
    }


def _in_currency_hint(currency: str, language: Language) -> str:
    return gettext(language, "In {currency} unless you type another currency.", currency=currency)


def mark_paid_modal(
    instalment: Instalment, today: date, meta: PaymentContext, language: Language = ENGLISH
) -> dict[str, Any]:
    owed = outstanding(instalment.amount, instalment.paid_amount)
    return _modal(
        MARK_PAID_MODAL,
        # L10N: modal title, at most 24 characters.
        gettext(language, "Mark paid"),
        # L10N: modal button, at most 24 characters.
        gettext(language, "Record"),
        meta,
        [
            section(_instalment_summary(instalment, language)),
            input_block(
                "amount",
                # L10N: form label, at most 2000 characters.
                gettext(language, "Amount received"),
                text_input("amount", typed_amount(owed), max_length=40),
                hint=_in_currency_hint(instalment.currency, language)
                + " "
                + gettext(language, "Part of it is fine: the rest stays open."),
            ),
            input_block(
                "received_on",
                gettext(language, "Received on"),
                date_input("received_on", today),
            ),
        ],
        language,
    )


def snooze_modal(
    instalment: Instalment, today: date, meta: PaymentContext, language: Language = ENGLISH
) -> dict[str, Any]:
    return _modal(
        SNOOZE_MODAL,
        # L10N: modal title, at most 24 characters.
        gettext(language, "Snooze alerts"),
        # L10N: modal button, at most 24 characters.
        gettext(language, "Snooze"),
        meta,
        [
            section(_instalment_summary(instalment, language)),
            input_block(
                "until",
                gettext(language, "No alerts until"),
                date_input("until", today + timedelta(days=DEFAULT_SNOOZE_DAYS)),
                hint=gettext(
                    language,
                    "Alerts start again on this day. At most {days} days ahead.",
                    days=MAX_SNOOZE_DAYS,
                ),
            ),
        ],
        language,
    )


NOTE_EXAMPLE = marked("E.g. “The customer promised to pay on Friday.”")


def note_modal(
    instalment: Instalment, meta: PaymentContext, language: Language = ENGLISH
) -> dict[str, Any]:
    return _modal(
        NOTE_MODAL,
        # L10N: modal title, at most 24 characters.
        gettext(language, "Add a note"),
        # L10N: modal button, at most 24 characters.
        gettext(language, "Add"),
        meta,
        [
            section(_instalment_summary(instalment, language)),
            input_block(
                "note",
                gettext(language, "Note"),
                text_input("note", None, multiline=True, max_length=MAX_NOTE_CHARS),
                hint=gettext(language, NOTE_EXAMPLE),
            ),
        ],
        language,
    )


def terms_modal(
    deal: Deal,
    scheduled: Decimal,
    default_due: date,
    meta: PaymentContext,
    language: Language = ENGLISH,
) -> dict[str, Any]:
    """Up to TERMS_ROWS instalments; the first defaults to whatever is not scheduled yet."""
    left = max(deal.amount - scheduled, Decimal(0))
    worth = money(language, deal.amount, deal.currency)
    lines = f"*{escape(deal_name(deal))}* (`#{deal.id}`) · {worth}"
    if scheduled:
        lines += "\n" + gettext(
            language,
            "Already scheduled: {amount}",
            amount=money(language, scheduled, deal.currency),
        )
    blocks: list[Block] = [section(lines)]
    for row in range(1, TERMS_ROWS + 1):
        first = row == 1
        if not first:
            blocks.append(divider())
        blocks.append(
            input_block(
                f"amount_{row}",
                gettext(language, "Instalment {number}: amount", number=row),
                text_input(
                    f"amount_{row}", typed_amount(left) if first and left else None, max_length=40
                ),
                optional=not first,
                hint=_in_currency_hint(deal.currency, language) if first else None,
            )
        )
        blocks.append(
            input_block(
                f"due_{row}",
                gettext(language, "Instalment {number}: due", number=row),
                date_input(f"due_{row}", default_due if first else None),
                optional=not first,
            )
        )
    return _modal(
        TERMS_MODAL,
        # L10N: modal title, at most 24 characters.
        gettext(language, "Payment terms"),
        # L10N: modal button, at most 24 characters.
        gettext(language, "Save"),
        meta,
        blocks,
        language,
    )


# --- leaving "won" with money still owed -----------------------------------------------------

REOPEN_KEEP = "deal_reopen_keep_schedule"
CANCEL_UNPAID = "deal_leave_won_cancel_unpaid"
STAY_WON = "deal_stay_won"


@dataclass(frozen=True)
class LeaveWon:
    """What a person asked for (move a won deal to `stage`), carried on the prompt's buttons."""

    deal_id: int
    stage: str
    reason: str | None = None  # for "lost"

    def dump(self) -> str:
        return json.dumps({"deal": self.deal_id, "stage": self.stage, "reason": self.reason})

    @classmethod
    def load(cls, value: str) -> LeaveWon:
        data = json.loads(value)
        return cls(deal_id=int(data["deal"]), stage=str(data["stage"]), reason=data.get("reason"))


def leave_won_prompt(
    deal: Deal,
    ask: LeaveWon,
    stage_name: str,
    instalments: list[Instalment],
    today: date,
    language: Language = ENGLISH,
) -> Message:
    """Before a won deal with money still owed leaves "won": what happens to its schedule,
    and buttons to choose."""
    owed = [
        (number, item)
        for number, item in enumerate(instalments, start=1)
        if outstanding(item.amount, item.paid_amount) > 0
    ]
    unpaid = totals(
        language,
        totals_by_currency((outstanding(i.amount, i.paid_amount), i.currency) for _, i in owed),
    )
    paid = totals_by_currency((i.paid_amount, i.currency) for i in instalments if i.paid_amount)
    paid_text = (
        " "
        + gettext(language, "The {paid} already paid stays recorded.", paid=totals(language, paid))
        if paid
        else ""
    )
    lines = "\n".join(instalment_line(item, number, today, language) for number, item in owed)
    value = ask.dump()
    losing = ask.stage == "lost"
    blocks: list[Block] = [
        section(
            gettext(
                language,
                ":warning: *Deal #{id} {name}* is won, and {unpaid} of its payment schedule is "
                "not paid yet:\n{lines}",
                id=deal.id,
                name=escape(deal_name(deal)),
                unpaid=unpaid,
                lines=lines,
            )
        )
    ]
    # L10N: button, at most 75 characters.
    keep_won = button(gettext(language, "Keep it won"), STAY_WON, value)
    if losing:
        blocks.append(
            section(
                gettext(
                    language,
                    "Marking it lost ({reason}) cancels the {unpaid} not yet paid: no more "
                    "alerts, and it leaves the overdue totals.",
                    reason=escape(lost_reason_text(ask.reason or NO_REASON_GIVEN, language)),
                    unpaid=unpaid,
                )
                + paid_text
            )
        )
        buttons = [
            # L10N: button, at most 75 characters (with the amount).
            button(gettext(language, "Mark lost, cancel {unpaid}", unpaid=unpaid), CANCEL_UNPAID,
                   value, style="danger"),
            keep_won,
        ]  # fmt: skip
    else:
        blocks.append(
            section(
                gettext(
                    language,
                    "*Keep the schedule*: the deal moves to {stage} and its instalments stay on "
                    "it, still chased: payment alerts, the digest's overdue totals and Home keep "
                    "counting them.\n*Cancel the unpaid*: the {unpaid} not yet paid is cancelled.",
                    stage=stage_name,
                    unpaid=unpaid,
                )
                + paid_text
            )
        )
        buttons = [
            # L10N: button, at most 75 characters (with the stage).
            button(gettext(language, "Move to {stage}, keep the schedule", stage=stage_name),
                   REOPEN_KEEP, value, style="primary"),
            # L10N: button, at most 75 characters (with the stage and amount).
            button(gettext(language, "Move to {stage}, cancel {unpaid}", stage=stage_name,
                           unpaid=unpaid), CANCEL_UNPAID, value, style="danger"),
            keep_won,
        ]  # fmt: skip
    blocks.append(actions(f"leave_won_{deal.id}", *buttons))
    blocks.append(
        context(gettext(language, "Either way, the change is recorded in the deal's audit log."))
    )
    text = gettext(
        language,
        "Deal #{id} is won with {unpaid} not yet paid: what should happen?",
        id=deal.id,
        unpaid=unpaid,
    )
    return message(text, blocks)


def cancelled_text(cancelled: list[Cancelled], language: Language = ENGLISH) -> str:
    """`instalment 1 of 2 ($45,000 due Tue 10 Nov 2026) and instalment 2 of 2 (…)`."""
    parts = [
        gettext(
            language,
            "instalment {number} of {of} ({amount} due {day})",
            number=item.number,
            of=item.of,
            amount=money(language, item.amount, item.currency),
            day=day(item.due_on, language),
        )
        for item in cancelled
    ]
    if len(parts) == 1:
        return parts[0]
    return gettext(
        language,
        "{items} and {last}",
        items=gettext(language, ", ").join(parts[:-1]),
        last=parts[-1],
    )


def cancelled_alert(
    item: Cancelled, deal: Deal, headline: Text | str, language: Language = ENGLISH
) -> Message:
    """What an alert about an instalment becomes once its unpaid part is cancelled: no
    buttons left to press."""
    owed = money(language, item.amount, item.currency)
    blocks: list[Block] = [
        header(gettext(language, ":no_entry_sign: Payment cancelled")),
        section(render(language, headline)),
        fields_section(
            [
                *_customer_and_deal(deal.customer.name, deal.id, deal.title, language),
                gettext(
                    language,
                    "*Instalment*\n{number} of {count}, due {day}",
                    number=item.number,
                    count=item.of,
                    day=day(item.due_on, language),
                ),
                gettext(language, "*Cancelled*\n{owed} not yet paid", owed=owed),
            ]
        ),
        actions(
            f"instalment_{item.instalment_id}",
            # L10N: button, at most 75 characters.
            button(gettext(language, "Open deal"), OPEN_DEAL, str(deal.id)),
        ),
    ]
    text = gettext(
        language,
        "Payment cancelled: {customer} — {deal}, {owed}",
        customer=deal.customer.name,
        deal=deal.title,
        owed=owed,
    )
    return message(text, blocks)
