"""Monthly tier suggestions (客户分层): each manager's customers ranked by won revenue over the
last 12 months. The maths is sales.tiers.suggest_tiers; this loads the facts and says what
each suggestion counted and left out."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from sales.tiers import Suggestion, TierSuggestions, suggest_tiers
from store import customers
from store.metrics import wins_between

LOOK_BACK = timedelta(days=365)


def suggestions_for(
    session: Session, owner_ids: frozenset[int] | None, currency: str, now: datetime
) -> TierSuggestions:
    """Tiers for the customers of `owner_ids` (None: everyone's) by their wins in the last 12
    months in `currency`; the changes from their tier today."""
    visible = customers.customer_ids_of(session, owner_ids)
    revenue: dict[int, Decimal] = defaultdict(Decimal)
    other_currency: set[int] = set()
    wins = 0
    for win in wins_between(session, owner_ids, now - LOOK_BACK, now):
        if win.currency == currency:
            revenue[win.customer_id] += win.amount
            wins += 1
        else:
            other_currency.add(win.customer_id)
    ranked = customers.customers_by_ids(session, visible)
    left_out = [c for c in ranked if c.id in other_currency and c.id not in revenue]
    ranked = [c for c in ranked if c not in left_out]
    tiers = suggest_tiers({c.id: revenue.get(c.id, Decimal(0)) for c in ranked})
    total = sum(revenue.values(), Decimal(0))
    changes = [
        Suggestion(
            customer_id=c.id,
            name=c.name,
            current=c.tier,
            suggested=tiers[c.id],
            revenue=revenue.get(c.id, Decimal(0)),
            share=(revenue.get(c.id, Decimal(0)) / total) if total else Decimal(0),
        )
        for c in ranked
        if tiers[c.id] != c.tier
    ]
    changes.sort(key=lambda s: (-s.revenue, s.name.casefold()))
    return TierSuggestions(
        currency=currency,
        total=total,
        wins=wins,
        customers=len(ranked),
        changes=changes,
        left_out=[c.name for c in left_out],
    )
