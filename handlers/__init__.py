"""Slack listeners, one module per feature, each with its own `register(app, ctx)`."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient

from handlers import (
    cases,
    charts,
    customers,
    deals,
    follow_ups,
    fx,
    home,
    language,
    payments,
    shortcuts,
    targets,
    teams,
    visits,
)
from handlers.inputs import CleanPayload, RefuseMalformedValues
from handlers.replies import apologise
from runtime.readers import use_reader_languages
from services.context import BotContext

FEATURES = (
    customers,
    visits,
    deals,
    payments,
    teams,
    targets,
    cases,
    follow_ups,
    charts,
    home,
    language,
    fx,
    shortcuts,
)


def register_all(app: App, ctx: BotContext) -> None:
    use_reader_languages(lambda slack_user_id: ctx.language_for(ctx.people.known(slack_user_id)))
    # Before any listener: payload strings cleaned, then values no listener could take refused.
    app.use(CleanPayload())
    app.use(RefuseMalformedValues(app))
    for feature in FEATURES:
        feature.register(app, ctx)

    @app.error
    def unexpected_error(
        error: Exception, body: dict[str, Any], respond: Respond | None, client: WebClient
    ) -> BoltResponse | None:
        # Failures outside a guarded listener (e.g. in Bolt itself) get the same apology.
        apologise(error, body, respond, client)
        return None
