from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from sales.stages import OPEN_STAGES, WON
from store import celebrations
from store.audit import record_change, snapshot
from store.customers import find_customer, get_or_create_customer
from store.models import (
    Case,
    Customer,
    Deal,
    DealNote,
    Instalment,
    Payment,
    Person,
    StageChange,
    Visit,
)
from store.types import utcnow

OPEN_STAGE_KEYS = tuple(stage.key for stage in OPEN_STAGES)


@dataclass(frozen=True)
class NewDeal:
    customer_name: str
    title: str
    amount: Decimal
    currency: str
    stage: str
    expected_close: date | None = None
    bant_budget: bool = False
    bant_authority: bool = False
    bant_need: bool = False
    bant_timeline: bool = False


def create_deal(session: Session, owner_id: int, new: NewDeal) -> Deal:
    owner = session.get_one(Person, owner_id)
    deal = Deal(
        customer=get_or_create_customer(session, new.customer_name),
        title=new.title,
        amount=new.amount,
        currency=new.currency,
        stage=new.stage,
        expected_close=new.expected_close,
        owner=owner,
        bant_budget=new.bant_budget,
        bant_authority=new.bant_authority,
        bant_need=new.bant_need,
        bant_timeline=new.bant_timeline,
    )
    session.add(deal)
    session.add(StageChange(deal=deal, from_stage=None, to_stage=new.stage, changed_by=owner))
    record_change(session, actor=owner.slack_user_id, record=deal, action="create", before=None)
    if deal.stage == WON.key:
        celebrations.owe(session, deal)
    return deal


def get_deal(session: Session, deal_id: int) -> Deal | None:
    return session.get(Deal, deal_id)


def deals_by_ids(session: Session, deal_ids: Collection[int]) -> dict[int, Deal]:
    """These deals, by id (one statement)."""
    if not deal_ids:
        return {}
    return {deal.id: deal for deal in session.scalars(select(Deal).where(Deal.id.in_(deal_ids)))}


def find_deals(
    session: Session, text: str, owner_ids: Collection[int] | None, limit: int = 10
) -> list[Deal]:
    """Deals whose customer name or title contains `text`; open deals first."""
    needle = text.strip().casefold()
    query = (
        _visible(select(Deal).join(Deal.customer), owner_ids)
        .where(
            or_(
                Customer.name_key.contains(needle, autoescape=True),
                func.lower(Deal.title).contains(needle, autoescape=True),
            )
        )
        .order_by(Deal.stage.in_(OPEN_STAGE_KEYS).desc(), Deal.updated_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def open_deals(session: Session, owner_ids: Collection[int] | None) -> list[Deal]:
    """Open deals owned by `owner_ids` (None: by anyone), largest first."""
    query = _visible(select(Deal), owner_ids).where(Deal.stage.in_(OPEN_STAGE_KEYS))
    return list(session.scalars(query.order_by(Deal.amount.desc(), Deal.id)))


def open_deals_at(
    session: Session, customer_name: str, owner_ids: Collection[int] | None
) -> list[Deal]:
    """Open deals at the customer of that name (whatever its case), owned by `owner_ids`."""
    customer = find_customer(session, customer_name)
    if customer is None:
        return []
    query = _visible(select(Deal), owner_ids).where(
        Deal.customer_id == customer.id, Deal.stage.in_(OPEN_STAGE_KEYS)
    )
    return list(session.scalars(query.order_by(Deal.id)))


def all_deals(session: Session) -> Iterator[Deal]:
    yield from session.scalars(select(Deal).order_by(Deal.id))


def change_stage(
    session: Session, deal: Deal, to_stage: str, by: Person, lost_reason: str | None = None
) -> bool:
    """Move a deal loaded in this session; False when it already is there (nothing written)."""
    if deal.stage == to_stage and (lost_reason is None or lost_reason == deal.lost_reason):
        return False
    before = snapshot(deal)
    if deal.stage != to_stage:
        session.add(StageChange(deal=deal, from_stage=deal.stage, to_stage=to_stage, changed_by=by))
    won_now = deal.stage != to_stage and to_stage == WON.key
    deal.stage = to_stage
    deal.lost_reason = lost_reason
    record_change(session, actor=by.slack_user_id, record=deal, action="update", before=before)
    if won_now:
        # Every path to "won" comes here (or through create_deal): the celebration is owed
        # in the same transaction, and posted by the scheduler (store.celebrations).
        celebrations.owe(session, deal)
    return True


def update_deal(
    session: Session,
    deal: Deal,
    by: Person,
    *,
    amount: Decimal | None = None,
    currency: str | None = None,
    expected_close: date | None = None,
) -> None:
    before = snapshot(deal)
    if amount is not None:
        deal.amount = amount
    if currency is not None:
        deal.currency = currency
    if expected_close is not None:
        deal.expected_close = expected_close
    record_change(session, actor=by.slack_user_id, record=deal, action="update", before=before)


EDITABLE = (
    "title",
    "amount",
    "currency",
    "expected_close",
    "bant_budget",
    "bant_authority",
    "bant_need",
    "bant_timeline",
)


def edit_deal(session: Session, deal: Deal, by: Person, new: NewDeal) -> list[str]:
    """Set the deal's customer and fields (not its stage or owner) to `new`, audited once;
    the names of the columns that changed ("customer_id", "title", ...)."""
    before = snapshot(deal)
    changed: list[str] = []
    customer = get_or_create_customer(session, new.customer_name)
    if customer.id != deal.customer_id:
        deal.customer = customer
        changed.append("customer_id")
    for field in EDITABLE:
        wanted = getattr(new, field)
        if getattr(deal, field) != wanted:
            setattr(deal, field, wanted)
            changed.append(field)
    if changed:
        record_change(session, actor=by.slack_user_id, record=deal, action="update", before=before)
    return changed


def add_note(session: Session, deal: Deal, author: Person, text: str) -> DealNote:
    note = DealNote(deal_id=deal.id, author=author, text=text)
    session.add(note)
    # A note is activity: it keeps the deal from counting as stale.
    deal.updated_at = utcnow()
    record_change(session, actor=author.slack_user_id, record=note, action="create", before=None)
    return note


@dataclass(frozen=True)
class Handover:
    """What moved to the new owner: the deals, the open follow-ups of the visits the old
    owner made to those deals' customers, and the instalments still owed (whose alerts go
    to a deal's owner, so they move with it)."""

    deal_ids: tuple[int, ...]
    follow_ups: int
    instalments: int


def deals_owned_by(session: Session, owner_id: int, *, open_only: bool) -> list[Deal]:
    query = select(Deal).where(Deal.owner_id == owner_id)
    if open_only:
        query = query.where(Deal.stage.in_(OPEN_STAGE_KEYS))
    return list(session.scalars(query.order_by(Deal.id)))


def hand_over(session: Session, moving: Collection[Deal], to: Person, by: Person) -> Handover:
    """Give each deal to `to`, with its follow-ups, audited; a deal `to` owns is left alone."""
    moved: list[int] = []
    follow_ups = 0
    for deal in moving:
        if deal.owner_id == to.id:
            continue
        before = snapshot(deal)
        from_id = deal.owner_id
        deal.owner = to
        record_change(session, actor=by.slack_user_id, record=deal, action="update", before=before)
        moved.append(deal.id)
        follow_ups += _hand_over_follow_ups(session, from_id, deal.customer_id, to, by)
    owed = select(func.count(Instalment.id)).where(
        Instalment.deal_id.in_(moved), Instalment.paid_amount < Instalment.amount
    )
    return Handover(tuple(moved), follow_ups, session.scalar(owed) or 0)


def _hand_over_follow_ups(
    session: Session, from_id: int, customer_id: int, to: Person, by: Person
) -> int:
    query = select(Visit).where(
        Visit.rep_id == from_id,
        Visit.customer_id == customer_id,
        Visit.follow_up_due.is_not(None),
        Visit.follow_up_done_at.is_(None),
    )
    visits = list(session.scalars(query))
    for visit in visits:
        before = snapshot(visit)
        visit.rep = to
        record_change(session, actor=by.slack_user_id, record=visit, action="update", before=before)
    return len(visits)


@dataclass(frozen=True)
class DealRecords:
    """What is recorded on a deal: deleted with it, but for the cases (unlinked)."""

    stage_changes: int
    notes: int
    instalments: int
    received: tuple[tuple[Decimal, str], ...]  # each payment: amount, currency
    cases: int


def records_of(session: Session, deal_id: int) -> DealRecords:
    def count(model: type[StageChange | DealNote | Instalment | Case]) -> int:
        return session.scalar(select(func.count()).where(model.deal_id == deal_id)) or 0

    received = session.execute(
        select(Payment.amount, Payment.currency).where(Payment.deal_id == deal_id)
    )
    return DealRecords(
        stage_changes=count(StageChange),
        notes=count(DealNote),
        instalments=count(Instalment),
        received=tuple((amount, currency) for amount, currency in received),
        cases=count(Case),
    )


def delete_deal(session: Session, deal: Deal, by: Person) -> None:
    """Delete the deal; the database deletes its stage changes, notes, instalments and
    payments with it and unlinks its cases. The audit log keeps the deal and its money."""
    for model in (DealNote, Instalment, Payment):
        for record in session.scalars(select(model).where(model.deal_id == deal.id)):
            before = snapshot(record)
            record_change(
                session, actor=by.slack_user_id, record=record, action="delete", before=before
            )
    before = snapshot(deal)
    record_change(session, actor=by.slack_user_id, record=deal, action="delete", before=before)
    session.delete(deal)
    session.flush()


def stage_history(session: Session, deal_id: int) -> list[StageChange]:
    query = select(StageChange).where(StageChange.deal_id == deal_id).order_by(StageChange.id)
    return list(session.scalars(query))


def latest_notes(session: Session, deal_id: int, limit: int = 3) -> list[DealNote]:
    query = (
        select(DealNote)
        .where(DealNote.deal_id == deal_id)
        .order_by(DealNote.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def _visible(query: Select[tuple[Deal]], owner_ids: Collection[int] | None) -> Select[tuple[Deal]]:
    return query if owner_ids is None else query.where(Deal.owner_id.in_(owner_ids))


def set_forecast(session: Session, deal: Deal, by: Person, category: str | None) -> bool:
    """Mark a deal loaded in this session commit, best case or neither (None); False when it
    already is (nothing written). Audited."""
    if deal.forecast == category:
        return False
    before = snapshot(deal)
    deal.forecast = category
    record_change(session, actor=by.slack_user_id, record=deal, action="update", before=before)
    return True
