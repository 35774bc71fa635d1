"""The settings in force: the environment's, with the values admins stored from the Home tab.

The scheduler and the Home tab read them afresh each time, so a change needs no restart.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from runtime.settings import Settings, with_overrides
from store.db import Database
from store.setting_overrides import overrides

if TYPE_CHECKING:
    from services.context import BotContext

log = logging.getLogger(__name__)


def effective_settings(ctx: BotContext) -> Settings:
    return settings_in_force(ctx.db, ctx.settings)


def settings_in_force(db: Database, environment: Settings) -> Settings:
    """The environment's settings with those admins stored (`environment` itself when none)."""
    with db.reading() as session:
        stored = overrides(session)
    if not stored:
        return environment
    settings, problems = with_overrides(environment, stored)
    for problem in problems:
        log.warning("ignoring a setting stored from the Home tab: %s", problem)
    return settings


def effective_context(ctx: BotContext) -> BotContext:
    """`ctx` with the settings in force (`ctx` itself when nothing is overridden)."""
    settings = effective_settings(ctx)
    return ctx if settings == ctx.settings else replace(ctx, settings=settings)
