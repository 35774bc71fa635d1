"""/deal: create, show, list and change deals; the create modal; stage and choice buttons."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.common import Message, context, day, notice, parse_problem, problem, user
from blocks.deals import (
    BANT,
    DEAL_MODAL,
    MOVE_STAGE,
    PICK_DEAL,
    deal_card,
    deal_choices,
    deal_create_modal,
    deal_help,
    deal_list,
    stage_label,
    stage_name,
)
from blocks.pacing import MY_DEALS
from blocks.payments import (
    CANCEL_UNPAID,
    OPEN_DEAL,
    REOPEN_KEEP,
    STAY_WON,
    LeaveWon,
    cancelled_text,
    leave_won_prompt,
    payments_summary,
)
from blocks.visits import ModalContext
from handlers.inputs import (
    CUSTOMER_MISSING,
    checked,
    command_text,
    picked_date,
    selected_customer,
    selected_value,
    typed,
    whole_id,
)
from handlers.payments import (
    Refused,
    add_instalment,
    cancel_schedule,
    list_payments,
    record_payment,
    refused,
)
from handlers.replies import ack_now, guarded, reply, reply_later
from parsing.amounts import parse_amount
from parsing.deal_command import (
    DealAddInstalment,
    DealAddNote,
    DealCancelSchedule,
    DealCommand,
    DealCreate,
    DealHelp,
    DealList,
    DealLost,
    DealOpenCreateModal,
    DealPayments,
    DealRecordPayment,
    DealRef,
    DealSetAmount,
    DealSetClose,
    DealSetStage,
    DealShow,
    DealWon,
    parse_deal_command,
)
from parsing.errors import ParseError
from sales.collections import Cancelled
from sales.money import typed_amount
from sales.permissions import Actor, NotAllowed
from sales.stages import DEFAULT_STAGE, LOST, STAGES, WON, find_stage
from services.context import BotContext
from services.home import refresh_home_soon
from services.payment_alerts import redraw_cancelled
from store import deals, payments, visits
from store.db import record_id
from store.deals import NewDeal
from store.models import Deal
from store.people import person_by_id
from translations import ENGLISH, Language, gettext, marked, msg
from translations.formats import format_money

STAGE_NOT_HERE = marked("That stage can't be chosen here.")
ALREADY_MADE = marked("This change was already made.")
DealChange = DealSetStage | DealSetAmount | DealSetClose | DealWon | DealLost | DealAddNote
MAX_CHOICES = 5


def register(app: App, ctx: BotContext) -> None:
    @app.command("/deal")
    @guarded
    def deal_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, body: dict[str, Any]
    ) -> None:
        text = command_text(command)
        if text.strip().casefold() in ("", "new"):
            ack_now(ack)  # the modal opens with the trigger, before Slack sees the ack
            # Known people only: looking someone up in Slack could outlast the trigger.
            known = ctx.people.known(command["user_id"])
            language = ctx.language_for(known)
            currency = ctx.currency_for(known.id if known else None)
            view = deal_create_modal(command.get("response_url"), currency, language)
            client.views_open(trigger_id=command["trigger_id"], view=view)
            return
        ack()
        actor = ctx.people.actor_for(command["user_id"])
        _run_text(ctx, actor, text, respond, client, key=f"command:{command['trigger_id']}")

    @app.action(re.compile(rf"^{PICK_DEAL}_\d+$"))
    @guarded
    def deal_picked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        key = f"action:{actor.slack_user_id}:{action['action_ts']}"
        _run_text(ctx, actor, action["value"], respond, client, key=key, replace=True)

    @app.action(MOVE_STAGE)
    @guarded
    def stage_picked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        language = _language(ctx, actor)
        deal_id, _, stage_key = action["selected_option"]["value"].partition(":")
        stage = find_stage(stage_key)
        if not deal_id.isdigit() or stage is None or stage == LOST:
            refusal = gettext(language, STAGE_NOT_HERE)
            reply(respond, problem(refusal, "/deal #12 lost <reason>", language))
            return
        ref = DealRef(deal_id=whole_id(deal_id), text=None)
        change: DealChange = DealWon(ref) if stage == WON else DealSetStage(ref, stage)
        key = f"action:{actor.slack_user_id}:{action['action_ts']}"
        _change(ctx, actor, change, respond, key=key, replace=True)
        refresh_home_soon(ctx, client, actor.slack_user_id)

    @app.action(REOPEN_KEEP)
    @guarded
    def keep_schedule_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        _leave_won_pressed(ctx, body, action, respond, client, cancel=False)

    @app.action(CANCEL_UNPAID)
    @guarded
    def cancel_unpaid_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        _leave_won_pressed(ctx, body, action, respond, client, cancel=True)

    @app.action(STAY_WON)
    @guarded
    def stay_won_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        deal_id = LeaveWon.load(action["value"]).deal_id
        target = _resolve(ctx, actor, DealRef(deal_id=deal_id), "")
        if not isinstance(target, int):
            reply(respond, target)
            return
        headline = gettext(
            _language(ctx, actor),
            "Nothing changed: deal #{id} stays won, with its payment schedule.",
            id=deal_id,
        )
        reply(respond, _card(ctx, actor, target, headline=headline), replace=True)

    @app.action(OPEN_DEAL)
    @guarded
    def open_deal_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        target = _resolve(ctx, actor, DealRef(deal_id=whole_id(action["value"])), "")
        reply(respond, _card(ctx, actor, target) if isinstance(target, int) else target)

    @app.action(MY_DEALS)
    @guarded
    def my_deals_pressed(
        ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        reply(respond, _list(ctx, actor, "mine"))

    @app.view(DEAL_MODAL)
    @guarded
    def deal_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        user_id = body["user"]["id"]
        known = ctx.people.known(user_id)
        language = ctx.language_for(known)
        new, errors = _deal_from_modal(
            view["state"]["values"], ctx.currency_for(known.id if known else None), language
        )
        if new is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        modal = ModalContext.load(view.get("private_metadata", ""))
        actor = ctx.people.actor_for(user_id)
        ref, _ = ctx.db.run_once(
            f"view:{view['id']}",
            lambda session: f"deal:{deals.create_deal(session, actor.person_id, new).id}",
        )
        today = ctx.today_for(ctx.people.known(user_id))
        headline = gettext(language, ":sparkles: Deal created.") + past_close_warning(
            new.expected_close, today, language
        )
        answer = _card(ctx, actor, record_id(ref), headline=headline)
        reply_later(respond, modal.response_url, answer)
        refresh_home_soon(ctx, client, user_id)


def _leave_won_pressed(
    ctx: BotContext,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    cancel: bool,
) -> None:
    actor = ctx.people.actor_for(body["user"]["id"])
    key = f"action:{actor.slack_user_id}:{action['action_ts']}"
    ask = LeaveWon.load(action["value"])
    answer = _leave_won(ctx, client, actor, ask, cancel=cancel, key=key)
    reply(respond, answer, replace=True)
    refresh_home_soon(ctx, client, actor.slack_user_id)


def _run_text(
    ctx: BotContext,
    actor: Actor,
    text: str,
    respond: Respond,
    client: WebClient,
    *,
    key: str,
    replace: bool = False,
) -> None:
    """Parse a /deal command line and carry it out."""
    person = ctx.people.known(actor.slack_user_id)
    try:
        command = parse_deal_command(text, ctx.today_for(person))
    except ParseError as error:
        reply(respond, parse_problem(error, ctx.language_for(person)))
        return
    answer = _answer(ctx, actor, command, text, respond, client, key=key, replace=replace)
    if answer is not None:
        reply(respond, answer, replace=replace)
    refresh_home_soon(ctx, client, actor.slack_user_id)


def _answer(
    ctx: BotContext,
    actor: Actor,
    command: DealCommand,
    text: str,
    respond: Respond,
    client: WebClient,
    *,
    key: str,
    replace: bool,
) -> Message | None:
    match command:
        case DealHelp():
            return deal_help(_language(ctx, actor))
        case DealOpenCreateModal():
            return notice(
                gettext(_language(ctx, actor), "Type `/deal new` to open the new-deal form.")
            )
        case DealList(scope=scope):
            return _list(ctx, actor, scope)
        case DealCreate():
            return _create(ctx, actor, command, key)
        case DealShow(ref=ref):
            target = _resolve(ctx, actor, ref, _rest_after_ref(text, ref))
            return _card(ctx, actor, target) if isinstance(target, int) else target
        case (
            DealPayments(ref=ref)
            | DealAddInstalment(ref=ref)
            | DealRecordPayment(ref=ref)
            | DealCancelSchedule(ref=ref)
        ):
            target = _resolve(ctx, actor, ref, _rest_after_ref(text, ref))
            if not isinstance(target, int):
                return target
            if isinstance(command, DealCancelSchedule):
                return cancel_schedule(ctx, client, actor, target, key)
            if isinstance(command, DealAddInstalment):
                return add_instalment(ctx, actor, target, command, key)
            if isinstance(command, DealRecordPayment):
                return record_payment(ctx, client, actor, target, command, key)
            return list_payments(ctx, actor, target)
        case _:
            _change(ctx, actor, command, respond, key=key, replace=replace, text=text)
            return None


def _language(ctx: BotContext, actor: Actor) -> Language:
    return ctx.language_for(ctx.people.known(actor.slack_user_id))


def _list(ctx: BotContext, actor: Actor, scope: str) -> Message:
    language = _language(ctx, actor)
    owners = frozenset({actor.person_id}) if scope == "mine" else actor.visible_owners()
    if owners is None:
        # L10N: whose deals a list shows, after "Open deals".
        label = gettext(language, "— everyone's")
    elif owners == {actor.person_id}:
        # L10N: whose deals a list shows, after "Open deals".
        label = gettext(language, "— yours")
    else:
        # L10N: whose deals a list shows, after "Open deals".
        label = gettext(language, "— yours and your teams'")
    with ctx.db.reading() as session:
        answer = deal_list(deals.open_deals(session, owners), label, language)
    if scope == "all" and owners == {actor.person_id}:
        answer["blocks"].append(
            context(gettext(language, "Reps see their own deals; managers also their teams'."))
        )
    return answer


def _create(ctx: BotContext, actor: Actor, command: DealCreate, key: str) -> Message:
    new = NewDeal(
        customer_name=command.customer,
        title=command.title,
        amount=command.amount.value,
        currency=command.amount.currency or ctx.currency_for(actor.person_id),
        stage=(command.stage or DEFAULT_STAGE).key,
        expected_close=command.close,
    )
    ref, first = ctx.db.run_once(
        key, lambda session: f"deal:{deals.create_deal(session, actor.person_id, new).id}"
    )
    today = ctx.today_for(ctx.people.known(actor.slack_user_id))
    language = _language(ctx, actor)
    headline = (
        gettext(language, ":sparkles: Deal created.")
        + past_close_warning(command.close, today, language)
        if first
        else gettext(language, "This deal was already created.")
    )
    return _card(ctx, actor, record_id(ref), headline=headline)


def _change(
    ctx: BotContext,
    actor: Actor,
    command: DealChange,
    respond: Respond,
    *,
    key: str,
    replace: bool,
    text: str = "",
) -> None:
    target = _resolve(ctx, actor, command.ref, _rest_after_ref(text, command.ref))
    if not isinstance(target, int):
        reply(respond, target)
        return
    today = ctx.today_for(ctx.people.known(actor.slack_user_id))
    language = _language(ctx, actor)
    if isinstance(command, DealSetStage | DealLost):
        prompt = _leave_won_prompt(ctx, actor, target, command)
        if prompt is not None:
            reply(respond, prompt, replace=replace)
            return
    headline = gettext(language, ALREADY_MADE)

    def apply(session: Session) -> str:
        nonlocal headline
        deal = _changeable_deal(session, actor, target)
        headline = _apply_change(session, deal, command, actor, today, language)
        return f"deal:{deal.id}"

    try:
        ctx.db.run_once(key, apply)
    except NotAllowed as refusal:
        reply(respond, refused(refusal, language))
        return
    reply(respond, _card(ctx, actor, target, headline=headline), replace=replace)


def _changeable_deal(session: Session, actor: Actor, deal_id: int) -> Deal:
    deal = deals.get_deal(session, deal_id)
    if deal is None or not actor.may_change(deal.owner_id):
        raise NotAllowed(
            msg(
                "Deal #{id} belongs to someone else: only its owner, their manager or an "
                "admin can change it.",
                id=deal_id,
            )
        )
    return deal


def _leave_won_prompt(
    ctx: BotContext, actor: Actor, deal_id: int, command: DealSetStage | DealLost
) -> Message | None:
    """The question to ask before a won deal with money still owed leaves "won"; None
    when there is nothing to ask (the change then goes ahead, or is refused, as usual)."""
    stage = LOST if isinstance(command, DealLost) else command.stage
    with ctx.db.reading() as session:
        deal = deals.get_deal(session, deal_id)
        if deal is None or not actor.may_change(deal.owner_id) or deal.stage != WON.key:
            return None
        if stage == WON:
            return None
        if not payments.owed_on(session, deal):
            return None
        schedule = payments.instalments_of(session, deal.id)
        reason = command.reason if isinstance(command, DealLost) else None
        ask = LeaveWon(deal_id=deal.id, stage=stage.key, reason=reason)
        language = _language(ctx, actor)
        return leave_won_prompt(
            deal,
            ask,
            stage_name(stage.key, language),
            schedule,
            ctx.today_for(deal.owner),
            language,
        )


def _leave_won(
    ctx: BotContext, client: WebClient, actor: Actor, ask: LeaveWon, *, cancel: bool, key: str
) -> Message:
    """Carry out the choice pressed on the prompt: move the deal, and cancel what is unpaid
    if asked (always, for lost). Checked again now: who pressed, and that it is still won."""
    language = _language(ctx, actor)
    stage = find_stage(ask.stage)
    if stage is None or stage == WON:
        return problem(gettext(language, STAGE_NOT_HERE), "/deal #12 stage lead", language)
    cancel = cancel or stage == LOST
    headline = gettext(language, ALREADY_MADE)
    cancelled: list[Cancelled] = []

    def apply(session: Session) -> str:
        nonlocal headline, cancelled
        deal = _changeable_deal(session, actor, ask.deal_id)
        if deal.stage != WON.key:
            raise Refused(
                msg(
                    "Deal #{id} is no longer won (it is {stage} now), so nothing was changed.",
                    id=deal.id,
                    stage=stage_label(deal.stage, language),
                ),
                example=f"/deal #{deal.id}",
            )
        me = person_by_id(session, actor.person_id)
        # The reason is stored, so it stays in English whoever marked the deal lost.
        reason = (ask.reason or "no reason given") if stage == LOST else None
        deals.change_stage(session, deal, stage.key, me, lost_reason=reason)
        cancelled = payments.cancel_unpaid(session, deal, actor.slack_user_id) if cancel else []
        moved = (
            gettext(language, "Deal #{id} marked lost: {reason}.", id=deal.id, reason=reason)
            if stage == LOST
            else gettext(
                language,
                ":arrow_right: Deal #{id} moved from {before} to {after}.",
                id=deal.id,
                before=stage_label(WON.key, language),
                after=stage_label(stage.key, language),
            )
        )
        if cancelled:
            headline = gettext(
                language,
                "{moved} Cancelled what was not yet paid: {cancelled}.",
                moved=moved,
                cancelled=cancelled_text(cancelled, language),
            )
        else:
            owed = format_money(language, payments.owed_on(session, deal), deal.currency)
            headline = gettext(
                language,
                "{moved} Its payment schedule stays: {owed} still owed, still in payment "
                "alerts, the digest and Home. To cancel it: `/deal #{id} payments cancel`.",
                moved=moved,
                owed=owed,
                id=deal.id,
            )
        return f"deal:{deal.id}"

    try:
        _, first = ctx.db.run_once(key, apply)
    except NotAllowed as refusal:
        return refused(refusal, language)
    if first and cancelled:
        what = "marked it lost" if stage == LOST else f"moved it to {stage.label}"
        redraw_cancelled(
            ctx,
            client,
            ask.deal_id,
            cancelled,
            f"{user(actor.slack_user_id)} {what} and cancelled what was not yet paid.",
        )
    return _card(ctx, actor, ask.deal_id, headline=headline)


def _apply_change(
    session: Session,
    deal: Deal,
    command: DealChange,
    actor: Actor,
    today: date,
    language: Language,
) -> str:
    """Make the change and say what happened, in one line."""
    me = person_by_id(session, actor.person_id)
    deal_id = deal.id
    if isinstance(command, DealWon | DealSetStage):
        stage = WON if isinstance(command, DealWon) else command.stage
        before = deal.stage
        if not deals.change_stage(session, deal, stage.key, me):
            return gettext(
                language,
                "Deal #{id} is already {stage}.",
                id=deal_id,
                stage=stage_label(stage.key, language),
            )
        if stage == WON:
            return gettext(language, ":tada: Deal #{id} is won! Congratulations.", id=deal_id)
        return gettext(
            language,
            ":arrow_right: Deal #{id} moved from {before} to {after}.",
            id=deal_id,
            before=stage_label(before, language),
            after=stage_label(stage.key, language),
        )
    if isinstance(command, DealLost):
        deals.change_stage(session, deal, LOST.key, me, lost_reason=command.reason)
        return gettext(
            language, "Deal #{id} marked lost: {reason}", id=deal_id, reason=command.reason
        )
    if isinstance(command, DealSetAmount):
        _within_schedule(session, deal, command, language)
        was = format_money(language, deal.amount, deal.currency)
        deals.update_deal(
            session, deal, me, amount=command.amount.value, currency=command.amount.currency
        )
        return gettext(
            language,
            "Deal #{id} amount set to {amount} (was {was}).",
            id=deal_id,
            amount=format_money(language, deal.amount, deal.currency),
            was=was,
        )
    if isinstance(command, DealSetClose):
        deals.update_deal(session, deal, me, expected_close=command.close)
        return gettext(
            language,
            "Deal #{id} expected close set to {day}.",
            id=deal_id,
            day=day(command.close, language),
        ) + past_close_warning(command.close, today, language)
    deals.add_note(session, deal, me, command.text)
    return gettext(language, ":memo: Note added to Deal #{id}.", id=deal_id)


def past_close_warning(close: date | None, today: date, language: Language = ENGLISH) -> str:
    """A date that has passed is kept (a rep may be catching up), but never silently."""
    if close is None or close >= today:
        return ""
    return "\n" + gettext(
        language,
        ":warning: {day} has already passed, so the deal counts as overdue to close. "
        "If that was a typo, set the date again.",
        day=day(close, language),
    )


def _within_schedule(
    session: Session, deal: Deal, command: DealSetAmount, language: Language
) -> None:
    """A deal is never worth less than its payment terms, nor in another currency."""
    schedule = payments.instalments_of(session, deal.id)
    if not schedule:
        return
    example = f"/deal #{deal.id} payments cancel"
    currency = command.amount.currency or deal.currency
    scheduled = payments.scheduled(session, deal)

    def money(value: Decimal) -> str:
        return format_money(language, value, deal.currency)

    if currency != deal.currency:
        raise Refused(
            gettext(
                language,
                "Deal #{id} has payment terms in {currency} ({scheduled}), so its amount stays "
                "in {currency}. Change the schedule first: cancel what is not yet paid, then "
                "set the amount and add new instalments.",
                id=deal.id,
                currency=deal.currency,
                scheduled=money(scheduled),
            ),
            example=example,
        )
    if command.amount.value >= scheduled:
        return
    paid = sum((item.paid_amount for item in schedule), Decimal(0))
    new = money(command.amount.value)
    if command.amount.value < paid:
        raise Refused(
            gettext(
                language,
                "{paid} of deal #{id} is already paid, so it can't be worth {new}: a deal is "
                "worth at least what was received for it.",
                paid=money(paid),
                id=deal.id,
                new=new,
            )
        )
    raise Refused(
        gettext(
            language,
            "Deal #{id} has {scheduled} scheduled in its payment terms, more than {new}. Change "
            "the schedule first: `/deal #{id} payments cancel` cancels what is not yet paid "
            "({unpaid}); then set the amount (`/deal #{id} amount {typed}`) and add the new "
            "instalments (`/deal #{id} payment <amount> due <date>`).",
            id=deal.id,
            scheduled=money(scheduled),
            new=new,
            unpaid=money(scheduled - paid),
            typed=typed_amount(command.amount.value),
        ),
        example=example,
    )


def _resolve(ctx: BotContext, actor: Actor, ref: DealRef, rest: str) -> int | Message:
    """The id of the one deal `ref` names that the actor may see, or the answer to give."""
    language = _language(ctx, actor)
    with ctx.db.reading() as session:
        if ref.deal_id is not None:
            deal = deals.get_deal(session, ref.deal_id)
            if deal is None:
                missing = gettext(language, "There is no deal #{id}.", id=ref.deal_id)
                return problem(missing, "/deal list", language)
            if not actor.may_see(deal.owner_id):
                refusal = gettext(
                    language,
                    "Deal #{id} belongs to someone else: only its owner, their manager or an "
                    "admin can see or change it.",
                    id=ref.deal_id,
                )
                return problem(refusal, language=language)
            return deal.id
        matches = deals.find_deals(session, ref.text or "", actor.visible_owners(), MAX_CHOICES + 1)
        open_matches = [deal for deal in matches if STAGES[deal.stage].is_open]
        candidates = open_matches or matches
        if len(candidates) == 1:
            return candidates[0].id
        if not candidates:
            none = gettext(language, "No deal you can see matches “{ref}”.", ref=ref.text)
            return problem(none, "/deal list", language)
        return deal_choices(candidates, rest, str(ref), language)


def _rest_after_ref(text: str, ref: DealRef) -> str:
    """What followed the reference in the command, to re-run it on the deal picked."""
    words = text.split()
    return " ".join(words[len(str(ref).split()) :])


def _card(ctx: BotContext, actor: Actor, deal_id: int, headline: str | None = None) -> Message:
    language = _language(ctx, actor)
    with ctx.db.reading() as session:
        deal = deals.get_deal(session, deal_id)
        if deal is None:
            return notice(gettext(language, "Deal #{id} no longer exists.", id=deal_id))
        # Overdue on the owner's calendar, as the alerts count it, whoever asks.
        today = ctx.today_for(deal.owner)
        instalments = payments.instalments_of(session, deal.id)
        summary = (
            payments_summary(instalments, payments.payments_of(session, deal.id), today, language)
            if instalments
            else None
        )
        return deal_card(
            deal,
            history=deals.stage_history(session, deal.id),
            visits=visits.latest_visits(session, deal.customer_id, actor.visible_owners()),
            notes=deals.latest_notes(session, deal.id),
            may_change=actor.may_change(deal.owner_id),
            headline=headline,
            payments=summary,
            language=language,
        )


def _deal_from_modal(
    values: dict[str, Any], default_currency: str, language: Language
) -> tuple[NewDeal | None, dict[str, str]]:
    errors: dict[str, str] = {}
    customer = selected_customer(values, "customer")
    if customer is None:
        errors["customer"] = gettext(language, CUSTOMER_MISSING)
    title = typed(values, "title")
    if title is None:
        errors["title"] = gettext(language, "Give the deal a short title, e.g. “Renewal 2027”.")
    amount = None
    try:
        amount = parse_amount(typed(values, "amount") or "")
    except ParseError as error:
        errors["amount"] = gettext(
            language,
            "{problem} For example: 120000, 120k or $1.2m.",
            problem=error.message_in(language),
        )
    stage = find_stage(selected_value(values, "stage") or DEFAULT_STAGE.key) or DEFAULT_STAGE
    if errors or customer is None or title is None or amount is None:
        return None, errors
    bant = checked(values, "bant")
    new = NewDeal(
        customer_name=customer,
        title=title,
        amount=amount.value,
        currency=amount.currency or default_currency,
        stage=stage.key,
        expected_close=picked_date(values, "close"),
        **{key: key in bant for key, _ in BANT},
    )
    return new, {}
