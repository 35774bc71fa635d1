"""A person's choice of the language the bot writes to them in (`/lang` and the Home tab)."""

from __future__ import annotations

from services.context import BotContext
from store.models import Person
from store.people import set_language
from translations import Language


def choose_language(ctx: BotContext, person: Person, chosen: Language | None) -> Person:
    """Store `chosen` (None: follow the person's Slack language again); the person after."""
    with ctx.db.transaction() as session:
        return set_language(session, person.id, chosen)
