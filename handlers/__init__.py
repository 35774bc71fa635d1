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
from handlers.inputs import CleanPayload, RefuseMalformedValues, cleaned
from handlers.replies import BeforeAck, apologise
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

# Every slash command's rule for what its listener does before the ack.
BEFORE_ACK: dict[str, BeforeAck] = {
    **customers.BEFORE_ACK,
    **visits.BEFORE_ACK,
    **deals.BEFORE_ACK,
    **teams.BEFORE_ACK,
    **targets.BEFORE_ACK,
    **cases.BEFORE_ACK,
    **language.BEFORE_ACK,
    **fx.BEFORE_ACK,
}


def acks_first(body: dict[str, Any]) -> bool:
    """Whether this request's listener would only record it at its ack, with nothing
    before: a slash command whose rule says so for this payload, cleaned as `CleanPayload`
    cleans it for the listener. A web process's front door then records and acks it
    without running the listener."""
    before_ack = BEFORE_ACK.get(str(body.get("command")))
    return before_ack is not None and not before_ack(cleaned(body))


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
