"""The customer type-ahead used by the visit and deal modals."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from blocks.visits import CUSTOMER_SELECT, customer_option
from runtime.readers import reader_language
from services.context import BotContext
from store.customers import name_key, search_customers

MAX_OPTIONS = 20
log = logging.getLogger(__name__)


def register(app: App, ctx: BotContext) -> None:
    @app.options(CUSTOMER_SELECT)
    def customer_suggestions(ack: Ack, payload: dict[str, Any]) -> None:
        typed = " ".join(str(payload.get("value", "")).split())[:120]
        language = reader_language((payload.get("user") or {}).get("id"))
        try:
            with ctx.db.reading() as session:
                customers = search_customers(session, typed, MAX_OPTIONS)
        except Exception:
            # Type-ahead must still answer in time; the person can still type a new name.
            log.exception("customer search failed")
            customers = []
        options = [customer_option(customer.name) for customer in customers]
        if typed and all(customer.name_key != name_key(typed) for customer in customers):
            options.insert(0, customer_option(typed, new=True, language=language))
        ack(options=options[:MAX_OPTIONS])
