"""A customer's card and lists, as far as the reader may see: shared by `/customer` and its
buttons and forms."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.orm import Session

from blocks.customers import CustomerCard, ListedCustomer
from sales.fx import Valuation, convert_total
from sales.localtime import local_today
from sales.permissions import Actor
from sales.stages import OPEN_STAGES
from sales.tiers import cadence_of
from store import contacts, customers, rates
from store.customers import name_key
from store.models import Customer

OPEN_STAGE_KEYS = frozenset(stage.key for stage in OPEN_STAGES)


def visible_customer_ids(session: Session, actor: Actor) -> set[int] | None:
    """The customers the actor may see (None: all of them)."""
    return customers.customer_ids_of(session, actor.visible_owners())


def may_see_customer(session: Session, actor: Actor, customer_id: int) -> bool:
    visible = visible_customer_ids(session, actor)
    return visible is None or customer_id in visible


def visible_customer(session: Session, actor: Actor, name: str) -> Customer | None:
    """The customer of that name, if there is one the actor may see."""
    customer = customers.find_customer(session, name)
    if customer is None or not may_see_customer(session, actor, customer.id):
        return None
    return customer


def card_of(
    session: Session,
    actor: Actor,
    customer: Customer,
    today: date,
    cadence_days: dict[str, int],
    currency: str,
) -> CustomerCard:
    """The card, its totals in `currency` (the reader's team's): open deals and what is owed
    at the rates in force on `today`, each win at the rate of the day it was won (its owner's
    calendar day); what had no rate is kept apart by currency."""
    facts = customers.card_facts(session, customer.id, actor.visible_owners())
    owners: list[str] = []
    for deal in facts.deals:
        if deal.stage != "lost" and deal.owner.slack_user_id not in owners:
            owners.append(deal.owner.slack_user_id)
    if not owners:
        owners = list(dict.fromkeys(visit.rep.slack_user_id for visit in facts.visits))
    known_rates = rates.load_rates(session)
    valuation = Valuation(currency, known_rates, today)
    won = []
    for deal in facts.deals:
        won_at = facts.won_at.get(deal.id)
        won_on = local_today(deal.owner.tz, won_at) if won_at is not None else None
        if won_on is not None and won_on.year == today.year:
            won.append((deal.amount, deal.currency, won_on))
    owed = [
        (instalment.amount - instalment.paid_amount, instalment.currency, instalment.due_on)
        for instalment in facts.instalments
        if instalment.amount > instalment.paid_amount
    ]
    open_deals = [deal for deal in facts.deals if deal.stage in OPEN_STAGE_KEYS]
    open_deals.sort(key=lambda deal: (deal.expected_close or date.max, deal.id))
    currencies = {
        *(deal.currency for deal in open_deals),
        *(its_currency for _, its_currency, _ in [*won, *owed]),
    }
    return CustomerCard(
        customer=customer,
        cadence=cadence_of(customer.tier, facts.last_visit, cadence_days),
        owners=owners,
        open_deals=open_deals,
        open_total=valuation.total((deal.amount, deal.currency) for deal in open_deals),
        won_this_year=convert_total(won, currency, known_rates),
        won_deals=len(won),
        year=today.year,
        visits=facts.visits,
        outstanding=valuation.total((value, its) for value, its, _ in owed),
        overdue=valuation.total((value, its) for value, its, due in owed if due < today),
        other_currencies=bool(currencies - {currency}),
        valued_on=today,
        contacts=contacts.contacts_of(session, customer.id),
        sees_everything=actor.sees_everything(),
    )


def listed(
    session: Session,
    actor: Actor,
    customer_ids: set[int] | None,
    tier: str | None,
    cadence_days: dict[str, int],
) -> list[ListedCustomer]:
    """These customers (None: all), of one tier or any, with cadence and visible open deals."""
    rows = [
        customer
        for customer in customers.customers_by_ids(session, customer_ids)
        if tier is None or customer.tier == tier
    ]
    ids = [customer.id for customer in rows]
    last = customers.last_visits(session, ids, actor.visible_owners())
    deals = customers.open_deal_counts(session, ids, actor.visible_owners())
    return [
        ListedCustomer(
            customer,
            cadence_of(customer.tier, last.get(customer.id), cadence_days),
            deals.get(customer.id, 0),
        )
        for customer in rows
    ]


MIN_GUESS_CHARS = 2  # a one-letter customer name would match nearly any message


def guess_customer(session: Session, actor: Actor, channel_name: str, text: str) -> str | None:
    """The customer a message is most likely about, among those the actor may see: one whose
    name is in the channel's name (#acme-renewal), else in the text; the longest name wins."""
    visible = customers.customers_by_ids(session, visible_customer_ids(session, actor))
    channel = name_key(re.sub(r"[-_.]+", " ", channel_name))
    body = name_key(text)
    for haystack in (channel, body):
        if not haystack:
            continue
        found = [
            customer
            for customer in visible
            if len(customer.name_key) >= MIN_GUESS_CHARS
            and _contains_word(haystack, customer.name_key)
        ]
        if found:
            return max(found, key=lambda customer: len(customer.name_key)).name
    return None


def _contains_word(haystack: str, needle: str) -> bool:
    """`needle` in `haystack` not as part of a longer Latin word ("acme" not in "acmeville");
    Chinese names have no spaces around them, so any occurrence counts."""
    for found in re.finditer(re.escape(needle), haystack):
        before = haystack[found.start() - 1] if found.start() else " "
        after = haystack[found.end()] if found.end() < len(haystack) else " "
        if not (_latin_word_char(before) and _latin_word_char(needle[0])) and not (
            _latin_word_char(after) and _latin_word_char(needle[-1])
        ):
            return True
    return False


def _latin_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()
