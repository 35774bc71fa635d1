"""Going cold: tiered customers overdue for a visit by their tier's cadence, for many people
at once (the follow-up DM, Home and the manager digest ask the same book)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from blocks.customers import ColdCustomer
from sales.tiers import Cadence, cadence_of
from store import customers


@dataclass(frozen=True)
class CadenceBook:
    """Each person's tiered customers, with their last visit (by anyone)."""

    owned: dict[int, list[ColdCustomer]] = field(default_factory=dict)

    def going_cold(self, person_id: int, today: date) -> list[ColdCustomer]:
        """The person's customers overdue for a visit on `today`, longest overdue first
        (never visited first of all), then by name."""
        cold = [item for item in self.owned.get(person_id, []) if item.cadence.is_overdue(today)]
        return sorted(cold, key=lambda item: (_overdue_by(item.cadence, today), item.name))


def _overdue_by(cadence: Cadence, today: date) -> int:
    since = cadence.days_since(today)
    every = cadence.every_days or 0
    return -(10**6) if since is None else -(since - every)


def load_cadence_book(
    session: Session, person_ids: Collection[int] | None, cadence_days: Mapping[str, int]
) -> CadenceBook:
    """These people's (None: everyone's) tiered customers and cadence, in three statements."""
    by_owner = customers.tiered_customers_by_owner(session, person_ids)
    tiered = {customer.id: customer for found in by_owner.values() for customer in found}
    # Everyone's: one grouped read of every tiered customer's last visit, not a list of ids.
    last = customers.tiered_last_visits(session, None if person_ids is None else tiered.keys())
    # One per customer, shared by its owners.
    cold = {
        id_: ColdCustomer(
            id_, customer.name, cadence_of(customer.tier, last.get(id_), cadence_days)
        )
        for id_, customer in tiered.items()
    }
    return CadenceBook({owner: [cold[c.id] for c in found] for owner, found in by_owner.items()})
