"""/visit, the visit modal, and the Edit and Undo buttons on a saved visit."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.common import notice, parse_problem, problem
from blocks.visits import (
    CUSTOMER_SELECT,
    EDIT_VISIT,
    MET_WITH_SELECT,
    UNDO_VISIT,
    VISIT_MODAL,
    ModalContext,
    contact_option,
    visit_card,
    visit_help,
    visit_modal,
    visit_removed,
)
from handlers.inputs import (
    CUSTOMER_MISSING,
    checked,
    command_text,
    picked_date,
    selected_customer,
    typed,
    whole_id,
)
from handlers.replies import BeforeAck, ack_now, guarded, reply, reply_later
from parsing.errors import ParseError
from parsing.text import name_too_long
from parsing.visit_command import VisitHelp, VisitLog, VisitOpenModal, parse_visit_command
from runtime.readers import reader_language
from sales.permissions import Actor, NotAllowed
from services.context import BotContext
from services.customers import may_see_customer
from services.home import refresh_home_soon
from store import contacts, customers, visits
from store.customers import name_key
from store.db import record_id
from store.models import Visit
from store.visits import VisitFields
from translations import Language, gettext, msg, render

MAX_CONTACT_OPTIONS = 20
MAX_CONTACT_NAME_CHARS = 120
log = logging.getLogger(__name__)


def _opens_form(command: dict[str, Any]) -> bool:
    """`/visit` alone opens the form, with the trigger, before the ack."""
    return not command_text(command).strip()


BEFORE_ACK: dict[str, BeforeAck] = {"/visit": _opens_form}


def register(app: App, ctx: BotContext) -> None:
    @app.options(MET_WITH_SELECT)
    def contact_suggestions(ack: Ack, payload: dict[str, Any]) -> None:
        """The contacts of the customer picked on the form, if the person may see it, and
        the name typed as a new contact."""
        typed_text = " ".join(str(payload.get("value", "")).split())[:MAX_CONTACT_NAME_CHARS]
        user_id = (payload.get("user") or {}).get("id")
        language = reader_language(user_id)
        found: list[Any] = []
        try:
            customer_name = _picked_customer(payload.get("view") or {})
            known = ctx.people.known(str(user_id)) if user_id else None
            if customer_name and known is not None:
                actor = ctx.people.actor(known)
                with ctx.db.reading() as session:
                    customer = customers.find_customer(session, customer_name)
                    if customer is not None and may_see_customer(session, actor, customer.id):
                        found = contacts.search_contacts(
                            session, customer.id, typed_text, MAX_CONTACT_OPTIONS
                        )
        except Exception:
            # Type-ahead must still answer in time; the person can still type a new name.
            log.exception("contact search failed")
            found = []
        options = [contact_option(contact.name, contact.title) for contact in found]
        if typed_text and all(contact.name_key != name_key(typed_text) for contact in found):
            options.insert(0, contact_option(typed_text, new=True, language=language))
        ack(options=options[:MAX_CONTACT_OPTIONS])

    @app.command("/visit")
    @guarded
    def visit_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, body: dict[str, Any]
    ) -> None:
        user_id, text = command["user_id"], command_text(command)
        if _opens_form(command):
            ack_now(ack)  # the modal opens with the trigger, before Slack sees the ack
            known = ctx.people.known(user_id)
            today, language = ctx.today_for(known), ctx.language_for(known)
            context = ModalContext(response_url=command.get("response_url"))
            view = visit_modal(today, context, language=language)
            client.views_open(trigger_id=command["trigger_id"], view=view)
            return
        ack()
        person = ctx.people.person(user_id)
        today = ctx.today_for(person)
        language = ctx.language_for(person)
        try:
            parsed = parse_visit_command(text, today)
        except ParseError as error:
            reply(respond, parse_problem(error, language))
            return
        if isinstance(parsed, VisitHelp):
            reply(respond, visit_help(language))
            return
        if isinstance(parsed, VisitOpenModal):  # pragma: no cover - empty text handled above
            return
        fields = _fields_from_command(parsed, today)
        ref, _ = ctx.db.run_once(
            f"command:{command['trigger_id']}",
            lambda session: f"visit:{visits.log_visit(session, person.id, fields).id}",
        )
        with ctx.db.reading() as session:
            visit = visits.get_visit(session, record_id(ref))
            answer = (
                visit_card(visit, parsed.warnings, language=language)
                if visit
                else notice(gettext(language, "That visit was removed."))
            )
        reply(respond, answer)
        refresh_home_soon(ctx, client, user_id)

    @app.view(VISIT_MODAL)
    @guarded
    def visit_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        user_id = body["user"]["id"]
        known = ctx.people.known(user_id)
        today, language = ctx.today_for(known), ctx.language_for(known)
        fields, errors = _fields_from_modal(view["state"]["values"], today, language)
        if fields is None:
            ack(response_action="errors", errors=errors)
            return
        ack()
        modal = ModalContext.load(view.get("private_metadata", ""))
        actor = ctx.people.actor_for(user_id)

        def save(session: Session) -> str:
            if modal.visit_id is None:
                return f"visit:{visits.log_visit(session, actor.person_id, fields).id}"
            visit = _changeable_visit(session, modal.visit_id, actor)
            return f"visit:{visits.update_visit(session, visit, fields, user_id).id}"

        try:
            ref, _ = ctx.db.run_once(f"view:{view['id']}", save)
        except NotAllowed as refusal:
            refused = problem(render(language, refusal.message), language=language)
            reply_later(respond, modal.response_url, refused)
            return
        with ctx.db.reading() as session:
            visit = visits.get_visit(session, record_id(ref))
            met = contacts.met_on(session, [visit.id]).get(visit.id, []) if visit else []
            answer = (
                visit_card(
                    visit,
                    updated=modal.visit_id is not None,
                    language=language,
                    met_with=[contact.name for contact in met],
                )
                if visit
                else notice(gettext(language, "That visit was removed."))
            )
        reply_later(respond, modal.response_url, answer, replace=modal.visit_id is not None)
        refresh_home_soon(ctx, client, user_id)

    @app.action(EDIT_VISIT)
    @guarded
    def edit_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        actor = ctx.people.actor_now(body["user"]["id"])
        language = ctx.language_for(ctx.people.known(actor.slack_user_id))
        with ctx.db.reading() as session:
            try:
                visit = _changeable_visit(session, whole_id(action["value"]), actor)
            except NotAllowed as refusal:
                reply(respond, problem(render(language, refusal.message), language=language))
                return
            context = ModalContext(
                response_url=body.get("response_url"),
                visit_id=visit.id,
                customer_name=visit.customer.name,
            )
            met = [
                contact.name for contact in contacts.met_on(session, [visit.id]).get(visit.id, [])
            ]
            view = visit_modal(visit.visited_on, context, visit, language, met_with=met)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(UNDO_VISIT)
    @guarded
    def undo_pressed(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        actor = ctx.people.actor_for(body["user"]["id"])
        language = ctx.language_for(ctx.people.known(actor.slack_user_id))
        visit_id = whole_id(action["value"])
        try:
            with ctx.db.transaction() as session:
                visit = _changeable_visit(session, visit_id, actor)
                customer = visit.customer.name
                visits.delete_visit(session, visit, actor.slack_user_id)
        except NotAllowed as refusal:
            reply(respond, problem(render(language, refusal.message), language=language))
            return
        reply(respond, visit_removed(visit_id, customer, language), replace=True)
        refresh_home_soon(ctx, client, actor.slack_user_id)


def _changeable_visit(session: Session, visit_id: int, actor: Actor) -> Visit:
    visit = visits.get_visit(session, visit_id)
    if visit is None:
        raise NotAllowed(
            msg("Visit #{id} no longer exists; it may have been removed.", id=visit_id)
        )
    if not actor.may_change(visit.rep_id):
        raise NotAllowed(msg("Only the rep who logged this visit, or an admin, can change it."))
    return visit


def _fields_from_command(parsed: VisitLog, today: date) -> VisitFields:
    return VisitFields(
        customer_name=parsed.customer,
        visited_on=today,
        notes=parsed.notes,
        next_step=parsed.next_step,
        follow_up_due=parsed.follow_up_due,
    )


def _fields_from_modal(
    values: dict[str, Any], today: date, language: Language
) -> tuple[VisitFields | None, dict[str, str]]:
    """The modal's values, or the message to show under each field that is wrong."""
    errors: dict[str, str] = {}
    customer = selected_customer(values, "customer")
    if customer is None:
        errors["customer"] = gettext(language, CUSTOMER_MISSING)
    visited_on = picked_date(values, "visited_on")
    if visited_on is None:
        errors["visited_on"] = gettext(language, "Pick the date of the visit.")
    elif visited_on > today:
        errors["visited_on"] = gettext(
            language, "A visit can't be in the future. Log it once it has happened."
        )
    notes = typed(values, "notes")
    if not notes:
        errors["notes"] = gettext(language, "Write a few words about the visit.")
    next_step = typed(values, "next_step")
    due = picked_date(values, "follow_up_due")
    if due and not next_step:
        errors["next_step"] = gettext(language, "Say what the next step is, or clear its due date.")
    if due and visited_on and due < visited_on:
        errors["follow_up_due"] = gettext(language, "The next step can't be due before the visit.")
    met_with = tuple(sorted(checked(values, MET_WITH_SELECT), key=name_key))
    for name in met_with:
        too_long = name_too_long(msg("A contact's name"), name, MAX_CONTACT_NAME_CHARS)
        if too_long:
            errors[MET_WITH_SELECT] = render(language, too_long)
    if errors or customer is None or visited_on is None or notes is None:
        return None, errors
    fields = VisitFields(
        customer_name=customer,
        visited_on=visited_on,
        notes=notes,
        outcome=typed(values, "outcome"),
        next_step=next_step,
        follow_up_due=due,
        met_with=met_with,
    )
    return fields, {}


def _picked_customer(view: dict[str, Any]) -> str | None:
    """The customer chosen on the open visit form (or the one it was opened for)."""
    values = (view.get("state") or {}).get("values") or {}
    chosen = ((values.get("customer") or {}).get(CUSTOMER_SELECT) or {}).get("selected_option")
    if isinstance(chosen, dict) and isinstance(chosen.get("value"), str):
        return str(chosen["value"]) or None
    return ModalContext.load(str(view.get("private_metadata") or "")).customer_name
