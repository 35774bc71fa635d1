"""Slack listeners, one module per feature, each with its own `register(app, ctx)`."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient

from blocks.common import notice
from handlers import customers, deals, home, visits
from handlers.replies import reply
from services.context import BotContext

log = logging.getLogger(__name__)
FEATURES = (customers, visits, deals, home)
SORRY = (
    ":face_with_head_bandage: Sorry, something went wrong on our side and nothing was saved. "
    "Please try again in a moment; if it keeps happening, tell your Slack admin."
)


def register_all(app: App, ctx: BotContext) -> None:
    for feature in FEATURES:
        feature.register(app, ctx)

    @app.error
    def apologise(
        error: Exception, body: dict[str, Any], respond: Respond | None, client: WebClient
    ) -> BoltResponse | None:
        # A person never sees a stack trace: the details go to the log, they get an apology.
        log.error("listener failed: %s", error, exc_info=error)
        user_id = (body.get("user") or {}).get("id") or body.get("user_id")
        try:
            if respond is not None:
                reply(respond, notice(SORRY))
            elif user_id:
                client.chat_postMessage(channel=user_id, **notice(SORRY))
        except Exception:
            log.exception("could not tell the person about the failure")
        return None
