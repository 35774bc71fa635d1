from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import contacts
from store.audit import record_change, snapshot
from store.customers import get_or_create_customer
from store.models import Person, Visit


@dataclass(frozen=True)
class VisitFields:
    customer_name: str
    visited_on: date
    notes: str
    outcome: str | None = None
    next_step: str | None = None
    follow_up_due: date | None = None
    # Who was met ("met with" on the form): contacts' names, new ones created; None: as is.
    met_with: tuple[str, ...] | None = None


def log_visit(session: Session, rep_id: int, fields: VisitFields) -> Visit:
    rep = session.get_one(Person, rep_id)
    visit = Visit(rep=rep)
    _apply(session, visit, fields)
    session.add(visit)
    record_change(session, actor=rep.slack_user_id, record=visit, action="create", before=None)
    if fields.met_with:
        contacts.set_met_with(session, visit, fields.met_with, rep.slack_user_id)
    return visit


def update_visit(session: Session, visit: Visit, fields: VisitFields, actor: str) -> Visit:
    """Change a visit loaded in this session (the caller has checked permission on it)."""
    before = snapshot(visit)
    follow_up = (visit.next_step, visit.follow_up_due)
    _apply(session, visit, fields)
    if (visit.next_step, visit.follow_up_due) != follow_up:
        # A new next step or due date is a new follow-up: not done, not snoozed.
        visit.follow_up_done_at = None
        visit.follow_up_snoozed_until = None
    record_change(session, actor=actor, record=visit, action="update", before=before)
    if fields.met_with is not None:
        contacts.set_met_with(session, visit, fields.met_with, actor)
    return visit


def delete_visit(session: Session, visit: Visit, actor: str) -> None:
    before = snapshot(visit)
    session.delete(visit)
    record_change(session, actor=actor, record=visit, action="delete", before=before)


def get_visit(session: Session, visit_id: int) -> Visit | None:
    return session.get(Visit, visit_id)


def latest_visits(
    session: Session, customer_id: int, rep_ids: Collection[int] | None, limit: int = 3
) -> list[Visit]:
    """The customer's latest visits by `rep_ids` (None: by anyone)."""
    query = select(Visit).where(Visit.customer_id == customer_id)
    if rep_ids is not None:
        query = query.where(Visit.rep_id.in_(rep_ids))
    query = query.order_by(Visit.visited_on.desc(), Visit.id.desc()).limit(limit)
    return list(session.scalars(query))


def all_visits(session: Session) -> Iterator[Visit]:
    yield from session.scalars(select(Visit).order_by(Visit.id))


def _apply(session: Session, visit: Visit, fields: VisitFields) -> None:
    visit.customer = get_or_create_customer(session, fields.customer_name)
    visit.visited_on = fields.visited_on
    visit.notes = fields.notes
    visit.outcome = fields.outcome
    visit.next_step = fields.next_step
    visit.follow_up_due = fields.follow_up_due
