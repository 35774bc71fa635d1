"""The language of whoever sent a request, for code that runs outside a feature's listener
(the middleware refusing malformed form values, the apology of a failed listener), which
gets a Slack payload but no BotContext."""

from __future__ import annotations

import logging
from collections.abc import Callable

from translations import ENGLISH, Language

log = logging.getLogger(__name__)
_languages: list[Callable[[str], Language]] = []


def use_reader_languages(language_of: Callable[[str], Language]) -> None:
    """Set how to find a Slack user's language (register_all wires in BotContext's)."""
    _languages[:] = [language_of]


def reader_language(slack_user_id: str | None) -> Language:
    """The language to answer this Slack user in; English when they can't be looked up
    (an apology must still go out when the database is what failed)."""
    if not slack_user_id or not _languages:
        return ENGLISH
    try:
        return _languages[0](slack_user_id)
    except Exception:
        log.warning("could not look up a reader's language; answering in English")
        return ENGLISH
