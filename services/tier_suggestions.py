"""Monthly tier suggestions (客户分层): each manager's customers ranked by won revenue over the
last 12 months. The maths is sales.tiers.suggest_tiers; this loads the facts for every
manager at once (a constant number of statements, however many teams) and says what each
suggestion counted and left out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from reports.roster import Roster
from sales.activity import Win
from sales.fx import Rates, convert_total, merge_left_out
from sales.tiers import Suggestion, TierSuggestions, suggest_tiers
from store import customers, teams
from store.metrics import wins_between
from store.rates import load_rates

LOOK_BACK = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class CustomerRow:
    id: int
    name: str
    tier: str | None


@dataclass(frozen=True)
class TierBook:
    """Everything the month's suggestions need, for every manager."""

    wins: list[Win]
    customers: dict[int, CustomerRow]
    customers_of: dict[int, set[int]]  # person id -> customers they have deals or visits with
    managed: dict[int, frozenset[int]]  # manager id -> the members of their teams
    rates: Rates = field(default_factory=Rates)
    currencies: dict[int, str] = field(default_factory=dict)  # manager id -> their team's

    def suggestions_for(self, manager_id: int, default_currency: str) -> TierSuggestions:
        """In the manager's team currency (else `default_currency`), each win at the rate
        of its win day."""
        currency = self.currencies.get(manager_id) or default_currency
        owners = self.managed.get(manager_id, frozenset())
        visible = {c for owner in owners for c in self.customers_of.get(owner, ())}
        return rank(self.wins, [self.customers[c] for c in visible], owners, currency, self.rates)


def load_tier_book(session: Session, roster: Roster, now: datetime) -> TierBook:
    managed: dict[int, set[int]] = defaultdict(set)
    for team in roster.teams:
        members = {person.id for person in roster.members(team, teams.MEMBER)}
        for manager in roster.members(team, teams.MANAGER):
            managed[manager.id] |= members
    return TierBook(
        wins=wins_between(session, None, now - LOOK_BACK, now),
        customers={
            id_: CustomerRow(id_, name, tier)
            for id_, name, tier in customers.customer_tiers(session)
        },
        customers_of=customers.customers_of_people(session),
        managed={manager: frozenset(members) for manager, members in managed.items()},
        rates=load_rates(session),
        currencies={
            manager: currency
            for manager in managed
            if (currency := roster.currency_of(manager)) is not None
        },
    )


def rank(
    wins: list[Win],
    ranked: list[CustomerRow],
    owners: Collection[int],
    currency: str,
    rates: Rates | None = None,
) -> TierSuggestions:
    """Tiers for these customers by the owners' wins in `currency`, each converted at its
    win day's rate; the changes from today's. A customer none of whose wins has a rate is
    left out of the ranking (and the money is named)."""
    rates = rates or Rates()
    ids = {c.id for c in ranked}
    dated: dict[int, list[tuple[Decimal, str, date]]] = defaultdict(list)
    for win in wins:
        if win.owner_id in owners and win.customer_id in ids:
            dated[win.customer_id].append((win.amount, win.currency, win.won_on))
    converted = {
        customer: convert_total(amounts, currency, rates) for customer, amounts in dated.items()
    }
    with_rate = {
        customer: sum(1 for _, its, day in amounts if rates.rate(its, currency, day) is not None)
        for customer, amounts in dated.items()
    }
    revenue = {customer: converted[customer].total for customer in dated if with_rate[customer]}
    count = sum(with_rate.values())
    left_out = sorted(
        (c for c in ranked if c.id in dated and c.id not in revenue),
        key=lambda c: c.name.casefold(),
    )
    counted = [c for c in ranked if c not in left_out]
    tiers = suggest_tiers({c.id: revenue.get(c.id, Decimal(0)) for c in counted})
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
        for c in counted
        if tiers[c.id] != c.tier
    ]
    changes.sort(key=lambda s: (-s.revenue, s.name.casefold()))
    return TierSuggestions(
        currency=currency,
        total=total,
        wins=count,
        customers=len(counted),
        changes=changes,
        left_out=[c.name for c in left_out],
        left_out_money=merge_left_out(*(total.left_out for total in converted.values())),
    )
