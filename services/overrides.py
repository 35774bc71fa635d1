"""The settings in force: the environment's, with the values admins stored from the Home tab.

The scheduler and the Home tab read them afresh each time, so a change needs no restart.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from runtime.settings import Settings, with_overrides
from services.context import BotContext
from store.setting_overrides import overrides

log = logging.getLogger(__name__)


def effective_settings(ctx: BotContext) -> Settings:
    with ctx.db.reading() as session:
        stored = overrides(session)
    if not stored:
        return ctx.settings
    settings, problems = with_overrides(ctx.settings, stored)
    for problem in problems:
        log.warning("ignoring a setting stored from the Home tab: %s", problem)
    return settings


def effective_context(ctx: BotContext) -> BotContext:
    """`ctx` with the settings in force (`ctx` itself when nothing is overridden)."""
    settings = effective_settings(ctx)
    return ctx if settings == ctx.settings else replace(ctx, settings=settings)
