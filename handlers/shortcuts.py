"""Slack-native entry points: the message shortcut "Log as visit" (the message's text as the
visit's notes, the customer guessed from the channel or the text) and the global shortcuts
"Log a visit" and "New deal". Each opens a form whose submission the visit and deal
listeners handle, with their own permission checks."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from blocks.deals import deal_create_modal
from blocks.shortcuts import LOG_A_VISIT, LOG_MESSAGE_AS_VISIT, NEW_DEAL, with_notes
from blocks.visits import ModalContext, visit_modal
from handlers.replies import ack_now, guarded
from parsing.text import slack_readable
from services.context import BotContext
from services.customers import guess_customer


def register(app: App, ctx: BotContext) -> None:
    @app.shortcut(LOG_MESSAGE_AS_VISIT)
    @guarded
    def log_message_as_visit(
        ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        user_id = body["user"]["id"]
        actor = ctx.people.actor_now(user_id)
        person = ctx.people.known(user_id)
        text = slack_readable(str((body.get("message") or {}).get("text", "")))
        channel = str((body.get("channel") or {}).get("name", ""))
        with ctx.db.reading() as session:
            customer = guess_customer(session, actor, channel, text)
        context_data = ModalContext(response_url=body.get("response_url"), customer_name=customer)
        view = with_notes(visit_modal(ctx.today_for(person), context_data), text)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.shortcut(LOG_A_VISIT)
    @guarded
    def log_a_visit(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        today = ctx.today_for(ctx.people.known(body["user"]["id"]))
        client.views_open(trigger_id=body["trigger_id"], view=visit_modal(today, ModalContext()))

    @app.shortcut(NEW_DEAL)
    @guarded
    def new_deal(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack_now(ack)  # opens a modal: runs here, before the trigger expires
        view = deal_create_modal(None, ctx.settings.default_currency)
        client.views_open(trigger_id=body["trigger_id"], view=view)
