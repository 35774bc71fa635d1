"""/customer: a customer's card, lists and search, contacts (added, forgotten) and tiers;
the card's "Add contact" form; and the customer type-ahead used by the visit and deal modals."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.common import Message, escape, notice, parse_problem, problem
from blocks.customers import (
    ACCEPT_ALL_TIERS,
    ACCEPT_TIER,
    ADD_CONTACT,
    CONTACT_MODAL,
    ROLE_SELECT,
    ContactModalContext,
    contact_modal,
    customer_card,
    customer_help,
    customer_list,
    read_tier_choices,
    tier_name,
)
from blocks.visits import CUSTOMER_SELECT, customer_option
from handlers.inputs import command_text, selected_value, typed, whole_id
from handlers.replies import (
    BeforeAck,
    ack_now,
    guarded,
    nothing_before_ack,
    press_key,
    reply,
    reply_later,
)
from parsing.customer_command import (
    LIST_EXAMPLE,
    SEARCH_EXAMPLE,
    CustomerAddContact,
    CustomerCommand,
    CustomerForget,
    CustomerHelp,
    CustomerList,
    CustomerSearch,
    CustomerSetTier,
    CustomerShow,
    is_email,
    is_phone,
    parse_customer_command,
)
from parsing.errors import ParseError
from runtime.readers import reader_language
from sales.permissions import Actor
from sales.tiers import CONTACT_ROLES
from services.context import BotContext
from services.customers import card_of, listed, may_see_customer, visible_customer
from store import contacts, customers
from store.contacts import ContactFields
from store.customers import name_key, search_customers
from translations import Language, gettext, ngettext

MAX_OPTIONS = 20
log = logging.getLogger(__name__)


BEFORE_ACK: dict[str, BeforeAck] = {"/customer": nothing_before_ack}


def register(app: App, ctx: BotContext) -> None:
    @app.options(CUSTOMER_SELECT)
    def customer_suggestions(ack: Ack, payload: dict[str, Any]) -> None:
        typed_text = " ".join(str(payload.get("value", "")).split())[:120]
        language = reader_language((payload.get("user") or {}).get("id"))
        try:
            with ctx.db.reading() as session:
                found = search_customers(session, typed_text, MAX_OPTIONS)
        except Exception:
            # Type-ahead must still answer in time; the person can still type a new name.
            log.exception("customer search failed")
            found = []
        options = [customer_option(customer.name) for customer in found]
        if typed_text and all(customer.name_key != name_key(typed_text) for customer in found):
            options.insert(0, customer_option(typed_text, new=True, language=language))
        ack(options=options[:MAX_OPTIONS])

    @app.command("/customer")
    @guarded
    def customer_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, body: dict[str, Any]
    ) -> None:
        ack()
        person = ctx.people.person(command["user_id"])
        language = ctx.language_for(person)
        try:
            parsed = parse_customer_command(command_text(command))
        except ParseError as error:
            reply(respond, parse_problem(error, language))
            return
        actor = ctx.people.actor(person)
        today = ctx.today_for(person)
        key = f"command:{command['trigger_id']}"
        reply(respond, _answer(ctx, actor, language, today, parsed, key))

    @app.action(re.compile(rf"^(?:{ACCEPT_TIER}_\d+|{ACCEPT_ALL_TIERS})$"))
    @guarded
    def tier_accepted(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        person = ctx.people.person(body["user"]["id"])
        actor = ctx.people.actor(person)
        language = ctx.language_for(person)
        choices = read_tier_choices(str(action.get("value", "")))
        reply(respond, _accept_tiers(ctx, actor, language, choices, press_key(body, action)))

    @app.action(ADD_CONTACT)
    @guarded
    def add_contact_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        person = ctx.people.known_or_new(body["user"]["id"])
        language = ctx.language_for(person)
        actor = ctx.people.actor(person)
        with ctx.db.reading() as session:
            customer = customers.get_customer(session, whole_id(action["value"]))
            if customer is None or not may_see_customer(session, actor, customer.id):
                reply(respond, problem(_not_yours(language), LIST_EXAMPLE, language))
                return
            context_data = ContactModalContext(customer.id, body.get("response_url"))
            view = contact_modal(language, customer, context_data)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(CONTACT_MODAL)
    @guarded
    def contact_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        user_id = body["user"]["id"]
        language = ctx.language_for(ctx.people.known(user_id))
        fields, errors = _contact_from_modal(language, view["state"]["values"])
        modal = ContactModalContext.load(view.get("private_metadata", ""))
        if fields is None or modal is None:
            ack(response_action="errors", errors=errors or {"name": _not_yours(language)})
            return
        ack()
        person = ctx.people.person(user_id)
        actor = ctx.people.actor(person)

        def save(session: Session) -> str:
            if not may_see_customer(session, actor, modal.customer_id):
                return "refused"
            contact, _ = contacts.save_contact(session, modal.customer_id, fields, user_id)
            return f"contact:{contact.id}"

        ref, _ = ctx.db.run_once(f"view:{view['id']}", save)
        if ref == "refused":
            answer = problem(_not_yours(language), LIST_EXAMPLE, language)
        else:
            answer = _card(
                ctx, actor, language, ctx.today_for(person), modal.customer_id,
                headline=gettext(
                    language, ":white_check_mark: Contact saved: {name}.", name=escape(fields.name)
                ),
            )  # fmt: skip
        reply_later(respond, modal.response_url, answer)


def _answer(
    ctx: BotContext,
    actor: Actor,
    language: Language,
    today: date,
    command: CustomerCommand,
    key: str,
) -> Message:
    match command:
        case CustomerHelp():
            return customer_help(language)
        case CustomerShow(name=name):
            currency = ctx.currency_for(actor.person_id)
            with ctx.db.reading() as session:
                customer = visible_customer(session, actor, name)
                if customer is None:
                    return _unknown(language, name)
                card = card_of(
                    session, actor, customer, today, ctx.settings.tier_cadence_days, currency
                )
                return customer_card(language, card, today)
        case CustomerList(tier=tier, scope=scope):
            return _list(ctx, actor, language, today, tier, scope)
        case CustomerSearch(words=words):
            return _search(ctx, actor, language, today, words)
        case CustomerAddContact(customer=name, contact=details):
            fields = ContactFields(
                details.name, details.title, details.role, details.phone, details.email
            )
            return _add_contact(ctx, actor, language, today, name, fields, key)
        case CustomerForget(customer=name, contact=contact_name):
            return _forget(ctx, actor, language, today, name, contact_name, key)
        case CustomerSetTier(customer=name, tier=tier):
            return _set_tier(ctx, actor, language, today, name, tier, key)
    return customer_help(language)  # pragma: no cover - every command is matched above


def _card(
    ctx: BotContext,
    actor: Actor,
    language: Language,
    today: date,
    customer_id: int,
    headline: str = "",
) -> Message:
    currency = ctx.currency_for(actor.person_id)
    with ctx.db.reading() as session:
        customer = customers.get_customer(session, customer_id)
        if customer is None:
            return notice(gettext(language, "That customer no longer exists."))
        card = card_of(session, actor, customer, today, ctx.settings.tier_cadence_days, currency)
        return customer_card(language, card, today, headline)


def _not_yours(language: Language) -> str:
    return gettext(
        language,
        "That customer is not among the ones you can see: yours are those you have deals or "
        "visits with (a manager's, their teams').",
    )


def _unknown(language: Language, name: str) -> Message:
    text = gettext(
        language,
        "No customer called “{name}” among the ones you can see. Yours are those you have "
        "deals or visits with; `/customer search <words>` finds them by any word.",
        name=name[:120],
    )
    return problem(text, SEARCH_EXAMPLE, language)


def _list(
    ctx: BotContext,
    actor: Actor,
    language: Language,
    today: date,
    tier: str | None,
    scope: str | None,
) -> Message:
    mine = scope == "mine"
    with ctx.db.reading() as session:
        owners = frozenset({actor.person_id}) if mine else actor.visible_owners()
        ids = customers.customer_ids_of(session, owners)
        rows = listed(session, actor, ids, tier, ctx.settings.tier_cadence_days)
    tiered = tier_name(language, tier) if tier else None
    if mine or not (actor.is_admin or actor.is_manager):
        whose = gettext(language, "your customers (deals or visits of yours)")
    elif actor.is_admin:
        whose = gettext(language, "all customers")
    else:
        whose = gettext(language, "your teams' customers")
    asked = ngettext(
        language,
        "*{n} customer*: {whose}{tier}, by name",
        "*{n} customers*: {whose}{tier}, by name",
        len(rows),
        whose=whose,
        tier=gettext(language, ", tier {tier}", tier=tiered) if tiered else "",
    )
    if scope == "all" and not (actor.is_admin or actor.is_manager):
        asked += "\n" + gettext(
            language,
            "You may see only your own customers, so “all” shows yours; managers see their "
            "teams', admins everyone's.",
        )
    empty = gettext(
        language,
        "No customers to list yet: customers appear here once you log a visit or a deal "
        "with them (`/visit`, `/deal`).",
    )
    if tiered:
        empty = gettext(language, "None of these customers has the tier {tier}.", tier=tiered)
    return customer_list(language, rows, today, asked, empty)


def _search(
    ctx: BotContext, actor: Actor, language: Language, today: date, words: tuple[str, ...]
) -> Message:
    with ctx.db.reading() as session:
        owners = actor.visible_owners()
        found = customers.search_customer_ids(session, words, owners)
        visible = customers.customer_ids_of(session, owners)
        if visible is not None:
            found &= visible
        rows = listed(session, actor, found, None, ctx.settings.tier_cadence_days)
    shown = " ".join(f"“{escape(word)}”" for word in words)
    asked = ngettext(
        language,
        "*{n} customer* with {words} in the name, visit notes, deal titles or deal notes",
        "*{n} customers* with {words} in the name, visit notes, deal titles or deal notes",
        len(rows),
        words=shown,
    )
    empty = gettext(
        language,
        "No customer of yours has every word of {words}. Try fewer words.",
        words=" ".join(words),
    )
    return customer_list(language, rows, today, asked, empty)


def _add_contact(
    ctx: BotContext,
    actor: Actor,
    language: Language,
    today: date,
    name: str,
    fields: ContactFields,
    key: str,
) -> Message:
    customer_id: int | None = None

    def save(session: Session) -> str:
        nonlocal customer_id
        customer = visible_customer(session, actor, name)
        if customer is None:
            return "unknown"
        customer_id = customer.id
        contact, new = contacts.save_contact(session, customer.id, fields, actor.slack_user_id)
        return f"contact:{contact.id}:{'new' if new else 'updated'}"

    ref, _ = ctx.db.run_once(key, save)
    if ref == "unknown":
        return _unknown(language, name)
    if customer_id is None:  # a redelivery: find the customer again
        with ctx.db.reading() as session:
            customer = visible_customer(session, actor, name)
            if customer is None:
                return _unknown(language, name)
            customer_id = customer.id
    headline = (
        gettext(language, ":white_check_mark: Contact added: {name}.", name=escape(fields.name))
        if ref.endswith(":new")
        else gettext(language, ":pencil2: Contact updated: {name}.", name=escape(fields.name))
    )
    return _card(ctx, actor, language, today, customer_id, headline)


def _forget(
    ctx: BotContext,
    actor: Actor,
    language: Language,
    today: date,
    name: str,
    contact_name: str,
    key: str,
) -> Message:
    def forget(session: Session) -> str:
        customer = visible_customer(session, actor, name)
        if customer is None:
            return "unknown"
        contact = contacts.find_contact(session, customer.id, contact_name)
        if contact is None:
            return f"no-contact:{customer.id}"
        contacts.forget_contact(session, contact, actor.slack_user_id)
        return f"forgotten:{customer.id}"

    ref, _ = ctx.db.run_once(key, forget)
    if ref == "unknown":
        return _unknown(language, name)
    kind, _, customer_id = ref.partition(":")
    if kind == "no-contact":
        with ctx.db.reading() as session:
            known = [c.name for c in contacts.contacts_of(session, whole_id(customer_id))]
        listed_names = ", ".join(escape(n) for n in known) or gettext(language, "none")
        return problem(
            gettext(
                language,
                "{customer} has no contact called “{contact}”. Its contacts: {names}.",
                customer=name,
                contact=contact_name,
                names=listed_names,
            ),
            None,
            language,
        )
    headline = gettext(
        language,
        ":wastebasket: {contact}'s details are deleted everywhere the bot kept them, their "
        "history included. The deletion is in the audit log, without the details.",
        contact=escape(contact_name),
    )
    return _card(ctx, actor, language, today, whole_id(customer_id), headline)


def _set_tier(
    ctx: BotContext,
    actor: Actor,
    language: Language,
    today: date,
    name: str,
    tier: str,
    key: str,
) -> Message:
    if not (actor.is_admin or actor.is_manager):
        return problem(
            gettext(language, "Only managers and admins can set a customer's tier."),
            None,
            language,
        )

    def save(session: Session) -> str:
        customer = visible_customer(session, actor, name)
        if customer is None:
            return "unknown"
        changed = customers.set_tier(session, customer, tier, actor.slack_user_id)
        return f"{'changed' if changed else 'same'}:{customer.id}"

    ref, _ = ctx.db.run_once(key, save)
    if ref == "unknown":
        return _unknown(language, name)
    kind, _, customer_id = ref.partition(":")
    headline = (
        gettext(language, ":white_check_mark: Tier set: {tier}.", tier=tier_name(language, tier))
        if kind == "changed"
        else gettext(language, "The tier was already {tier}.", tier=tier_name(language, tier))
    )
    return _card(ctx, actor, language, today, whole_id(customer_id), headline)


def _accept_tiers(
    ctx: BotContext,
    actor: Actor,
    language: Language,
    choices: list[tuple[int, str]],
    key: str,
) -> Message:
    """Set each suggested tier the actor may set; say which were set and which refused."""
    if not (actor.is_admin or actor.is_manager):
        return problem(
            gettext(language, "Only managers and admins can set a customer's tier."),
            None,
            language,
        )

    def accept(session: Session) -> str:
        done, refused = [], []
        for customer_id, tier in choices:
            customer = customers.get_customer(session, customer_id)
            if customer is None or not may_see_customer(session, actor, customer_id):
                refused.append(str(customer_id))
                continue
            customers.set_tier(session, customer, tier, actor.slack_user_id)
            done.append(f"{customer_id}={tier}")
        return f"set:{','.join(done)}|refused:{len(refused)}"

    ref, _ = ctx.db.run_once(key, accept)
    done_part, _, refused_part = ref.partition("|")
    pairs = [pair.partition("=") for pair in done_part.removeprefix("set:").split(",") if pair]
    refused = int(refused_part.removeprefix("refused:") or 0)
    with ctx.db.reading() as session:
        lines = []
        for number, _, tier in pairs:
            customer = customers.get_customer(session, int(number))
            if customer is not None:
                lines.append(f"• *{escape(customer.name)}*: {tier_name(language, tier)}")
    parts = []
    if lines:
        parts.append(
            ngettext(
                language,
                ":white_check_mark: {n} tier set:",
                ":white_check_mark: {n} tiers set:",
                len(lines),
            )
            + "\n"
            + "\n".join(lines)
        )
    if refused:
        parts.append(
            ngettext(
                language,
                ":warning: {n} customer is not among the ones you can see; its tier is unchanged.",
                ":warning: {n} customers are not among the ones you can see; their tiers are "
                "unchanged.",
                refused,
            )
        )
    return notice("\n".join(parts) or gettext(language, "No tiers to set."))


def _contact_from_modal(
    language: Language, values: dict[str, Any]
) -> tuple[ContactFields | None, dict[str, str]]:
    """The form's contact, or the message to show under each field that is wrong."""
    errors: dict[str, str] = {}
    name = typed(values, "name")
    if name is None:
        return None, {"name": gettext(language, "Give the contact's name.")}
    role = selected_value(values, ROLE_SELECT)
    if role is not None and role not in CONTACT_ROLES:
        role = None
    phone, email = typed(values, "phone"), typed(values, "email")
    if phone is not None and not is_phone(phone):
        errors["phone"] = gettext(
            language, "That doesn't look like a phone number, e.g. +86 138 0000 0000."
        )
    if email is not None and not is_email(email):
        errors["email"] = gettext(
            language, "That doesn't look like an email address, e.g. li@acme.com."
        )
    if errors:
        return None, errors
    return ContactFields(name, typed(values, "title"), role, phone, email), {}
