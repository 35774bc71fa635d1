"""store.reads.streamed: a large read fetched a batch at a time is still one statement, every
row arrives once, and the columns asked to be shared hold one object per distinct value."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select

from store import reads
from store.customers import get_or_create_customer
from store.db import Database
from store.models import Customer


def test_a_read_longer_than_a_batch_is_one_statement_with_every_row_once(
    db: Database, monkeypatch: Any
) -> None:
    monkeypatch.setattr(reads, "BATCH", 3)
    with db.transaction() as session:
        for number in range(10):
            get_or_create_customer(session, f"Customer {number:02d}")
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with db.reading() as session:
        names = [
            name
            for (name,) in reads.streamed(session, select(Customer.name).order_by(Customer.name))
        ]
    assert names == [f"Customer {number:02d}" for number in range(10)]
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_shared_columns_hold_one_object_per_value_and_others_are_untouched(db: Database) -> None:
    with db.transaction() as session:
        for number in range(6):
            customer = get_or_create_customer(session, f"Customer {number}")
            customer.tier = "strategic" if number % 2 else "standard"
    query = select(Customer.name, Customer.tier).order_by(Customer.name)
    with db.reading() as session:
        plain = list(reads.streamed(session, query))
        shared = list(reads.streamed(session, query, shared=(1,)))
    assert shared == plain
    assert len({id(tier) for _, tier in plain}) == 6  # each row brings its own copy
    assert len({id(tier) for _, tier in shared}) == 2
    assert len({id(name) for name, _ in shared}) == 6
