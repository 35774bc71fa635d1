"""/deal: create, show, list and change deals; the create modal; stage and choice buttons."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.common import Message, day, escape, notice, parse_problem, problem, section, user
from blocks.deals import (
    BANT,
    CREATE_ANYWAY,
    DEAL_EDIT_MODAL,
    DEAL_MODAL,
    DELETE_DEAL,
    EDIT_DEAL,
    KEEP_DEAL,
    MOVE_STAGE,
    NO_REASON_GIVEN,
    PICK_DEAL,
    SET_FORECAST,
    deal_card,
    deal_choices,
    deal_create_modal,
    deal_edit_modal,
    deal_help,
    deal_list,
    deal_name,
    delete_confirmation,
    duplicate_prompt,
    lost_reason_text,
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
    STALE_BUTTON,
    MalformedRequest,
    checked,
    picked_date,
    selected_customer,
    selected_user,
    selected_value,
    typed,
    whole_id,
)
from handlers.payments import (
    CANCEL_EXAMPLE,
    Refused,
    add_instalment,
    cancel_schedule,
    list_payments,
    record_payment,
    refused,
)
from handlers.replies import BeforeAck, ack_now, guarded, press_key, reply, reply_later
from parsing.amounts import Amount, parse_amount
from parsing.dates import date_in_range
from parsing.deal_command import (
    LIST_EXAMPLE,
    LOST_EXAMPLE,
    MAX_CUSTOMER_CHARS,
    MAX_TITLE_CHARS,
    DealAddInstalment,
    DealAddNote,
    DealCancelSchedule,
    DealCommand,
    DealCreate,
    DealDelete,
    DealHelp,
    DealList,
    DealLost,
    DealOpenCreateModal,
    DealOpenEditForm,
    DealPayments,
    DealReassign,
    DealRecordPayment,
    DealRef,
    DealSetAmount,
    DealSetClose,
    DealSetForecast,
    DealSetOwner,
    DealSetStage,
    DealShow,
    DealWon,
    parse_deal_command,
)
from parsing.errors import ParseError
from parsing.text import clean_text, name_too_long
from sales.collections import Cancelled
from sales.duplicates import similar_titles
from sales.forecast import CATEGORIES, CATEGORY_LABELS
from sales.localtime import utc_now
from sales.money import typed_amount
from sales.permissions import Actor, NotAllowed
from sales.stages import DEFAULT_STAGE, LOST, STAGES, WON, find_stage
from services.context import BotContext
from services.home import refresh_home_soon
from services.payment_alerts import redraw_cancelled
from store import deals, payments, visits
from store.db import record_id
from store.deals import NewDeal
from store.models import Deal, Person
from store.people import get_person, person_by_id
from translations import ENGLISH, Language, gettext, marked, msg, ngettext, render
from translations.formats import format_money

STAGE_NOT_HERE = marked("That stage can't be chosen here.")
ALREADY_MADE = marked("This change was already made.")
REOPEN_EXAMPLE = marked("/deal #12 stage lead")
STAYS_WON = marked("Nothing changed: deal #{id} stays won, with its payment schedule.")
NOT_DELETED = marked("Nothing deleted: deal #{id} stays.")
ONLY_ADMINS_DELETE = marked(
    "Only an admin can delete a deal. To close one that will not happen, mark it lost: "
    "`/deal #12 lost <reason>`."
)
DealChange = (
    DealSetStage | DealSetAmount | DealSetClose | DealWon | DealLost | DealAddNote | DealSetForecast
)
MAX_CHOICES = 5


def register(app: App, ctx: BotContext) -> None:
    @app.command("/deal")
    @guarded
    def deal_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, body: dict[str, Any]
    ) -> None:
        text = _raw_text(command)
        if _opens_new_deal_form(text):
            ack_now(ack)  # the modal opens with the trigger, before Slack sees the ack
            # Known people only: looking someone up in Slack could outlast the trigger.
            known = ctx.people.known(command["user_id"])
            language = ctx.language_for(known)
            currency = ctx.currency_for(known.id if known else None)
            view = deal_create_modal(command.get("response_url"), currency, language)
            client.views_open(trigger_id=command["trigger_id"], view=view)
            return
        edit = _edit_asked(text)
        if edit is not None:
            ack_now(ack)  # opens a modal: runs here, before the trigger expires
            actor = ctx.people.actor_now(command["user_id"])
            target = _resolve(ctx, actor, edit.ref, _rest_after_ref(text, edit.ref))
            if not isinstance(target, int):
                reply(respond, target)
                return
            _open_edit_form(ctx, actor, target, command, respond, client)
            return
        ack()
        actor = ctx.people.actor_for(command["user_id"])
        _run_text(ctx, actor, text, respond, client, key=f"command:{command['trigger_id']}")

    @app.action(re.compile(rf"^{PICK_DEAL}_\d+$"))
    @guarded
    def deal_picked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        edit = _edit_asked(action["value"])
        if edit is not None and edit.ref.deal_id is not None:  # "edit" after a choice of deals
            ack_now(ack)  # opens a modal: runs here, before the trigger expires
            actor = ctx.people.actor_now(body["user"]["id"])
            _open_edit_form(ctx, actor, edit.ref.deal_id, body, respond, client)
            return
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        key = press_key(body, action)
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
            reply(respond, problem(refusal, gettext(language, LOST_EXAMPLE), language))
            return
        ref = DealRef(deal_id=whole_id(deal_id), text=None)
        change: DealChange = DealWon(ref) if stage == WON else DealSetStage(ref, stage)
        _change(ctx, actor, change, respond, key=press_key(body, action), replace=True)
        refresh_home_soon(ctx, client, actor.slack_user_id)

    @app.action(SET_FORECAST)
    @guarded
    def forecast_picked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        deal_id, _, call = action["selected_option"]["value"].partition(":")
        if not deal_id.isdigit() or call not in (*CATEGORIES, ""):
            language = _language(ctx, actor)
            refusal = gettext(language, "That forecast call can't be chosen here.")
            reply(respond, problem(refusal, "/deal #12 forecast commit", language))
            return
        change = DealSetForecast(DealRef(deal_id=whole_id(deal_id)), call or None)
        _change(ctx, actor, change, respond, key=press_key(body, action), replace=True)
        refresh_home_soon(ctx, client, actor.slack_user_id)

    @app.action(re.compile(rf"^({REOPEN_KEEP}|{CANCEL_UNPAID})$"))
    @guarded
    def leave_won_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        """Keep the schedule, or cancel what is unpaid, as the deal leaves "won"."""
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        ask = LeaveWon.load(action["value"])
        cancel = action["action_id"] == CANCEL_UNPAID
        answer = _leave_won(ctx, client, actor, ask, cancel=cancel, key=press_key(body, action))
        reply(respond, answer, replace=True)
        refresh_home_soon(ctx, client, actor.slack_user_id)

    @app.action(STAY_WON)
    @guarded
    def stay_won_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        deal_id = LeaveWon.load(action["value"]).deal_id
        _show_unchanged(ctx, body, deal_id, respond, STAYS_WON)

    @app.action(EDIT_DEAL)
    @guarded
    def edit_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        actor = ctx.people.actor_now(body["user"]["id"])
        _open_edit_form(ctx, actor, whole_id(action["value"]), body, respond, client)

    @app.view(DEAL_EDIT_MODAL)
    @guarded
    def deal_edited(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        user_id = body["user"]["id"]
        deal_id, response_url = _edit_metadata(view.get("private_metadata", ""))
        actor = ctx.people.actor_now(user_id)
        language = _language(ctx, actor)
        edit, errors = _edit_from_modal(ctx, actor, deal_id, view["state"]["values"], language)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        if edit is None:  # the deal is gone, or no longer theirs to change
            answer = _resolve(ctx, actor, DealRef(deal_id=deal_id), "")
            if isinstance(answer, int):
                answer = refused(_not_yours(deal_id), language)
            reply_later(respond, response_url, answer)
            return
        for answer in _save_edit(ctx, ctx.people.actor_for(user_id), edit, f"view:{view['id']}"):
            reply_later(respond, response_url, answer)
        refresh_home_soon(ctx, client, user_id)

    @app.action(CREATE_ANYWAY)
    @guarded
    def create_anyway_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        new = _pending_deal(str(action.get("value", "")))
        answer = _create(ctx, actor, new, press_key(body, action), anyway=True)
        reply(respond, answer, replace=True)
        refresh_home_soon(ctx, client, actor.slack_user_id)

    @app.action(DELETE_DEAL)
    @guarded
    def delete_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        language = _language(ctx, actor)
        deal_id = whole_id(action["value"])
        if not actor.is_admin:
            reply(respond, problem(gettext(language, ONLY_ADMINS_DELETE), language=language))
            return
        deleted: str | None = None

        def apply(session: Session) -> str:
            nonlocal deleted
            deal = deals.get_deal(session, deal_id)
            if deal is not None:
                deleted = deal_name(deal)
                deals.delete_deal(session, deal, person_by_id(session, actor.person_id))
            return f"deal:{deal_id}"

        ctx.db.run_once(press_key(body, action), apply)
        answer = (
            gettext(
                language,
                ":wastebasket: Deal #{id} ({name}) deleted.",
                id=deal_id,
                name=escape(deleted),
            )
            if deleted is not None
            else gettext(language, "Deal #{id} no longer exists.", id=deal_id)
        )
        reply(respond, notice(answer), replace=True)
        refresh_home_soon(ctx, client, actor.slack_user_id)

    @app.action(KEEP_DEAL)
    @guarded
    def keep_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        _show_unchanged(ctx, body, whole_id(action["value"]), respond, NOT_DELETED)

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
        answer = _create(ctx, actor, new, f"view:{view['id']}")
        reply_later(respond, modal.response_url, answer)
        refresh_home_soon(ctx, client, user_id)


def _show_unchanged(
    ctx: BotContext, body: dict[str, Any], deal_id: int, respond: Respond, said: str
) -> None:
    """Answer a "leave it as it is" press: the deal's card, headed with `said` (marked)."""
    actor = ctx.people.actor_for(body["user"]["id"])
    target = _resolve(ctx, actor, DealRef(deal_id=deal_id), "")
    if not isinstance(target, int):
        reply(respond, target)
        return
    headline = gettext(_language(ctx, actor), said, id=deal_id)
    reply(respond, _card(ctx, actor, target, headline=headline), replace=True)


def _raw_text(command: dict[str, Any]) -> str:
    # Raw: /deal has should_escape on, and its parser reads Slack's escaping itself.
    return str(command.get("text", ""))


def _opens_new_deal_form(text: str) -> bool:
    return text.strip().casefold() in ("", "new")


def _opens_form(command: dict[str, Any]) -> bool:
    """`/deal`, `/deal new` and `/deal <ref> edit` open a form with the trigger, before
    the ack."""
    text = _raw_text(command)
    return _opens_new_deal_form(text) or _edit_asked(text) is not None


BEFORE_ACK: dict[str, BeforeAck] = {"/deal": _opens_form}


def _edit_asked(text: str) -> DealOpenEditForm | None:
    """The `/deal <ref> edit` in `text`, if that is what it is: it opens a form, so it runs
    before the ack (anything else, a mistake included, is answered after it). Whether it is
    does not depend on the date (`edit` takes no date), so no one's local date is looked up
    in front of the ack."""
    try:
        command = parse_deal_command(text, utc_now().date())
    except ParseError:
        return None
    return command if isinstance(command, DealOpenEditForm) else None


def _open_edit_form(
    ctx: BotContext,
    actor: Actor,
    deal_id: int,
    request: dict[str, Any],
    respond: Respond,
    client: WebClient,
) -> None:
    """Open the edit form of a deal the actor may change (else say why), with the trigger of
    the request (a command or a button press): before the ack, without asking Slack."""
    language = _language(ctx, actor)
    with ctx.db.reading() as session:
        try:
            deal = _changeable_deal(session, actor, deal_id)
        except NotAllowed as refusal:
            reply(respond, refused(refusal, language))
            return
        view = deal_edit_modal(deal, request.get("response_url"), language)
    client.views_open(trigger_id=request["trigger_id"], view=view)


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
            return _create(ctx, actor, _new_deal(ctx, actor, command), key)
        case DealReassign():
            return _reassign(ctx, actor, command, key)
        case DealDelete(ref=ref):
            return _ask_delete(ctx, actor, ref, _rest_after_ref(text, ref))
        case DealSetOwner(ref=ref, owner=owner):
            target = _resolve(ctx, actor, ref, _rest_after_ref(text, ref))
            return _set_owner(ctx, actor, target, owner, key) if isinstance(target, int) else target
        case (
            DealShow(ref=ref) | DealOpenEditForm(ref=ref)
        ):  # an edit runs before the ack; else the card
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
    valuation = ctx.valuation_for(ctx.people.known(actor.slack_user_id))
    with ctx.db.reading() as session:
        answer = deal_list(deals.open_deals(session, owners), label, valuation, language)
    if scope == "all" and owners == {actor.person_id}:
        # Said first, so nobody reads their own list as the whole team's.
        only_yours = gettext(
            language,
            ":information_source: You asked for everyone's deals, but you may see only your "
            "own, so these are yours. Managers see their teams' deals, admins everyone's.",
        )
        answer["blocks"].insert(0, section(only_yours))
        answer["text"] = only_yours
    return answer


def _new_deal(ctx: BotContext, actor: Actor, command: DealCreate) -> NewDeal:
    return NewDeal(
        customer_name=command.customer,
        title=command.title,
        amount=command.amount.value,
        currency=command.amount.currency or ctx.currency_for(actor.person_id),
        stage=(command.stage or DEFAULT_STAGE).key,
        expected_close=command.close,
    )


def _create(
    ctx: BotContext, actor: Actor, new: NewDeal, key: str, *, anyway: bool = False
) -> Message:
    """Create the deal once, unless (and `anyway` is off) the person already sees an open
    deal at that customer with a similar title: then ask first. The question is the
    request's answer, so a redelivered command asks again rather than creating."""

    def apply(session: Session) -> str:
        if not anyway:
            similar = [
                deal.id
                for deal in deals.open_deals_at(session, new.customer_name, actor.visible_owners())
                if similar_titles(deal.title, new.title)
            ]
            if similar:
                return "similar:" + ",".join(map(str, similar))
        return f"deal:{deals.create_deal(session, actor.person_id, new).id}"

    ref, first = ctx.db.run_once(key, apply)
    language = _language(ctx, actor)
    if ref.startswith("similar:"):
        with ctx.db.reading() as session:
            found = [deals.get_deal(session, int(id_)) for id_ in ref.split(":")[1].split(",")]
            similar = [deal for deal in found if deal is not None]
            if similar:
                return duplicate_prompt(similar, _pending_value(new), OPEN_DEAL, language)
        return _create(ctx, actor, new, f"{key}:again", anyway=True)
    today = ctx.today_for(ctx.people.known(actor.slack_user_id))
    headline = (
        gettext(language, ":sparkles: Deal created.")
        + past_close_warning(new.expected_close, today, language)
        if first
        else gettext(language, "This deal was already created.")
    )
    return _card(ctx, actor, record_id(ref), headline=headline)


def _button_name(value: object) -> str:
    """A name from a button value: text only, one line, without control characters."""
    if not isinstance(value, str):
        raise TypeError("a name is text")
    return " ".join(clean_text(value).split())


def _pending_value(new: NewDeal) -> str:
    """The deal to create, as the "Create anyway" button carries it (Slack keeps it)."""
    fields = {
        "customer": new.customer_name,
        "title": new.title,
        "amount": str(new.amount),
        "currency": new.currency,
        "stage": new.stage,
        "close": new.expected_close.isoformat() if new.expected_close else None,
        "bant": [key for key, _ in BANT if getattr(new, key)],
    }
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def _pending_deal(value: str) -> NewDeal:
    """The deal a "Create anyway" button carries, checked as a new deal is: a value the bot
    never made is refused (MalformedRequest), never half-created."""
    try:
        data = json.loads(value)
        customer, title = _button_name(data["customer"]), _button_name(data["title"])
        amount = parse_amount(f"{data['amount']} {data['currency']}")
        stage = find_stage(str(data["stage"]))
        close = date.fromisoformat(data["close"]) if data.get("close") else None
        bant = {str(key) for key in data.get("bant") or ()}
    except (ValueError, KeyError, TypeError, AttributeError, ParseError) as error:
        raise MalformedRequest(msg(STALE_BUTTON)) from error
    names_fit = (
        customer
        and title
        and not name_too_long(msg("The customer's name"), customer, MAX_CUSTOMER_CHARS)
        and not name_too_long(msg("The deal's title"), title, MAX_TITLE_CHARS)
    )
    if (
        not names_fit
        or stage is None
        or not stage.is_open
        or (close is not None and not date_in_range(close))
        or not bant <= {key for key, _ in BANT}
    ):
        raise MalformedRequest(msg(STALE_BUTTON))
    return NewDeal(
        customer_name=customer,
        title=title,
        amount=amount.value,
        currency=amount.currency or "",
        stage=stage.key,
        expected_close=close,
        **{key: key in bant for key, _ in BANT},
    )


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


def _ask_delete(ctx: BotContext, actor: Actor, ref: DealRef, rest: str) -> Message:
    language = _language(ctx, actor)
    if not actor.is_admin:
        return problem(gettext(language, ONLY_ADMINS_DELETE), language=language)
    target = _resolve(ctx, actor, ref, rest)
    if not isinstance(target, int):
        return target
    with ctx.db.reading() as session:
        deal = deals.get_deal(session, target)
        if deal is None:
            return notice(gettext(language, "Deal #{id} no longer exists.", id=target))
        return delete_confirmation(deal, deals.records_of(session, deal.id), language)


def _set_owner(ctx: BotContext, actor: Actor, deal_id: int, owner: str, key: str) -> Message:
    """Hand one deal to `owner`: by whoever may change it, to someone they may change for."""
    language = _language(ctx, actor)
    to = _new_owner(ctx, actor, owner)
    if to is None:
        return refused(_not_yours_to_give(deal_id), language)
    headline = gettext(language, ALREADY_MADE)

    def apply(session: Session) -> str:
        nonlocal headline
        deal = _changeable_deal(session, actor, deal_id)
        if deal.owner_id == to.id:
            headline = gettext(
                language, "Deal #{id} already belongs to {person}.", id=deal.id, person=user(owner)
            )
            return f"deal:{deal.id}"
        headline = _hand_to(session, actor, deal, to, language)
        return f"deal:{deal.id}"

    try:
        ctx.db.run_once(key, apply)
    except NotAllowed as refusal:
        return refused(refusal, language)
    return _card(ctx, actor, deal_id, headline=headline)


def _not_yours_to_give(deal_id: int) -> Refused:
    return Refused(
        msg(
            "You can hand deal #{id} only to someone on a team you manage. Their "
            "manager or an admin can hand it to anyone else.",
            id=deal_id,
        )
    )


def _new_owner(ctx: BotContext, actor: Actor, slack_user_id: str) -> Person | None:
    """The person a deal may go to: anyone for an admin (their profile fetched if new),
    else only someone the bot knows; None when there is no one the actor may name."""
    if actor.is_admin:
        return ctx.people.person(slack_user_id)
    return ctx.people.known(slack_user_id)


def _hand_to(session: Session, actor: Actor, deal: Deal, to: Person, language: Language) -> str:
    """Hand the deal to `to` (someone the actor may change things for), with its follow-ups;
    what happened, in one line."""
    if not actor.may_change(to.id):
        raise _not_yours_to_give(deal.id)
    me = person_by_id(session, actor.person_id)
    moved = deals.hand_over(session, [deal], person_by_id(session, to.id), me)
    return gettext(
        language,
        ":handshake: Deal #{id} belongs to {person} now.",
        id=deal.id,
        person=user(to.slack_user_id),
    ) + _handover_extras(moved, to.slack_user_id, language)


def _reassign(ctx: BotContext, actor: Actor, command: DealReassign, key: str) -> Message:
    """Hand all of one person's deals (open ones, or all) to another: a manager of both, or
    an admin."""
    language = _language(ctx, actor)
    example = "/deal reassign @oscar @rita open"
    if not (actor.is_admin or actor.is_manager):
        refusal = gettext(language, "Only a manager or an admin can reassign someone's deals.")
        return problem(refusal, language=language)
    source = ctx.people.known(command.from_user)
    to = _new_owner(ctx, actor, command.to_user)
    if (
        to is None
        or not actor.may_change(to.id)
        or (source is not None and not actor.may_change(source.id))
    ):
        refusal = gettext(
            language,
            "You can reassign deals only between people on the teams you manage; an admin "
            "can reassign anyone's.",
        )
        return problem(refusal, example, language)
    moved = deals.Handover((), 0, 0)

    def apply(session: Session) -> str:
        nonlocal moved
        if source is not None:
            moving = deals.deals_owned_by(session, source.id, open_only=command.scope == "open")
            me = person_by_id(session, actor.person_id)
            moved = deals.hand_over(session, moving, person_by_id(session, to.id), me)
        return "deals:" + ",".join(map(str, moved.deal_ids))

    _, first = ctx.db.run_once(key, apply)
    if not first:
        return notice(gettext(language, ALREADY_MADE))
    frm, dest = user(command.from_user), user(command.to_user)
    if not moved.deal_ids:
        none = (
            gettext(language, "{person} has no open deals, so nothing moved.", person=frm)
            if command.scope == "open"
            else gettext(language, "{person} has no deals, so nothing moved.", person=frm)
        )
        return notice(none)
    summary = ngettext(
        language,
        ":handshake: Moved {n} deal from {source} to {to}: {ids}.",
        ":handshake: Moved {n} deals from {source} to {to}: {ids}.",
        len(moved.deal_ids),
        source=frm,
        to=dest,
        ids=", ".join(f"#{deal_id}" for deal_id in moved.deal_ids),
    )
    return notice(summary + _handover_extras(moved, command.to_user, language))


def _handover_extras(moved: deals.Handover, to: str, language: Language) -> str:
    """What moved with the deals: follow-ups and the alerts of instalments still owed."""
    return (
        "\n"
        + ngettext(
            language,
            "{n} open follow-up moved with them.",
            "{n} open follow-ups moved with them.",
            moved.follow_ups,
        )
        + " "
        + ngettext(
            language,
            "{n} instalment is still owed: its payment alerts go to {person} now.",
            "{n} instalments are still owed: their payment alerts go to {person} now.",
            moved.instalments,
            person=user(to),
        )
    )


def _changeable_deal(session: Session, actor: Actor, deal_id: int) -> Deal:
    deal = deals.get_deal(session, deal_id)
    if deal is None or not actor.may_change(deal.owner_id):
        raise _not_yours(deal_id)
    return deal


def _not_yours(deal_id: int) -> NotAllowed:
    return NotAllowed(
        msg(
            "Deal #{id} belongs to someone else: only its owner, their manager or an "
            "admin can change it.",
            id=deal_id,
        )
    )


@dataclass(frozen=True)
class DealEdit:
    """A checked edit form: the deal's new fields, stage and owner (a Slack user id)."""

    deal_id: int
    fields: NewDeal
    owner: str


def _edit_metadata(text: str) -> tuple[int, str | None]:
    try:
        data = json.loads(text or "{}")
        response_url = data.get("response_url")
        return whole_id(data.get("deal")), str(response_url) if response_url else None
    except (ValueError, AttributeError) as error:
        raise MalformedRequest(msg(STALE_BUTTON)) from error


def _edit_from_modal(
    ctx: BotContext, actor: Actor, deal_id: int, values: dict[str, Any], language: Language
) -> tuple[DealEdit | None, dict[str, str]]:
    """The edit, or what to say under each field; (None, {}) when the deal is not the
    person's to change (any more). Checked as the commands check each change: the new
    owner as `owner` does, the amount against the payment schedule as `amount` does."""
    with ctx.db.reading() as session:
        deal = deals.get_deal(session, deal_id)
        if deal is None or not actor.may_change(deal.owner_id):
            return None, {}
        new, errors = _deal_from_modal(values, deal.currency, language)
        owner = selected_user(values, "owner") or deal.owner.slack_user_id
        if owner != deal.owner.slack_user_id:
            person = get_person(session, owner)
            if person is None or not actor.may_change(person.id):
                errors["owner"] = gettext(
                    language,
                    "You can hand this deal only to someone on a team you manage. Their "
                    "manager or an admin can hand it to anyone else.",
                )
        if new is not None and new.stage == LOST.key and deal.stage != LOST.key:
            errors["stage"] = gettext(
                language,
                "To mark the deal lost, say why: `/deal #{id} lost <reason>`.",
                id=deal.id,
            )
        if new is not None:
            amount = DealSetAmount(DealRef(deal_id=deal.id), Amount(new.amount, new.currency))
            try:
                _within_schedule(session, deal, amount, language)
            except Refused as refusal:
                errors["amount"] = render(language, refusal.message)
    if new is None or errors:
        return None, errors
    return DealEdit(deal_id, new, owner), {}


def _save_edit(ctx: BotContext, actor: Actor, edit: DealEdit, key: str) -> list[Message]:
    """Save the edit once, each part as its command would (audited), and say what changed.
    A won deal with money owed that is moved out of won keeps its stage until the person
    answers the question the stage menu asks (the second message)."""
    language = _language(ctx, actor)
    stage = find_stage(edit.fields.stage) or DEFAULT_STAGE
    ref = DealRef(deal_id=edit.deal_id)
    stage_change: DealChange = DealWon(ref) if stage == WON else DealSetStage(ref, stage)
    ask = _leave_won_prompt(ctx, actor, edit.deal_id, stage_change) if stage != LOST else None
    to = _new_owner(ctx, actor, edit.owner)
    today = ctx.today_for(ctx.people.known(actor.slack_user_id))
    lines: list[str] = []

    def apply(session: Session) -> str:
        deal = _changeable_deal(session, actor, edit.deal_id)
        me = person_by_id(session, actor.person_id)
        _within_schedule(
            session, deal, DealSetAmount(ref, Amount(edit.fields.amount, edit.fields.currency)),
            language,
        )  # fmt: skip
        changed = deals.edit_deal(session, deal, me, edit.fields)
        if changed:
            names = dict.fromkeys(gettext(language, _FIELD_NAMES[field]) for field in changed)
            lines.append(
                gettext(
                    language,
                    ":pencil2: Deal #{id} updated: {fields}.",
                    id=deal.id,
                    fields=gettext(language, ", ").join(names),
                )
            )
        if ask is None and stage.key != deal.stage:
            lines.append(_apply_change(session, deal, stage_change, actor, today, language))
        if to is None:
            raise _not_yours_to_give(deal.id)
        if to.id != deal.owner_id:
            lines.append(_hand_to(session, actor, deal, to, language))
        return f"deal:{deal.id}"

    try:
        _, first = ctx.db.run_once(key, apply)
    except NotAllowed as refusal:
        return [refused(refusal, language)]
    if not first:
        headline = gettext(language, ALREADY_MADE)
    elif lines:
        headline = "\n".join(lines)
    else:
        headline = gettext(language, "Nothing changed on deal #{id}.", id=edit.deal_id)
    card = _card(ctx, actor, edit.deal_id, headline=headline)
    return [card, ask] if ask is not None and first else [card]


_FIELD_NAMES = {
    "customer_id": marked("Customer"),
    "title": marked("Title"),
    "amount": marked("Amount"),
    "currency": marked("Amount"),
    "expected_close": marked("Expected close"),
    **{key: marked("Qualification (BANT)") for key, _ in BANT},
}


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
        example = gettext(language, REOPEN_EXAMPLE)
        return problem(gettext(language, STAGE_NOT_HERE), example, language)
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
        # The default reason is stored in English whoever marked the deal lost; shown in theirs.
        reason = (ask.reason or NO_REASON_GIVEN) if stage == LOST else None
        deals.change_stage(session, deal, stage.key, me, lost_reason=reason)
        cancelled = payments.cancel_unpaid(session, deal, actor.slack_user_id) if cancel else []
        moved = (
            gettext(
                language,
                "Deal #{id} marked lost: {reason}.",
                id=deal.id,
                reason=lost_reason_text(reason or NO_REASON_GIVEN, language),
            )
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
        person = user(actor.slack_user_id)
        # Each copy of the alerts is redrawn in its reader's language: Text, rendered there.
        redrawn = (
            msg("{person} marked it lost and cancelled what was not yet paid.", person=person)
            if stage == LOST
            else msg(
                "{person} moved it to {stage} and cancelled what was not yet paid.",
                person=person,
                stage=msg(stage.label),  # the label is marked for the catalog
            )
        )
        redraw_cancelled(ctx, client, ask.deal_id, cancelled, redrawn)
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
    if isinstance(command, DealSetForecast):
        return _set_forecast(session, deal, me, command.category, language)
    deals.add_note(session, deal, me, command.text)
    return gettext(language, ":memo: Note added to Deal #{id}.", id=deal_id)


def _set_forecast(
    session: Session, deal: Deal, me: Person, category: str | None, language: Language
) -> str:
    """Mark an open deal commit or best case (or neither); a closed deal has no call."""
    call = gettext(language, CATEGORY_LABELS[category])
    if not STAGES[deal.stage].is_open:
        raise Refused(
            msg(
                "Deal #{id} is {stage}: the forecast counts open deals only, so it takes no "
                "commit or best-case call.",
                id=deal.id,
                stage=stage_label(deal.stage, language),
            ),
            example=f"/deal #{deal.id}",
        )
    if not deals.set_forecast(session, deal, me, category):
        return gettext(language, "Deal #{id} is already {call}.", id=deal.id, call=call)
    return gettext(
        language, ":crystal_ball: Deal #{id} is now {call} in the forecast.", id=deal.id, call=call
    )


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
    example = gettext(language, CANCEL_EXAMPLE, id=deal.id)
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
                return problem(missing, gettext(language, LIST_EXAMPLE), language)
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
            return problem(none, gettext(language, LIST_EXAMPLE), language)
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
            payments_summary(
                deal, instalments, payments.payments_of(session, deal.id), today, language
            )
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
