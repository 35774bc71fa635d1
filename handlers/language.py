"""/lang: the language the bot writes to a person in (简体中文 or English)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from blocks.common import notice, problem
from handlers.inputs import command_text
from handlers.replies import BeforeAck, guarded, nothing_before_ack, reply
from services.context import BotContext
from services.home import refresh_home_soon
from services.language import choose_language
from translations import LANGUAGE_NAMES, Language, gettext, parse_language

# Words that give the choice back to the person's Slack language.
_FOLLOW_SLACK_WORDS = frozenset({"auto", "slack", "none", "default", "自动", "默认"})
_HELP_WORDS = frozenset({"", "help", "?", "帮助"})


BEFORE_ACK: dict[str, BeforeAck] = {"/lang": nothing_before_ack}


def register(app: App, ctx: BotContext) -> None:
    @app.command("/lang")
    @guarded
    def lang_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, body: dict[str, Any]
    ) -> None:
        ack()
        person = ctx.people.person(command["user_id"])
        word = command_text(command).strip().casefold()
        if word in _HELP_WORDS:
            reply(respond, notice(_current(ctx.language_for(person), chosen=person.language)))
            return
        if word in _FOLLOW_SLACK_WORDS:
            chosen: Language | None = None
        else:
            chosen = parse_language(word)
            if chosen is None:
                language = ctx.language_for(person)
                reply(respond, problem(_unknown(language, word), "/lang zh", language))
                return
        person = choose_language(ctx, person, chosen)
        language = ctx.language_for(person)
        reply(respond, notice(_changed(language, chosen)))
        refresh_home_soon(ctx, client, person.slack_user_id)


def _current(language: Language, *, chosen: str | None) -> str:
    name = LANGUAGE_NAMES[language]
    first = (
        gettext(language, "I write to you in {language}, as you chose.", language=name)
        if chosen
        else gettext(language, "I write to you in {language}, your Slack language.", language=name)
    )
    return first + "\n" + _how_to_change(language)


def _changed(language: Language, chosen: Language | None) -> str:
    name = LANGUAGE_NAMES[language]
    if chosen is None:
        return gettext(
            language,
            ":white_check_mark: Done: I follow your Slack language again, so I write to you "
            "in {language}.",
            language=name,
        )
    return gettext(
        language,
        ":white_check_mark: Done: I write to you in {language} from now on. Messages in a "
        "team's channel stay in the team's language.",
        language=name,
    )


def _unknown(language: Language, word: str) -> str:
    return (
        gettext(language, "I don't know the language “{word}”.", word=word[:40])
        + " "
        + (_how_to_change(language))
    )


def _how_to_change(language: Language) -> str:
    return gettext(
        language,
        "`/lang zh` for 简体中文, `/lang en` for English, `/lang auto` to follow your "
        "Slack language.",
    )
