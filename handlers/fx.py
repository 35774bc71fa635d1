"""/fx: the exchange rates admins keep, which every total converts other currencies with."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from blocks.common import Message, parse_problem, problem
from blocks.fx import fx_help, fx_list, rate_set, rate_text
from handlers.inputs import command_text
from handlers.replies import BeforeAck, guarded, nothing_before_ack, reply
from parsing.errors import ParseError
from parsing.fx_command import FxHelp, FxList, FxSet, parse_fx_command
from sales.permissions import Actor
from services.context import BotContext
from store import rates
from translations import Language, gettext

BEFORE_ACK: dict[str, BeforeAck] = {"/fx": nothing_before_ack}


def register(app: App, ctx: BotContext) -> None:
    @app.command("/fx")
    @guarded
    def fx_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, body: dict[str, Any]
    ) -> None:
        ack()
        person = ctx.people.person(command["user_id"])
        actor = ctx.people.actor(person)
        language = ctx.language_for(person)
        try:
            parsed = parse_fx_command(command_text(command), ctx.today_for(person))
        except ParseError as error:
            reply(respond, parse_problem(error, language))
            return
        match parsed:
            case FxHelp():
                answer = fx_help(language)
            case FxList():
                with ctx.db.reading() as session:
                    answer = fx_list(language, rates.latest_rates(session))
            case FxSet():
                answer = _set(ctx, actor, parsed, language, f"command:{command['trigger_id']}")
        reply(respond, answer)


def _set(ctx: BotContext, actor: Actor, command: FxSet, language: Language, key: str) -> Message:
    if not actor.is_admin:
        return problem(
            gettext(language, "Only an admin can set exchange rates. `/fx` lists them."),
            "/fx",
            language,
        )

    def write(session: Session) -> str:
        row, before = rates.set_rate(
            session,
            command.from_currency,
            command.to_currency,
            command.rate,
            command.effective_on,
            actor.slack_user_id,
        )
        # The rate replaced rides in the reference, so a redelivery answers the same.
        return f"exchange_rate:{row.id}:{rate_text(before) if before is not None else ''}"

    ref, first = ctx.db.run_once(key, write)
    _, rate_id, was = ref.split(":")
    with ctx.db.reading() as session:
        row = rates.rate_by_id(session, int(rate_id))
        if row is None:  # an admin's later change replaced it in the meantime
            return fx_list(language, rates.latest_rates(session))
        return rate_set(language, row, was or None, first)
