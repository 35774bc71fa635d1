"""Instalments, payments received, their allocations and notes. Every change is audited."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from sales.collections import Cancelled
from store.audit import record_change, snapshot
from store.models import (
    Customer,
    Deal,
    Instalment,
    InstalmentNote,
    Payment,
    PaymentAllocation,
    Person,
)
from store.reads import streamed

# A deal reopened from won keeps its schedule, and it is still chased; a lost deal's unpaid
# instalments are cancelled when it is lost.
LOST = "lost"
# The payment alerts' job in the delivery ledger. Each (instalment, step) is a period of its
# own, so every recipient gets each step once.
ALERT_JOB = "payment_alerts"


def alert_period(instalment_id: int, step: str) -> str:
    """The ledger period of one alert step about one instalment, e.g. `i12:tier2`."""
    return f"{alert_periods_of(instalment_id)}{step}"


def alert_periods_of(instalment_id: int) -> str:
    """What every alert period of an instalment starts with: how its history is found."""
    return f"i{instalment_id}:"


def add_instalment(
    session: Session, deal: Deal, *, amount: Decimal, currency: str, due_on: date, actor: str
) -> Instalment:
    instalment = Instalment(
        deal_id=deal.id,
        amount=amount,
        currency=currency,
        due_on=due_on,
        paid_amount=Decimal(0),
        created_by=actor,
    )
    session.add(instalment)
    record_change(session, actor=actor, record=instalment, action="create", before=None)
    return instalment


def get_instalment(session: Session, instalment_id: int) -> Instalment | None:
    return session.get(Instalment, instalment_id)


def instalments_of(session: Session, deal_id: int) -> list[Instalment]:
    """The deal's instalments, by due date (the order payments settle them in)."""
    query = (
        select(Instalment)
        .where(Instalment.deal_id == deal_id)
        .order_by(Instalment.due_on, Instalment.id)
    )
    return list(session.scalars(query))


def get_payment(session: Session, payment_id: int) -> Payment | None:
    return session.get(Payment, payment_id)


def payments_of(session: Session, deal_id: int) -> list[Payment]:
    query = (
        select(Payment).where(Payment.deal_id == deal_id).order_by(Payment.received_on, Payment.id)
    )
    return list(session.scalars(query))


def record_payment(
    session: Session,
    deal: Deal,
    *,
    amount: Decimal,
    currency: str,
    received_on: date,
    plan: list[tuple[int, Decimal]],
    actor: str,
) -> Payment:
    """Record money received and settle the instalments `plan` says (id, amount applied).

    The caller works the plan out (sales.collections.allocate) from instalments it loaded
    in this same session.
    """
    payment = Payment(
        deal_id=deal.id,
        amount=amount,
        currency=currency,
        received_on=received_on,
        recorded_by=actor,
    )
    session.add(payment)
    record_change(session, actor=actor, record=payment, action="create", before=None)
    for instalment_id, applied in plan:
        instalment = session.get_one(Instalment, instalment_id)
        allocation = PaymentAllocation(
            payment_id=payment.id, instalment_id=instalment.id, amount=applied
        )
        session.add(allocation)
        record_change(session, actor=actor, record=allocation, action="create", before=None)
        before = snapshot(instalment)
        instalment.paid_amount = instalment.paid_amount + applied
        if instalment.paid_on is None or received_on > instalment.paid_on:
            instalment.paid_on = received_on
        record_change(session, actor=actor, record=instalment, action="update", before=before)
    return payment


def snooze(session: Session, instalment: Instalment, until: date, actor: str) -> None:
    before = snapshot(instalment)
    instalment.snoozed_until = until
    record_change(session, actor=actor, record=instalment, action="update", before=before)


def add_note(session: Session, instalment: Instalment, author: Person, text: str) -> InstalmentNote:
    note = InstalmentNote(instalment_id=instalment.id, author=author, text=text)
    session.add(note)
    record_change(session, actor=author.slack_user_id, record=note, action="create", before=None)
    return note


def notes_of(session: Session, instalment_id: int, limit: int = 5) -> list[InstalmentNote]:
    """The latest notes, oldest of them first."""
    query = (
        select(InstalmentNote)
        .where(InstalmentNote.instalment_id == instalment_id)
        .order_by(InstalmentNote.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))[::-1]


def scheduled(session: Session, deal: Deal) -> Decimal:
    """What the deal's payment terms add up to, in the deal's currency."""
    return sum(
        (i.amount for i in instalments_of(session, deal.id) if i.currency == deal.currency),
        Decimal(0),
    )


def owed_on(session: Session, deal: Deal) -> Decimal:
    """What is scheduled and not yet paid on the deal, in the deal's currency."""
    return sum(
        (
            i.amount - i.paid_amount
            for i in instalments_of(session, deal.id)
            if i.currency == deal.currency and i.paid_amount < i.amount
        ),
        Decimal(0),
    )


def cancel_unpaid(session: Session, deal: Deal, actor: str) -> list[Cancelled]:
    """Cancel what is not yet paid of the deal's instalments, audited: one nothing was paid
    on goes; a partly paid one shrinks to what was paid, so its payments stay settled."""
    schedule = instalments_of(session, deal.id)
    cancelled: list[Cancelled] = []
    for number, instalment in enumerate(schedule, start=1):
        owed = instalment.amount - instalment.paid_amount
        if owed <= 0:
            continue
        cancelled.append(
            Cancelled(
                instalment.id, number, len(schedule), owed, instalment.currency, instalment.due_on
            )
        )
        before = snapshot(instalment)
        if instalment.paid_amount == 0:
            record_change(session, actor=actor, record=instalment, action="delete", before=before)
            session.delete(instalment)
        else:
            instalment.amount = instalment.paid_amount
            record_change(session, actor=actor, record=instalment, action="update", before=before)
    session.flush()
    return cancelled


def open_instalments(session: Session) -> list[tuple[int, date, date | None, int]]:
    """Instalments still owed (of won deals, and of deals reopened from won), by due date:
    (id, due on, snoozed until, owner id), as plain rows (a run lists them all)."""
    query = (
        select(Instalment.id, Instalment.due_on, Instalment.snoozed_until, Deal.owner_id)
        .join(Deal, Instalment.deal_id == Deal.id)
        .where(Deal.stage != LOST, Instalment.paid_amount < Instalment.amount)
        .order_by(Instalment.due_on, Instalment.id)
    )
    return [
        (instalment_id, due_on, snoozed_until, owner_id)
        for instalment_id, due_on, snoozed_until, owner_id in streamed(
            session, query, shared=(1, 2)
        )
    ]


def _open_or(instalment_ids: Collection[int] | None) -> Select[tuple[int]]:
    """The ids of `instalment_ids`, or (None) of every instalment `open_instalments` lists."""
    query = select(Instalment.id)
    if instalment_ids is not None:
        return query.where(Instalment.id.in_(instalment_ids))
    return query.join(Deal, Instalment.deal_id == Deal.id).where(
        Deal.stage != LOST, Instalment.paid_amount < Instalment.amount
    )


@dataclass(frozen=True, slots=True)
class AlertedInstalment:
    """An instalment as its alert shows it, with its deal's, customer's and owner's fields:
    a plain row (a run holds every open one)."""

    id: int
    deal_id: int
    deal_title: str
    deal_stage: str
    customer_name: str
    owner_id: int
    owner_slack_user_id: str
    owner_tz: str
    amount: Decimal
    paid_amount: Decimal
    currency: str
    due_on: date
    snoozed_until: date | None


def instalments_by_ids(
    session: Session, instalment_ids: Collection[int] | None
) -> list[AlertedInstalment]:
    """These instalments (None: the open ones), by due date, as their alerts show them."""
    query = (
        select(
            Instalment.id,
            Instalment.deal_id,
            Deal.title,
            Deal.stage,
            Customer.name,
            Deal.owner_id,
            Person.slack_user_id,
            Person.tz,
            Instalment.amount,
            Instalment.paid_amount,
            Instalment.currency,
            Instalment.due_on,
            Instalment.snoozed_until,
        )
        .join(Deal, Instalment.deal_id == Deal.id)
        .join(Customer, Deal.customer_id == Customer.id)
        .join(Person, Deal.owner_id == Person.id)
        .where(Instalment.id.in_(_open_or(instalment_ids)))
        .order_by(Instalment.due_on, Instalment.id)
    )
    rows = streamed(session, query, shared=(2, 3, 4, 6, 7, 10, 11, 12))
    return [AlertedInstalment(*row) for row in rows]


def schedules_of(session: Session, instalment_ids: Collection[int] | None) -> dict[int, list[int]]:
    """The deals of these instalments (None: the open ones), each with every one of its
    instalments' ids by due date (plain ids: an instalment's place in its schedule)."""
    deals = select(Instalment.deal_id).where(Instalment.id.in_(_open_or(instalment_ids)))
    query = (
        select(Instalment.deal_id, Instalment.id)
        .where(Instalment.deal_id.in_(deals))
        .order_by(Instalment.due_on, Instalment.id)
    )
    found: dict[int, list[int]] = {}
    for deal_id, instalment_id in streamed(session, query):
        found.setdefault(deal_id, []).append(instalment_id)
    return found


def notes_of_many(
    session: Session, instalment_ids: Collection[int] | None, limit: int = 5
) -> dict[int, list[InstalmentNote]]:
    """`notes_of` for these instalments (None: the open ones) at once."""
    query = (
        select(InstalmentNote)
        .where(InstalmentNote.instalment_id.in_(_open_or(instalment_ids)))
        .order_by(InstalmentNote.id)
    )
    found: dict[int, list[InstalmentNote]] = {}
    for note in session.scalars(query):
        found.setdefault(note.instalment_id, []).append(note)
    return {key: notes[-limit:] for key, notes in found.items()}


@dataclass(frozen=True, slots=True)
class Overdue:
    """An overdue instalment as a digest or the Home lists it: a plain row (a run holds
    every team's)."""

    id: int
    deal_id: int
    owner_id: int
    customer_name: str
    title: str
    amount: Decimal
    paid_amount: Decimal
    currency: str
    due_on: date


def overdue_instalments(
    session: Session, owner_ids: Collection[int] | None, today: date
) -> list[Overdue]:
    """Instalments of these people's (None: everyone's) deals, won or reopened, still owed
    after their due date, by due date."""
    if owner_ids is not None and not owner_ids:
        return []
    query = (
        select(
            Instalment.id,
            Instalment.deal_id,
            Deal.owner_id,
            Customer.name,
            Deal.title,
            Instalment.amount,
            Instalment.paid_amount,
            Instalment.currency,
            Instalment.due_on,
        )
        .join(Deal, Instalment.deal_id == Deal.id)
        .join(Customer, Deal.customer_id == Customer.id)
        .where(
            Deal.stage != LOST,
            Instalment.paid_amount < Instalment.amount,
            Instalment.due_on < today,
        )
        .order_by(Instalment.due_on, Instalment.id)
    )
    if owner_ids is not None:
        query = query.where(Deal.owner_id.in_(owner_ids))
    return [
        Overdue(id_, deal, owner, customer, title, amount, paid, currency, due)
        for id_, deal, owner, customer, title, amount, paid, currency, due in streamed(
            session, query, shared=(3, 4, 7, 8)
        )
    ]
