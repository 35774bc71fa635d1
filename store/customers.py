from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from parsing.text import match_key
from store.models import Customer


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
