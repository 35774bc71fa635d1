"""Payment collection: instalments and payments from /deal, the payment-terms modal, and
the buttons on payment alerts (Mark paid, Snooze, Add note; Open deal lives in deals)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.common import Message, day, notice, problem, user
from blocks.deals import ADD_PAYMENT_TERMS
from blocks.payments import (
    ADD_NOTE,
    DEFAULT_TERMS_DAYS,
    MARK_PAID,
    MARK_PAID_MODAL,
    MAX_SNOOZE_DAYS,
    NOTE_MODAL,
    SNOOZE,
    SNOOZE_MODAL,
    TERMS_MODAL,
    TERMS_ROWS,
    PaymentContext,
    cancelled_text,
    mark_paid_modal,
    note_modal,
    payments_message,
    snooze_modal,
    terms_modal,
)
from handlers.inputs import picked_date, typed, whole_id
from handlers.replies import ack_now, guarded, reply, reply_later
from parsing.amounts import AMOUNT_EXAMPLES, Amount, parse_amount
from parsing.deal_command import DealAddInstalment, DealRecordPayment
from parsing.errors import ParseError
from sales.collections import (
    Cancelled,
    OpenInstalment,
    Overpayment,
    PaymentRefused,
    allocate,
    outstanding,
)
from sales.money import typed_amount
from sales.permissions import Actor, NotAllowed
from services.context import BotContext
from services.home import refresh_home_soon
from services.payment_alerts import redraw_cancelled, refresh_alerts
from store import deals, payments
from store.db import record_id
from store.models import Deal, Instalment
from store.people import person_by_id
from translations import ENGLISH, Language, Text, gettext, marked, msg, ngettext, render
from translations.formats import Money, format_money

INSTALMENT_EXAMPLE = marked("/deal #{id} payment 60k due 2026-12-31")
WON_EXAMPLE = marked("/deal #{id} won")
AMOUNT_EXAMPLE = marked("/deal #{id} amount {typed}")
PAID_EXAMPLE = marked("/deal #{id} paid 20k on yesterday")
PAYMENTS_EXAMPLE = marked("/deal #{id} payments")
CANCEL_EXAMPLE = marked("/deal #{id} payments cancel")
NOTE_MISSING = marked("Write the note, e.g. “The customer promised to pay on Friday.”")


class Refused(NotAllowed):
    """A change that can't be made, with a correct example to copy when there is one."""

    def __init__(self, message: Text | str, example: Text | str | None = None) -> None:
        super().__init__(message)
        self.example = example


def refused(refusal: NotAllowed, language: Language = ENGLISH) -> Message:
    """The refusal, with its example, in the reader's language."""
    example = getattr(refusal, "example", None)
    shown = None if example is None else render(language, example)
    return problem(render(language, refusal.message), shown, language)


def _example(template: str, deal_id: int | None) -> Text:
    """A command to copy about this deal, in the reader's language when rendered."""
    return msg(template, id=deal_id)


def _reader(ctx: BotContext, slack_user_id: str) -> Language:
    return ctx.language_for(ctx.people.known(slack_user_id))


def _amount_problem(error: ParseError, language: Language) -> str:
    """What was wrong with an amount typed into a form, with examples."""
    return gettext(
        language,
        "{problem} For example: {examples}.",
        problem=error.message_in(language),
        examples=gettext(language, AMOUNT_EXAMPLES),
    )


def register(app: App, ctx: BotContext) -> None:
    @app.action(ADD_PAYMENT_TERMS)
    @guarded
    def terms_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        person = ctx.people.known_or_new(body["user"]["id"])
        actor = ctx.people.actor(person)
        today = ctx.today_for(person)
        language = ctx.language_for(person)
        meta = PaymentContext(
            deal_id=whole_id(action["value"]), response_url=body.get("response_url")
        )
        with ctx.db.reading() as session:
            try:
                deal = _won_deal(session, whole_id(action["value"]), actor)
            except NotAllowed as refusal:
                reply(respond, refused(refusal, language))
                return
            scheduled = payments.scheduled(session, deal)
            due = today + timedelta(days=DEFAULT_TERMS_DAYS)
            view = terms_modal(deal, scheduled, due, meta, language)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(TERMS_MODAL)
    @guarded
    def terms_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        user_id = body["user"]["id"]
        meta = PaymentContext.load(view.get("private_metadata", ""))
        if ctx.db.handled(f"view:{view['id']}") is not None:
            ack()  # a redelivery of a form already saved: nothing more to do
            return
        actor = _known_actor(ctx, user_id)
        language = _reader(ctx, user_id)
        rows, errors = _terms_rows(view["state"]["values"], language)
        if not errors:
            with ctx.db.reading() as session:
                try:
                    _check_terms(session, meta.deal_id, actor, rows)
                except NotAllowed as refusal:
                    errors["amount_1"] = render(language, refusal.message)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        assert actor is not None
        assert meta.deal_id is not None

        def save(session: Session) -> str:
            deal = _check_terms(session, meta.deal_id, actor, rows)
            for amount, due_on in rows:
                payments.add_instalment(
                    session,
                    deal,
                    amount=amount.value,
                    currency=deal.currency,
                    due_on=due_on,
                    actor=actor.slack_user_id,
                )
            return f"deal:{deal.id}"

        try:
            ctx.db.run_once(f"view:{view['id']}", save)
        except NotAllowed as refusal:
            reply_later(respond, meta.response_url, refused(refusal, language))
            return
        headline = ngettext(
            language,
            ":calendar: Payment terms saved for deal #{id}: {n} instalment.",
            ":calendar: Payment terms saved for deal #{id}: {n} instalments.",
            len(rows),
            id=meta.deal_id,
        ) + past_due_warning(
            [due_on for _, due_on in rows],
            ctx.today_for(ctx.people.known(user_id)),
            meta.deal_id,
            language,
        )
        answer = _payments_answer(ctx, actor, meta.deal_id, headline=headline)
        reply_later(respond, meta.response_url, answer)
        refresh_home_soon(ctx, client, user_id)

    @app.action(MARK_PAID)
    @guarded
    def mark_paid_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        _open_instalment_modal(ctx, body, action, respond, client, mark_paid_modal)

    @app.action(SNOOZE)
    @guarded
    def snooze_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        _open_instalment_modal(ctx, body, action, respond, client, snooze_modal)

    @app.action(ADD_NOTE)
    @guarded
    def note_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        _open_instalment_modal(
            ctx,
            body,
            action,
            respond,
            client,
            lambda item, _today, meta, language: note_modal(item, meta, language),
        )

    @app.view(MARK_PAID_MODAL)
    @guarded
    def mark_paid_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        user_id = body["user"]["id"]
        meta = PaymentContext.load(view.get("private_metadata", ""))
        if ctx.db.handled(f"view:{view['id']}") is not None:
            ack()  # a redelivery of a form already saved: nothing more to do
            return
        actor = _known_actor(ctx, user_id)
        person = ctx.people.known(user_id)
        today = ctx.today_for(person)
        language = ctx.language_for(person)
        values = view["state"]["values"]
        errors: dict[str, str] = {}
        amount: Amount | None = None
        try:
            amount = parse_amount(typed(values, "amount") or "")
        except ParseError as error:
            errors["amount"] = _amount_problem(error, language)
        received_on = picked_date(values, "received_on")
        if received_on is None:
            errors["received_on"] = gettext(language, "Pick the day the money came in.")
        elif received_on > today:
            errors["received_on"] = gettext(
                language,
                "{day} is still to come. Record a payment once the money is in.",
                day=day(received_on, language),
            )
        if amount is not None:
            with ctx.db.reading() as session:
                try:
                    _plan_for_instalment(session, meta.instalment_id, actor, amount)
                except NotAllowed as refusal:
                    errors["amount"] = render(language, refusal.message)
        if errors or amount is None or received_on is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        assert actor is not None
        assert meta.instalment_id is not None
        paid = amount
        received = received_on

        def save(session: Session) -> str:
            instalment, plan = _plan_for_instalment(session, meta.instalment_id, actor, paid)
            payment = payments.record_payment(
                session,
                instalment.deal,
                amount=paid.value,
                currency=instalment.currency,
                received_on=received,
                plan=plan,
                actor=actor.slack_user_id,
            )
            return f"payment:{payment.id}"

        def headline(first: bool) -> Text | None:
            if not first:
                return None
            with ctx.db.reading() as session:
                instalment = payments.get_instalment(session, meta.instalment_id)
                left = outstanding(instalment.amount, instalment.paid_amount) if instalment else 0
                currency = instalment.currency if instalment else ""
            return _paid_headline(user_id, paid.value, Decimal(left), currency, received)

        _save_and_redraw(ctx, client, respond, view["id"], meta, user_id, save, headline)

    @app.view(SNOOZE_MODAL)
    @guarded
    def snooze_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        user_id = body["user"]["id"]
        meta = PaymentContext.load(view.get("private_metadata", ""))
        if ctx.db.handled(f"view:{view['id']}") is not None:
            ack()  # a redelivery of a form already saved: nothing more to do
            return
        actor = _known_actor(ctx, user_id)
        person = ctx.people.known(user_id)
        today = ctx.today_for(person)
        language = ctx.language_for(person)
        until = picked_date(view["state"]["values"], "until")
        latest = today + timedelta(days=MAX_SNOOZE_DAYS)
        error = None
        if until is None:
            error = gettext(language, "Pick the day the alerts should start again.")
        elif until <= today:
            error = gettext(language, "Pick a day after today: alerts hold until that day.")
        elif until > latest:
            error = gettext(
                language,
                "Alerts can be snoozed for at most {days} days: pick {day} or earlier.",
                days=MAX_SNOOZE_DAYS,
                day=day(latest, language),
            )
        else:
            error = _refusal(ctx, meta.instalment_id, actor, language)
        if error is not None or until is None:
            ack(response_action="errors", errors={"until": error or ""})
            return
        ack()
        assert actor is not None
        assert meta.instalment_id is not None
        snooze_to = until

        def save(session: Session) -> str:
            instalment = _changeable_instalment(session, meta.instalment_id, actor)
            payments.snooze(session, instalment, snooze_to, actor.slack_user_id)
            return f"instalment:{instalment.id}"

        headline = msg(
            ":zzz: {person} snoozed the alerts until {day}.", person=user(user_id), day=snooze_to
        )
        _save_and_redraw(ctx, client, respond, view["id"], meta, user_id, save, lambda _: headline)

    @app.view(NOTE_MODAL)
    @guarded
    def note_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        user_id = body["user"]["id"]
        meta = PaymentContext.load(view.get("private_metadata", ""))
        if ctx.db.handled(f"view:{view['id']}") is not None:
            ack()  # a redelivery of a form already saved: nothing more to do
            return
        actor = _known_actor(ctx, user_id)
        language = _reader(ctx, user_id)
        text = typed(view["state"]["values"], "note")
        error = None
        if text is None:
            error = gettext(language, NOTE_MISSING)
        else:
            error = _refusal(ctx, meta.instalment_id, actor, language)
        if error is not None or text is None:
            ack(response_action="errors", errors={"note": error or ""})
            return
        ack()
        assert actor is not None
        assert meta.instalment_id is not None
        note_text = text

        def save(session: Session) -> str:
            instalment = _changeable_instalment(session, meta.instalment_id, actor)
            author = person_by_id(session, actor.person_id)
            return f"note:{payments.add_note(session, instalment, author, note_text).id}"

        headline = msg(":memo: {person} added a note.", person=user(user_id))
        _save_and_redraw(ctx, client, respond, view["id"], meta, user_id, save, lambda _: headline)


def _paid_headline(
    user_id: str, paid: Decimal, left: Decimal, currency: str, received_on: date
) -> Text:
    """What an alert says once someone recorded money against it, in each copy's language."""
    rest = (
        msg("Paid in full.")
        if not left
        else msg("{amount} still open.", amount=Money(left, currency))
    )
    return msg(
        ":moneybag: {person} recorded {amount} received {day}. {rest}",
        person=user(user_id),
        amount=Money(paid, currency),
        day=received_on,
        rest=rest,
    )


def _refusal(
    ctx: BotContext, instalment_id: int | None, actor: Actor | None, language: Language
) -> str | None:
    """Why this person may not act on the instalment, or None when they may."""
    with ctx.db.reading() as session:
        try:
            _changeable_instalment(session, instalment_id, actor)
        except NotAllowed as refusal:
            return render(language, refusal.message)
    return None


def _save_and_redraw(
    ctx: BotContext,
    client: WebClient,
    respond: Respond,
    view_id: str,
    meta: PaymentContext,
    user_id: str,
    save: Callable[[Session], str],
    headline: Callable[[bool], Text | None],
) -> None:
    """Save an alert form once (a redelivered form saves nothing more), then redraw every
    copy of the alert, each in its reader's language, and the person's Home. `headline`
    gets whether this call saved."""
    try:
        _, first = ctx.db.run_once(f"view:{view_id}", save)
    except NotAllowed as refusal:
        reply_later(respond, meta.response_url, refused(refusal, _reader(ctx, user_id)))
        return
    refresh_alerts(
        ctx,
        client,
        meta.instalment_id,
        also=(meta.channel, meta.message_ts),
        headline=headline(first),
        presser=user_id,
    )
    refresh_home_soon(ctx, client, user_id)


# --- /deal <ref> payment | payments | paid ---------------------------------------------------


def add_instalment(
    ctx: BotContext, actor: Actor, deal_id: int, command: DealAddInstalment, key: str
) -> Message:
    language = _reader(ctx, actor.slack_user_id)

    def save(session: Session) -> str:
        deal = _won_deal(session, deal_id, actor)
        _same_currency(deal, command.amount, _example(INSTALMENT_EXAMPLE, deal.id))
        _within_deal(session, deal, command.amount.value)
        instalment = payments.add_instalment(
            session,
            deal,
            amount=command.amount.value,
            currency=deal.currency,
            due_on=command.due,
            actor=actor.slack_user_id,
        )
        return f"instalment:{instalment.id}"

    try:
        ref, first = ctx.db.run_once(key, save)
    except NotAllowed as refusal:
        return refused(refusal, language)
    if not first:
        headline = gettext(language, "This instalment was already added.")
    else:
        with ctx.db.reading() as session:
            instalment = payments.get_instalment(session, record_id(ref))
            amount = (
                format_money(language, instalment.amount, instalment.currency) if instalment else ""
            )
        today = ctx.today_for(ctx.people.known(actor.slack_user_id))
        headline = gettext(
            language,
            ":calendar: Instalment added to deal #{id}: {amount} due {day}.",
            id=deal_id,
            amount=amount,
            day=day(command.due, language),
        ) + past_due_warning([command.due], today, deal_id, language)
    return _payments_answer(ctx, actor, deal_id, headline=headline)


def list_payments(ctx: BotContext, actor: Actor, deal_id: int) -> Message:
    return _payments_answer(ctx, actor, deal_id)


def record_payment(
    ctx: BotContext,
    client: WebClient,
    actor: Actor,
    deal_id: int,
    command: DealRecordPayment,
    key: str,
) -> Message:
    """Money received: it settles the oldest open instalments first."""
    language = _reader(ctx, actor.slack_user_id)

    def save(session: Session) -> str:
        deal = _payable_deal(session, deal_id, actor)
        _same_currency(deal, command.amount, _example(PAID_EXAMPLE, deal.id))
        open_items = [
            OpenInstalment(item.id, item.due_on, outstanding(item.amount, item.paid_amount))
            for item in payments.instalments_of(session, deal.id)
            if item.currency == deal.currency
        ]
        if not open_items:
            raise Refused(
                msg(
                    "Deal #{id} has no payment terms yet, so no payment is expected. "
                    "Add its instalments first.",
                    id=deal.id,
                ),
                example=_example(INSTALMENT_EXAMPLE, deal.id),
            )
        plan = _allocated(open_items, command.amount.value, deal.currency, deal.id)
        payment = payments.record_payment(
            session,
            deal,
            amount=command.amount.value,
            currency=deal.currency,
            received_on=command.received_on,
            plan=plan,
            actor=actor.slack_user_id,
        )
        return f"payment:{payment.id}"

    try:
        ref, first = ctx.db.run_once(key, save)
    except NotAllowed as refusal:
        return refused(refusal, language)
    with ctx.db.reading() as session:
        payment = payments.get_payment(session, record_id(ref))
        numbers = {
            item.id: (number, item)
            for number, item in enumerate(payments.instalments_of(session, deal_id), start=1)
        }
        settled = [
            _settled_text(*numbers[allocation.instalment_id], allocation.amount, language)
            for allocation in (payment.allocations if payment else [])
            if allocation.instalment_id in numbers
        ]
        touched = (
            [allocation.instalment_id for allocation in payment.allocations] if payment else []
        )
        amount = format_money(language, payment.amount, payment.currency) if payment else ""
    if first:
        for instalment_id in touched:
            refresh_alerts(ctx, client, instalment_id)
    headline = (
        gettext(
            language,
            ":moneybag: Recorded {amount} received {day} for deal #{id}: {settled}.",
            amount=amount,
            day=day(command.received_on, language),
            id=deal_id,
            settled=gettext(language, "; ").join(settled),
        )
        if first
        else gettext(language, "This payment was already recorded.")
    )
    return _payments_answer(ctx, actor, deal_id, headline=headline)


def _settled_text(number: int, instalment: Instalment, applied: Decimal, language: Language) -> str:
    amount = format_money(language, applied, instalment.currency)
    if instalment.paid_amount >= instalment.amount:
        return gettext(
            language, "instalment {number} paid in full ({amount})", number=number, amount=amount
        )
    left = format_money(language, instalment.amount - instalment.paid_amount, instalment.currency)
    return gettext(
        language,
        "{amount} toward instalment {number} ({left} still open)",
        amount=amount,
        number=number,
        left=left,
    )


def _payments_answer(
    ctx: BotContext, actor: Actor, deal_id: int, *, headline: str | None = None
) -> Message:
    language = _reader(ctx, actor.slack_user_id)
    with ctx.db.reading() as session:
        deal = deals.get_deal(session, deal_id)
        if deal is None:
            return notice(gettext(language, "Deal #{id} no longer exists.", id=deal_id))
        return payments_message(
            deal,
            payments.instalments_of(session, deal.id),
            payments.payments_of(session, deal.id),
            # Overdue on the owner's calendar, as the alerts count it, whoever asks.
            ctx.today_for(deal.owner),
            may_change=actor.may_change(deal.owner_id),
            headline=headline,
            language=language,
        )


def cancel_schedule(
    ctx: BotContext, client: WebClient, actor: Actor, deal_id: int, key: str
) -> Message:
    """`/deal <ref> payments cancel`: what is not yet paid of the terms is cancelled
    (audited); what was paid stays recorded. Alerts already sent about it say so."""
    language = _reader(ctx, actor.slack_user_id)
    cancelled: list[Cancelled] = []

    def save(session: Session) -> str:
        nonlocal cancelled
        deal = _changeable_deal(session, deal_id, actor)
        cancelled = payments.cancel_unpaid(session, deal, actor.slack_user_id)
        if not cancelled:
            raise Refused(
                msg(
                    "Deal #{id} has nothing scheduled that is not yet paid: nothing to cancel.",
                    id=deal.id,
                ),
                example=_example(PAYMENTS_EXAMPLE, deal.id),
            )
        return f"deal:{deal.id}"

    try:
        _, first = ctx.db.run_once(key, save)
    except NotAllowed as refusal:
        return refused(refusal, language)
    if not first:
        already = gettext(language, "This schedule was already cancelled.")
        return _payments_answer(ctx, actor, deal_id, headline=already)
    redraw_cancelled(
        ctx,
        client,
        deal_id,
        cancelled,
        msg(
            "{person} cancelled what was not yet paid of deal #{id}.",
            person=user(actor.slack_user_id),
            id=deal_id,
        ),
    )
    headline = gettext(
        language,
        ":wastebasket: Cancelled what was not yet paid of deal #{id}'s payment terms: "
        "{cancelled}. Payments already received stay recorded.",
        id=deal_id,
        cancelled=cancelled_text(cancelled, language),
    )
    return _payments_answer(ctx, actor, deal_id, headline=headline)


def past_due_warning(
    due_dates: list[date], today: date, deal_id: int, language: Language = ENGLISH
) -> str:
    """A due date that has passed is kept (terms agreed earlier, entered late), but never
    silently: the instalment is overdue at once, and its alerts start."""
    passed = sorted(due for due in due_dates if due < today)
    if not passed:
        return ""
    when = gettext(language, ", ").join(day(due, language) for due in passed)
    return "\n" + ngettext(
        language,
        ":warning: {when} has already passed, so that instalment is overdue from today and "
        "its payment alerts start. If that was a typo, cancel it (`/deal #{id} payments "
        "cancel`) and add it again.",
        ":warning: {when} have already passed, so those instalments are overdue from today "
        "and their payment alerts start. If that was a typo, cancel them (`/deal #{id} "
        "payments cancel`) and add them again.",
        len(passed),
        when=when,
        id=deal_id,
    )


# --- checks ----------------------------------------------------------------------------------


def _known_actor(ctx: BotContext, slack_user_id: str) -> Actor | None:
    """The actor behind a modal submission (known since they pressed the button)."""
    person = ctx.people.known(slack_user_id)
    return ctx.people.actor(person) if person is not None else None


def _changeable_deal(session: Session, deal_id: int | None, actor: Actor | None) -> Deal:
    deal = deals.get_deal(session, deal_id) if deal_id is not None else None
    if deal is None:
        raise Refused(msg("There is no deal #{id}.", id=deal_id), example=msg("/deal list"))
    if actor is None or not actor.may_change(deal.owner_id):
        raise Refused(
            msg(
                "Deal #{id} belongs to someone else: only its owner, their manager or an "
                "admin can change its payments.",
                id=deal.id,
            )
        )
    return deal


def _payable_deal(session: Session, deal_id: int | None, actor: Actor | None) -> Deal:
    """A deal money can come in for: won, or reopened from won with its schedule kept."""
    deal = _changeable_deal(session, deal_id, actor)
    if deal.stage != "lost" and payments.instalments_of(session, deal.id):
        return deal
    return _won_deal(session, deal_id, actor)


def _won_deal(session: Session, deal_id: int | None, actor: Actor | None) -> Deal:
    deal = _changeable_deal(session, deal_id, actor)
    if deal.stage != "won":
        raise Refused(
            msg(
                "Deal #{id} isn't won yet: payment terms and payments belong to won deals.",
                id=deal.id,
            ),
            example=_example(WON_EXAMPLE, deal.id),
        )
    return deal


def _same_currency(deal: Deal, amount: Amount, example: Text) -> None:
    if amount.currency not in (None, deal.currency):
        raise Refused(
            msg(
                "Deal #{id} is in {currency}, so its payments are too; this amount is in {other}.",
                id=deal.id,
                currency=deal.currency,
                other=amount.currency,
            ),
            example=example,
        )


def _within_deal(session: Session, deal: Deal, adding: Decimal) -> None:
    """Instalments never add up to more than the deal is worth."""
    scheduled = payments.scheduled(session, deal)
    if scheduled + adding > deal.amount:
        left = max(deal.amount - scheduled, Decimal(0))
        raise Refused(
            msg(
                "That would schedule {total}, more than deal #{id}'s {amount}: at most {left} "
                "is left to schedule. If the deal grew, change its amount first.",
                total=Money(scheduled + adding, deal.currency),
                id=deal.id,
                amount=Money(deal.amount, deal.currency),
                left=Money(left, deal.currency),
            ),
            example=msg(AMOUNT_EXAMPLE, id=deal.id, typed=typed_amount(scheduled + adding)),
        )


def _check_terms(
    session: Session, deal_id: int | None, actor: Actor | None, rows: list[tuple[Amount, date]]
) -> Deal:
    deal = _won_deal(session, deal_id, actor)
    for amount, _ in rows:
        _same_currency(deal, amount, _example(INSTALMENT_EXAMPLE, deal.id))
    _within_deal(session, deal, sum((amount.value for amount, _ in rows), Decimal(0)))
    return deal


def _terms_rows(
    values: dict[str, Any], language: Language
) -> tuple[list[tuple[Amount, date]], dict[str, str]]:
    """The instalments typed into the payment-terms modal, or the error under each field."""
    rows: list[tuple[Amount, date]] = []
    errors: dict[str, str] = {}
    for row in range(1, TERMS_ROWS + 1):
        amount_id, due_id = f"amount_{row}", f"due_{row}"
        text, due_on = typed(values, amount_id), picked_date(values, due_id)
        if text is None and due_on is None:
            continue
        if text is None:
            errors[amount_id] = gettext(
                language, "Type this instalment's amount, or clear its due date."
            )
            continue
        try:
            amount = parse_amount(text)
        except ParseError as error:
            errors[amount_id] = _amount_problem(error, language)
            continue
        if amount.value == 0:
            errors[amount_id] = gettext(language, "An instalment must be more than zero.")
        elif due_on is None:
            errors[due_id] = gettext(language, "Pick the day this instalment is due.")
        else:
            rows.append((amount, due_on))
    if not rows and not errors:
        errors["amount_1"] = gettext(
            language, "Add at least one instalment: its amount and due date."
        )
    return rows, errors


def _changeable_instalment(
    session: Session, instalment_id: int | None, actor: Actor | None
) -> Instalment:
    instalment = (
        payments.get_instalment(session, instalment_id) if instalment_id is not None else None
    )
    if instalment is None:
        raise Refused(msg("This instalment no longer exists."))
    if actor is None or not actor.may_change(instalment.deal.owner_id):
        raise Refused(
            msg(
                "Deal #{id} belongs to someone else: only its owner, their manager or an "
                "admin can record payments, snooze its alerts or add notes.",
                id=instalment.deal_id,
            )
        )
    return instalment


def _plan_for_instalment(
    session: Session, instalment_id: int | None, actor: Actor | None, amount: Amount
) -> tuple[Instalment, list[tuple[int, Decimal]]]:
    """Paying this one instalment (from its alert): checked, and how it is settled."""
    instalment = _changeable_instalment(session, instalment_id, actor)
    if amount.currency not in (None, instalment.currency):
        raise Refused(
            msg(
                "This instalment is in {currency}; the amount is in {other}.",
                currency=instalment.currency,
                other=amount.currency,
            )
        )
    owed = outstanding(instalment.amount, instalment.paid_amount)
    if owed == 0:
        raise Refused(msg("This instalment is already paid in full."))
    item = OpenInstalment(instalment.id, instalment.due_on, owed)
    return instalment, _allocated([item], amount.value, instalment.currency, None)


def _allocated(
    items: list[OpenInstalment], amount: Decimal, currency: str, deal_id: int | None
) -> list[tuple[int, Decimal]]:
    """How a payment settles `items` (those of deal `deal_id`, or the one instalment of an
    alert when None), or the refusal to record it."""
    try:
        return allocate(items, amount)
    except Overpayment as over:
        if over.open_total == 0 and deal_id is None:
            raise Refused(msg("Everything on this instalment is paid already.")) from over
        if over.open_total == 0:
            raise Refused(
                msg("Everything on deal #{id} is paid already; nothing is owed.", id=deal_id)
            ) from over
        figures = {
            "amount": Money(amount, currency),
            "owed": Money(over.open_total, currency),
            "excess": Money(over.excess, currency),
        }
        if deal_id is None:
            raise Refused(
                msg(
                    "{amount} is more than the {owed} still owed on this instalment, by "
                    "{excess}. Record at most {owed}; if more was agreed, add an instalment "
                    "for it first.",
                    **figures,
                )
            ) from over
        raise Refused(
            msg(
                "{amount} is more than the {owed} still owed on deal #{id}, by {excess}. Record "
                "at most {owed}; if more was agreed, add an instalment for it first.",
                id=deal_id,
                **figures,
            )
        ) from over
    except PaymentRefused as refusal:
        raise Refused(msg(refusal.message)) from refusal


def _open_instalment_modal(
    ctx: BotContext,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    build: Callable[[Instalment, date, PaymentContext, Language], dict[str, Any]],
) -> None:
    """A button on an alert: check the presser may act on the instalment, open its modal
    in the presser's language."""
    person = ctx.people.known_or_new(body["user"]["id"])
    actor = ctx.people.actor(person)
    today = ctx.today_for(person)
    language = ctx.language_for(person)
    container = body.get("container") or {}
    meta = PaymentContext(
        instalment_id=whole_id(action["value"]),
        channel=container.get("channel_id"),
        message_ts=container.get("message_ts"),
        response_url=body.get("response_url"),
    )
    with ctx.db.reading() as session:
        try:
            instalment = _changeable_instalment(session, meta.instalment_id, actor)
        except NotAllowed as refusal:
            reply(respond, refused(refusal, language))
            return
        if outstanding(instalment.amount, instalment.paid_amount) == 0:
            already = gettext(
                language, "This instalment is already paid in full: nothing to chase."
            )
            reply(respond, notice(already))
            return
        view = build(instalment, today, meta, language)
    client.views_open(trigger_id=body["trigger_id"], view=view)
