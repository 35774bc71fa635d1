"""The Home tab and its quick-action buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from blocks.deals import deal_create_modal
from blocks.home import OPEN_DEAL_MODAL, OPEN_VISIT_MODAL, home_view
from blocks.visits import ModalContext, visit_modal
from handlers.replies import guarded
from services.context import BotContext


def register(app: App, ctx: BotContext) -> None:
    @app.event("app_home_opened")
    @guarded
    def home_opened(
        event: dict[str, Any], client: WebClient, body: dict[str, Any], respond: Respond
    ) -> None:
        if event.get("tab") != "home":
            return
        person = ctx.people.person(event["user"])
        client.views_publish(user_id=event["user"], view=home_view(person.display_name))

    @app.action(OPEN_VISIT_MODAL)
    @guarded
    def open_visit_modal(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        today = ctx.today_for(ctx.people.known(body["user"]["id"]))
        context = ModalContext(response_url=body.get("response_url"))
        client.views_open(trigger_id=body["trigger_id"], view=visit_modal(today, context))

    @app.action(OPEN_DEAL_MODAL)
    @guarded
    def open_deal_modal(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        view = deal_create_modal(body.get("response_url"), ctx.settings.default_currency)
        client.views_open(trigger_id=body["trigger_id"], view=view)
