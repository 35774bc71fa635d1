"""Customers: finding them by name, who may see which, and the facts behind their card."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from parsing.text import match_key
from sales.stages import OPEN_STAGES
from store.audit import record_change, snapshot
from store.models import Customer, Deal, DealNote, Instalment, StageChange, Visit
from store.reads import aggregate_day, one_copy, streamed


def name_key(name: str) -> str:
    return match_key(name)


def find_customer(session: Session, name: str) -> Customer | None:
    return session.scalar(select(Customer).where(Customer.name_key == name_key(name)))


def get_or_create_customer(session: Session, name: str) -> Customer:
    """The customer of that name, whatever its case; created if it is new."""
    customer = find_customer(session, name)
    if customer is not None:
        return customer
    customer = Customer(name=" ".join(name.split()), name_key=name_key(name))
    try:
        with session.begin_nested():
            session.add(customer)
    except IntegrityError:
        customer = find_customer(session, name)
        assert customer is not None
    return customer


def search_customers(session: Session, text: str, limit: int = 20) -> list[Customer]:
    """Customers whose name contains `text`, names starting with it first."""
    key = name_key(text)
    query = select(Customer).order_by(Customer.name_key).limit(limit)
    if key:
        starts = Customer.name_key.startswith(key, autoescape=True)
        query = query.where(Customer.name_key.contains(key, autoescape=True)).order_by(None)
        query = query.order_by(starts.desc(), func.length(Customer.name_key), Customer.name_key)
    return list(session.scalars(query))


def get_customer(session: Session, customer_id: int) -> Customer | None:
    return session.get(Customer, customer_id)


def customer_ids_of(session: Session, owner_ids: Collection[int] | None) -> set[int] | None:
    """The customers these people have deals or visits with (None: everyone sees all)."""
    if owner_ids is None:
        return None
    if not owner_ids:
        return set()
    with_deals = select(Deal.customer_id).where(Deal.owner_id.in_(owner_ids))
    with_visits = select(Visit.customer_id).where(Visit.rep_id.in_(owner_ids))
    return set(session.scalars(union(with_deals, with_visits)))


def customers_by_ids(session: Session, customer_ids: Collection[int] | None) -> list[Customer]:
    """These customers (None: all), by name."""
    query = select(Customer).order_by(Customer.name_key)
    if customer_ids is not None:
        query = query.where(Customer.id.in_(customer_ids))
    return list(session.scalars(query))


def customer_tiers(session: Session) -> Iterator[tuple[int, str, str | None]]:
    """(id, name, tier) of every customer, by name, as plain rows (a run holds them all),
    streamed: read them before the session ends."""
    query = select(Customer.id, Customer.name, Customer.tier).order_by(Customer.name_key)
    return streamed(session, query, shared=(2,))


def set_tier(session: Session, customer: Customer, tier: str | None, actor: str) -> bool:
    """Set the customer's tier (audited); False when it already had that tier."""
    if customer.tier == tier:
        return False
    before = snapshot(customer)
    customer.tier = tier
    record_change(session, actor=actor, record=customer, action="update", before=before)
    return True


@dataclass(frozen=True)
class CardFacts:
    """What a customer's card shows, of the deals and visits of `owner_ids` only."""

    deals: list[Deal]
    visits: list[Visit]
    last_visit: date | None
    instalments: list[Instalment]
    won_at: dict[int, datetime]  # each deal still won: when it was last won


def card_facts(
    session: Session, customer_id: int, owner_ids: Collection[int] | None, visits: int = 5
) -> CardFacts:
    deal_query = select(Deal).where(Deal.customer_id == customer_id).order_by(Deal.id)
    visit_query = select(Visit).where(Visit.customer_id == customer_id)
    last_query = select(func.max(Visit.visited_on)).where(Visit.customer_id == customer_id)
    instalment_query = (
        select(Instalment)
        .join(Deal, Instalment.deal_id == Deal.id)
        .where(Deal.customer_id == customer_id, Deal.stage != "lost")
        .order_by(Instalment.due_on, Instalment.id)
    )
    if owner_ids is not None:
        deal_query = deal_query.where(Deal.owner_id.in_(owner_ids))
        visit_query = visit_query.where(Visit.rep_id.in_(owner_ids))
        last_query = last_query.where(Visit.rep_id.in_(owner_ids))
        instalment_query = instalment_query.where(Deal.owner_id.in_(owner_ids))
    latest = visit_query.order_by(Visit.visited_on.desc(), Visit.id.desc()).limit(visits)
    last = session.scalar(last_query)
    deals = list(session.scalars(deal_query))
    won_ids = [deal.id for deal in deals if deal.stage == "won"]
    won_query = (
        select(StageChange.deal_id, func.max(StageChange.changed_at))
        .where(StageChange.deal_id.in_(won_ids), StageChange.to_stage == "won")
        .group_by(StageChange.deal_id)
    )
    won_at = {deal_id: _aware(at) for deal_id, at in session.execute(won_query)} if won_ids else {}
    return CardFacts(
        deals=deals,
        visits=list(session.scalars(latest)),
        last_visit=None if last is None else aggregate_day(last),
        instalments=list(session.scalars(instalment_query)),
        won_at=won_at,
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def last_visits(
    session: Session, customer_ids: Collection[int], rep_ids: Collection[int] | None
) -> dict[int, date]:
    """Each customer's latest visit day by these reps (None: by anyone)."""
    if not customer_ids:
        return {}
    query = (
        select(Visit.customer_id, func.max(Visit.visited_on))
        .where(Visit.customer_id.in_(customer_ids))
        .group_by(Visit.customer_id)
    )
    if rep_ids is not None:
        query = query.where(Visit.rep_id.in_(rep_ids))
    return {customer: aggregate_day(day) for customer, day in session.execute(query)}


def open_deal_counts(
    session: Session, customer_ids: Collection[int], owner_ids: Collection[int] | None
) -> dict[int, int]:
    if not customer_ids:
        return {}
    query = (
        select(Deal.customer_id, func.count(Deal.id))
        .where(
            Deal.customer_id.in_(customer_ids), Deal.stage.in_([stage.key for stage in OPEN_STAGES])
        )
        .group_by(Deal.customer_id)
    )
    if owner_ids is not None:
        query = query.where(Deal.owner_id.in_(owner_ids))
    return {int(row[0]): int(row[1]) for row in session.execute(query)}


def search_customer_ids(
    session: Session, words: Collection[str], owner_ids: Collection[int] | None
) -> set[int]:
    """Customers with every word in their name, or in visit notes, deal titles or deal notes
    these people (None: anyone) wrote or own."""
    found: set[int] | None = None
    for word in words:
        needle = word.casefold()
        by_name = select(Customer.id).where(Customer.name_key.contains(needle, autoescape=True))
        by_visit = select(Visit.customer_id).where(
            func.lower(Visit.notes).contains(needle, autoescape=True)
        )
        by_deal = select(Deal.customer_id).where(
            func.lower(Deal.title).contains(needle, autoescape=True)
        )
        by_note = (
            select(Deal.customer_id)
            .join(DealNote, DealNote.deal_id == Deal.id)
            .where(func.lower(DealNote.text).contains(needle, autoescape=True))
        )
        if owner_ids is not None:
            by_visit = by_visit.where(Visit.rep_id.in_(owner_ids))
            by_deal = by_deal.where(Deal.owner_id.in_(owner_ids))
            by_note = by_note.where(Deal.owner_id.in_(owner_ids))
        matches = set(session.scalars(union(by_name, by_visit, by_deal, by_note)))
        found = matches if found is None else found & matches
        if not found:
            return set()
    return found or set()


def customers_of_people(session: Session) -> dict[int, set[int]]:
    """Each person's customers: those they have deals or visits with (one statement)."""
    with_deals = select(Deal.owner_id, Deal.customer_id)
    with_visits = select(Visit.rep_id, Visit.customer_id)
    found: dict[int, set[int]] = {}
    # One int per customer, not one per pair: a run holds every person's.
    customer = one_copy()
    for person_id, customer_id in streamed(session, union(with_deals, with_visits)):
        found.setdefault(int(person_id), set()).add(customer(int(customer_id)))
    return found


@dataclass(frozen=True, slots=True)
class TieredCustomer:
    """A tiered customer as going-cold lists show it: a plain row, one per customer."""

    id: int
    name: str
    tier: str


def tiered_customers_by_owner(
    session: Session, person_ids: Collection[int] | None
) -> dict[int, list[TieredCustomer]]:
    """Each owner's tiered customers (by id), for the owners among `person_ids` (None:
    everyone). A customer's owners are the people with a deal there that is not lost; a
    customer without one is owned by whoever visited it (two statements; only
    `person_ids`' rows are read)."""
    kept = Deal.stage != "lost"
    by_deal = (
        select(Customer.id, Customer.name, Customer.tier, Deal.owner_id)
        .join(Deal, Deal.customer_id == Customer.id)
        .where(Customer.tier.is_not(None), kept)
        .distinct()
    )
    # Disjoint from the deals' rows: only customers where nobody has a deal that counts.
    someone_deals = select(Deal.id).where(Deal.customer_id == Visit.customer_id, kept).exists()
    by_visit = (
        select(Customer.id, Customer.name, Customer.tier, Visit.rep_id)
        .join(Visit, Visit.customer_id == Customer.id)
        .where(Customer.tier.is_not(None), ~someone_deals)
        .distinct()
    )
    if person_ids is not None:
        by_deal = by_deal.where(Deal.owner_id.in_(person_ids))
        by_visit = by_visit.where(Visit.rep_id.in_(person_ids))
    # One row per customer, however many owners it has (a run holds every person's).
    found: dict[int, TieredCustomer] = {}
    owned: dict[int, list[TieredCustomer]] = {}
    for query in (by_deal, by_visit):
        for customer_id, name, tier, owner_id in streamed(session, query):
            customer = found.get(customer_id)
            if customer is None:
                customer = found[customer_id] = TieredCustomer(customer_id, name, tier)
            owned.setdefault(int(owner_id), []).append(customer)
    for customers in owned.values():
        customers.sort(key=lambda customer: customer.id)
    return owned


def tiered_last_visits(session: Session, customer_ids: Collection[int] | None) -> dict[int, date]:
    """Each of these customers' (None: every tiered customer's) latest visit day, by anyone."""
    if customer_ids is None:
        query = (
            select(Visit.customer_id, func.max(Visit.visited_on))
            .join(Customer, Customer.id == Visit.customer_id)
            .where(Customer.tier.is_not(None))
            .group_by(Visit.customer_id)
        )
        return {customer: aggregate_day(day) for customer, day in streamed(session, query)}
    return last_visits(session, customer_ids, None)
