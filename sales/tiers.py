"""Customer tiers (客户分层) and visit cadence: pure rules, no Slack and no database.

Tiers follow revenue share: the customers bringing the top ~20% of revenue are core, the
next ~30% growth, the rest long-tail. Each tier has a cadence: days between visits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

CORE = "core"
GROWTH = "growth"
LONGTAIL = "longtail"
TIERS: tuple[str, ...] = (CORE, GROWTH, LONGTAIL)
# Where each tier's share of revenue ends, counted from the largest customer down.
CORE_SHARE = Decimal("0.20")
GROWTH_SHARE = Decimal("0.50")  # core's 20% and growth's next 30%

CONTACT_ROLES: tuple[str, ...] = ("decision_maker", "influencer", "user", "finance")


@dataclass(frozen=True, slots=True)
class Cadence:
    """Where a customer stands against its tier's visit cadence on `today`."""

    tier: str | None
    last_visit: date | None
    every_days: int | None  # None: no tier, so no cadence

    def days_since(self, today: date) -> int | None:
        return None if self.last_visit is None else (today - self.last_visit).days

    def is_overdue(self, today: date) -> bool:
        """A tiered customer not visited within its cadence (or never visited)."""
        if self.every_days is None:
            return False
        since = self.days_since(today)
        return since is None or since > self.every_days


def cadence_of(
    tier: str | None, last_visit: date | None, cadence_days: Mapping[str, int]
) -> Cadence:
    every = cadence_days.get(tier) if tier else None
    return Cadence(tier, last_visit, every)


def suggest_tiers(revenue: Mapping[int, Decimal]) -> dict[int, str]:
    """Each customer's tier by its share of `revenue` (customer id -> revenue, one currency).

    Customers are taken from the largest down; a customer is core while the revenue before it
    is under 20% of the total, growth while under 50%, long-tail after (and with no revenue).
    The largest customer is therefore always core, even when it alone brings more than 20%.
    Ties in revenue are broken by id, so the answer never depends on dict order.
    """
    total = sum((amount for amount in revenue.values() if amount > 0), Decimal(0))
    tiers: dict[int, str] = {}
    before = Decimal(0)
    for customer_id, amount in sorted(revenue.items(), key=lambda item: (-item[1], item[0])):
        if amount <= 0 or total == 0:
            tiers[customer_id] = LONGTAIL
            continue
        share_before = before / total
        tiers[customer_id] = (
            CORE
            if share_before < CORE_SHARE
            else GROWTH
            if share_before < GROWTH_SHARE
            else LONGTAIL
        )
        before += amount
    return tiers


@dataclass(frozen=True)
class Suggestion:
    customer_id: int
    name: str
    current: str | None
    suggested: str
    revenue: Decimal
    share: Decimal  # of the total, 0..1


@dataclass(frozen=True)
class TierSuggestions:
    """What a manager is told: the changes suggested, and what the ranking counted."""

    currency: str
    total: Decimal
    wins: int
    customers: int  # ranked, with or without revenue
    changes: list[Suggestion] = field(default_factory=list)
    # Customers none of whose wins has a rate to `currency`: left out of the ranking.
    left_out: list[str] = field(default_factory=list)
    # The money not counted for want of a rate, per currency.
    left_out_money: dict[str, Decimal] = field(default_factory=dict)
