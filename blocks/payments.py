"""What people see of payment collection: the payments list, alerts and their modals."""

from __future__ import annotations

import json
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
from blocks.deals import ADD_PAYMENT_TERMS, deal_name
from sales.collections import (
    REMINDER,
    AlertRules,
    Cancelled,
    Status,
    days_overdue,
    outstanding,
    status,
)
from sales.money import format_money, format_totals, totals_by_currency, typed_amount
from store.models import Deal, Instalment, InstalmentNote, Payment
from translations import ENGLISH, Language, gettext, marked, ngettext
from translations.formats import format_money as money
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
COMMAND_EXAMPLES = (
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


def step_label(step: str, rules: AlertRules) -> str:
    days = rules.tier_days(step)
    return "reminder" if days is None else f"day {days}"


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
) -> Message:
    """The answer to `/deal <ref> payments`: each instalment's status and what is owed."""
    blocks: list[Block] = []
    if headline:
        blocks.append(section(headline))
    blocks.append(header(f"#{deal.id} {deal_name(deal)} · payments"))
    owed = [(outstanding(i.amount, i.paid_amount), i.currency) for i in instalments]
    overdue = [
        (outstanding(i.amount, i.paid_amount), i.currency) for i in instalments if i.due_on < today
    ]
    total_owed = format_totals(totals_by_currency(v for v in owed if v[0] > 0))
    total_overdue = format_totals(totals_by_currency(v for v in overdue if v[0] > 0))
    blocks.append(
        fields_section(
            [
                f"*Deal amount*\n{format_money(deal.amount, deal.currency)}",
                "*Scheduled*\n"
                + format_totals(totals_by_currency((i.amount, i.currency) for i in instalments)),
                "*Collected*\n"
                + (
                    format_totals(totals_by_currency((p.amount, p.currency) for p in payments))
                    if payments
                    else "nothing yet"
                ),
                f"*Outstanding*\n{total_owed}"
                + (f" ({total_overdue} overdue)" if total_overdue != "0" else ""),
            ]
        )
    )
    if instalments:
        lines = [
            instalment_line(instalment, number, today)
            for number, instalment in enumerate(instalments[:LIST_LINES], start=1)
        ]
        if len(instalments) > LIST_LINES:
            lines.append(f"…and {len(instalments) - LIST_LINES} more")
        blocks.append(section("*Instalments*\n" + "\n".join(lines)))
    else:
        blocks.append(section("No payment terms yet."))
    if payments:
        recent = payments[-PAYMENT_LINES:]
        lines = [
            f"• {day(payment.received_on)} · {format_money(payment.amount, payment.currency)}"
            f" · recorded by {user(payment.recorded_by)}"
            for payment in recent
        ]
        blocks.append(section("*Payments received*\n" + "\n".join(lines)))
    if may_change and deal.stage == "won":
        blocks.append(
            actions(
                f"payments_{deal.id}", button("Add payment terms", ADD_PAYMENT_TERMS, str(deal.id))
            )
        )
    blocks.append(context(escape(COMMAND_EXAMPLES.format(id=deal.id))))
    text = headline or f"Payments of deal #{deal.id}: {total_owed} outstanding"
    return message(text, blocks)


def payments_summary(
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
    owed = totals_by_currency(
        (outstanding(i.amount, i.paid_amount), i.currency) for i in instalments
    )
    late = totals_by_currency(
        (outstanding(i.amount, i.paid_amount), i.currency) for i in instalments if i.due_on < today
    )
    line = ngettext(
        language,
        "{n} instalment · {collected} · outstanding {owed}",
        "{n} instalments · {collected} · outstanding {owed}",
        len(instalments),
        collected=collected,
        owed=totals(language, _nonzero(owed)),
    )
    if _nonzero(late):
        line += " · " + gettext(
            language, ":warning: overdue {late}", late=totals(language, _nonzero(late))
        )
    return line


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
    instalment: Instalment
    number: int  # its place among the deal's instalments, by due date
    count: int
    today: date  # the deal owner's day: every copy counts days overdue alike
    rules: AlertRules
    history: list[HistoryEntry]
    notes: list[InstalmentNote]
    step: str | None = None  # the step a scheduled alert is for; None when redrawn
    headline: str | None = None  # what someone just did


def _alert_title(view: AlertView) -> str:
    instalment, today = view.instalment, view.today
    if outstanding(instalment.amount, instalment.paid_amount) == 0:
        return ":white_check_mark: Paid in full"
    late = (today - instalment.due_on).days
    if late > 0:
        icon = ":rotating_light:" if late >= view.rules.escalation_days[-1] else ":warning:"
        return f"{icon} Payment {late} day{'s' if late != 1 else ''} overdue"
    if late == 0:
        return ":bell: Payment due today"
    if view.step == REMINDER:
        return f":bell: Payment due in {-late} day{'s' if late != -1 else ''}"
    return f":hourglass_flowing_sand: Payment due {day(instalment.due_on)}"


def alert_message(view: AlertView) -> Message:
    """An alert about one instalment: what is owed, since when, who was told, and buttons."""
    instalment, deal = view.instalment, view.instalment.deal
    owed = outstanding(instalment.amount, instalment.paid_amount)

    def money(value: Decimal) -> str:
        return format_money(value, instalment.currency)

    title = _alert_title(view)
    blocks: list[Block] = [header(title)]
    if view.headline:
        blocks.append(section(view.headline))
    late = days_overdue(instalment.due_on, view.today)
    paid_part = f" ({money(instalment.paid_amount)} of {money(instalment.amount)} paid)"
    blocks.append(
        fields_section(
            [
                f"*Customer*\n{escape(deal.customer.name)}",
                f"*Deal*\n`#{deal.id}` {escape(deal.title)}",
                f"*Instalment*\n{view.number} of {view.count}: {money(instalment.amount)} "
                f"due {day(instalment.due_on)}",
                f"*Outstanding*\n{money(owed)}" + (paid_part if instalment.paid_amount else ""),
                f"*Days overdue*\n{late if late else '—'}",
                f"*Owner*\n{user(deal.owner.slack_user_id)}",
            ]
        )
    )
    if owed and instalment.snoozed_until and instalment.snoozed_until > view.today:
        blocks.append(context(f":zzz: Alerts snoozed until {day(instalment.snoozed_until)}."))
    history = [
        f"• {moment(entry.sent_at)} · {step_label(entry.step, view.rules)} to "
        f"{recipient_mention(entry.recipient)}"
        for entry in view.history[-HISTORY_LINES:]
    ]
    if not history:
        history = ["None before this one." if view.step else "None."]
    blocks.append(section("*Reminders so far*\n" + "\n".join(history)))
    if view.notes:
        notes = [
            f"• {moment(note.created_at)} · {user(note.author.slack_user_id)}: "
            f"{escape(note.text)[:300]}"
            for note in view.notes
        ]
        blocks.append(section("*Notes*\n" + "\n".join(notes)))
    value = str(instalment.id)
    buttons = [button("Open deal", OPEN_DEAL, str(deal.id))]
    if owed:
        buttons = [
            button("Mark paid", MARK_PAID, value, style="primary"),
            button("Snooze", SNOOZE, value),
            button("Add note", ADD_NOTE, value),
            *buttons,
        ]
    blocks.append(actions(f"instalment_{instalment.id}", *buttons))
    first, second, third = view.rules.escalation_days
    blocks.append(
        context(
            f"Instalment {view.number} of {view.count} · days overdue as of {day(view.today)} "
            f"in the owner's time zone · escalation: day {first} the owner, day {second} "
            f"the owner and their manager, day {third} the manager and finance."
        )
    )
    text = (
        f"{title.split(' ', 1)[1]}: {deal.customer.name} — {deal.title}, {money(owed)} outstanding"
    )
    return message(text, blocks)


# --- modals ----------------------------------------------------------------------------------


def _instalment_summary(instalment: Instalment) -> str:
    deal = instalment.deal
    owed = outstanding(instalment.amount, instalment.paid_amount)
    return (
        f"*{escape(deal_name(deal))}* (`#{deal.id}`)\n"
        f"{format_money(instalment.amount, instalment.currency)} due {day(instalment.due_on)} · "
        f"*{format_money(owed, instalment.currency)} outstanding*"
    )


def _modal(
    callback_id: str, title: str, submit: str, meta: PaymentContext, blocks: list[Block]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "private_metadata": meta.dump(),
        "blocks": blocks,
    }


def mark_paid_modal(instalment: Instalment, today: date, meta: PaymentContext) -> dict[str, Any]:
    owed = outstanding(instalment.amount, instalment.paid_amount)
    return _modal(
        MARK_PAID_MODAL,
        "Mark paid",
        "Record",
        meta,
        [
            section(_instalment_summary(instalment)),
            input_block(
                "amount",
                "Amount received",
                text_input("amount", typed_amount(owed), max_length=40),
                hint=f"In {instalment.currency} unless you type another currency. Part of it is "
                "fine: the rest stays open.",
            ),
            input_block("received_on", "Received on", date_input("received_on", today)),
        ],
    )


def snooze_modal(instalment: Instalment, today: date, meta: PaymentContext) -> dict[str, Any]:
    return _modal(
        SNOOZE_MODAL,
        "Snooze alerts",
        "Snooze",
        meta,
        [
            section(_instalment_summary(instalment)),
            input_block(
                "until",
                "No alerts until",
                date_input("until", today + timedelta(days=DEFAULT_SNOOZE_DAYS)),
                hint=f"Alerts start again on this day. At most {MAX_SNOOZE_DAYS} days ahead.",
            ),
        ],
    )


def note_modal(instalment: Instalment, meta: PaymentContext) -> dict[str, Any]:
    return _modal(
        NOTE_MODAL,
        "Add a note",
        "Add",
        meta,
        [
            section(_instalment_summary(instalment)),
            input_block(
                "note",
                "Note",
                text_input("note", None, multiline=True, max_length=MAX_NOTE_CHARS),
                hint="E.g. “The customer promised to pay on Friday.”",
            ),
        ],
    )


def terms_modal(
    deal: Deal, scheduled: Decimal, default_due: date, meta: PaymentContext
) -> dict[str, Any]:
    """Up to TERMS_ROWS instalments; the first defaults to whatever is not scheduled yet."""
    left = max(deal.amount - scheduled, Decimal(0))
    lines = (
        f"*{escape(deal_name(deal))}* (`#{deal.id}`) · {format_money(deal.amount, deal.currency)}"
    )
    if scheduled:
        lines += f"\nAlready scheduled: {format_money(scheduled, deal.currency)}"
    blocks: list[Block] = [section(lines)]
    for row in range(1, TERMS_ROWS + 1):
        first = row == 1
        if not first:
            blocks.append(divider())
        blocks.append(
            input_block(
                f"amount_{row}",
                f"Instalment {row}: amount",
                text_input(
                    f"amount_{row}", typed_amount(left) if first and left else None, max_length=40
                ),
                optional=not first,
                hint=f"In {deal.currency} unless you type another currency." if first else None,
            )
        )
        blocks.append(
            input_block(
                f"due_{row}",
                f"Instalment {row}: due",
                date_input(f"due_{row}", default_due if first else None),
                optional=not first,
            )
        )
    return _modal(TERMS_MODAL, "Payment terms", "Save", meta, blocks)


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
                    reason=escape(ask.reason or ""),
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


def cancelled_alert(item: Cancelled, deal: Deal, headline: str) -> Message:
    """What an alert about an instalment becomes once its unpaid part is cancelled: no
    buttons left to press."""
    owed = format_money(item.amount, item.currency)
    blocks: list[Block] = [
        header(":no_entry_sign: Payment cancelled"),
        section(headline),
        fields_section(
            [
                f"*Customer*\n{escape(deal.customer.name)}",
                f"*Deal*\n`#{deal.id}` {escape(deal.title)}",
                f"*Instalment*\n{item.number} of {item.of}, due {day(item.due_on)}",
                f"*Cancelled*\n{owed} not yet paid",
            ]
        ),
        actions(f"instalment_{item.instalment_id}", button("Open deal", OPEN_DEAL, str(deal.id))),
    ]
    return message(f"Payment cancelled: {deal.customer.name} — {deal.title}, {owed}", blocks)
