"""Contacts at a customer: personal data, so deleting one also scrubs its audit history."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.audit import record_change, snapshot
from store.customers import name_key
from store.models import AuditEntry, Contact, Visit, VisitContact

# What a forgotten contact's audit entries keep: that a contact existed, not who it was.
_KEPT_FIELDS = ("id", "customer_id", "created_by", "created_at")


@dataclass(frozen=True)
class ContactFields:
    name: str
    title: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None


def contacts_of(session: Session, customer_id: int) -> list[Contact]:
    query = select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.name_key)
    return list(session.scalars(query))


def find_contact(session: Session, customer_id: int, name: str) -> Contact | None:
    query = select(Contact).where(
        Contact.customer_id == customer_id, Contact.name_key == name_key(name)
    )
    return session.scalar(query)


def save_contact(
    session: Session, customer_id: int, fields: ContactFields, actor: str
) -> tuple[Contact, bool]:
    """Add the contact, or update the one of that name at this customer; True if new.
    Details left out keep what the contact had."""
    contact = find_contact(session, customer_id, fields.name)
    if contact is None:
        contact = Contact(
            customer_id=customer_id,
            name=fields.name,
            name_key=name_key(fields.name),
            title=fields.title,
            role=fields.role,
            phone=fields.phone,
            email=fields.email,
            created_by=actor,
        )
        session.add(contact)
        record_change(session, actor=actor, record=contact, action="create", before=None)
        return contact, True
    before = snapshot(contact)
    contact.name = fields.name
    for key in ("title", "role", "phone", "email"):
        value = getattr(fields, key)
        if value is not None:
            setattr(contact, key, value)
    record_change(session, actor=actor, record=contact, action="update", before=before)
    return contact, False


def forget_contact(session: Session, contact: Contact, actor: str) -> None:
    """Delete the contact and every detail of it the audit log kept; the deletion itself is
    audited, with nothing that identifies the person."""
    kept = {key: value for key, value in snapshot(contact).items() if key in _KEPT_FIELDS}
    history = select(AuditEntry).where(
        AuditEntry.entity == Contact.__tablename__, AuditEntry.entity_id == contact.id
    )
    for entry in session.scalars(history):
        entry.before = _scrubbed(entry.before)
        entry.after = _scrubbed(entry.after)
    # Who was met on which visit goes too: the visit stays, without this person.
    session.execute(delete(VisitContact).where(VisitContact.contact_id == contact.id))
    session.delete(contact)
    before = kept | {"forgotten": True}
    record_change(session, actor=actor, record=contact, action="delete", before=before)


def search_contacts(
    session: Session, customer_id: int, text: str, limit: int = 20
) -> list[Contact]:
    """The customer's contacts whose name contains `text` (all of them for no text)."""
    query = select(Contact).where(Contact.customer_id == customer_id)
    needle = name_key(text)
    if needle:
        query = query.where(Contact.name_key.contains(needle, autoescape=True))
    return list(session.scalars(query.order_by(Contact.name_key).limit(limit)))


def met_on(session: Session, visit_ids: Collection[int]) -> dict[int, list[Contact]]:
    """Who was met on each of these visits, by name (one statement)."""
    if not visit_ids:
        return {}
    query = (
        select(VisitContact)
        .where(VisitContact.visit_id.in_(sorted(visit_ids)))
        .order_by(VisitContact.visit_id, VisitContact.id)
    )
    found: dict[int, list[Contact]] = {}
    for link in session.scalars(query):
        found.setdefault(link.visit_id, []).append(link.contact)
    return found


def set_met_with(session: Session, visit: Visit, names: Sequence[str], actor: str) -> None:
    """Who was met on `visit`: these names at its customer, each an existing contact or a
    new one (audited like any contact added), replacing whoever was recorded before."""
    session.flush()  # a new visit needs its id, a changed one its customer
    session.execute(delete(VisitContact).where(VisitContact.visit_id == visit.id))
    seen: set[int] = set()
    for name in names:
        contact = find_contact(session, visit.customer_id, name)
        if contact is None:
            contact, _ = save_contact(session, visit.customer_id, ContactFields(name), actor)
            session.flush()
        if contact.id not in seen:
            seen.add(contact.id)
            session.add(VisitContact(visit_id=visit.id, contact_id=contact.id))


def _scrubbed(values: dict[str, object] | None) -> dict[str, object] | None:
    if values is None:
        return None
    return {key: value for key, value in values.items() if key in _KEPT_FIELDS} | {
        "forgotten": True
    }
