"""Database.run_once: a Slack request redelivered, or delivered twice at once, writes once."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.customers import get_or_create_customer
from store.db import Database
from store.models import Customer, HandledRequest

KEY = "command:1234.5678.abcdef"


def customer_names(db: Database) -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(select(Customer.name).order_by(Customer.name)))


def handled_count(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(HandledRequest)) or 0


def creating(name: str, runs: list[str]) -> Callable[[Session], str]:
    def work(session: Session) -> str:
        runs.append(name)
        return f"customer:{get_or_create_customer(session, name).id}"

    return work


def test_a_repeated_key_returns_the_first_result_without_running_again(db: Database) -> None:
    runs: list[str] = []
    first = db.run_once(KEY, creating("Acme", runs))
    again = db.run_once(KEY, creating("Globex", runs))
    assert first == (again[0], True)
    assert again == (first[0], False)
    assert runs == ["Acme"]
    assert customer_names(db) == ["Acme"]
    assert db.run_once("another key", creating("Globex", runs))[1] is True


def test_work_that_fails_leaves_the_key_free_for_a_retry(db: Database) -> None:
    def fail(session: Session) -> str:
        session.add(Customer(name="Half", name_key="half"))
        raise RuntimeError("listener bug")

    with pytest.raises(RuntimeError):
        db.run_once(KEY, fail)
    assert db.handled(KEY) is None
    assert customer_names(db) == []
    result, did_work = db.run_once(KEY, creating("Acme", []))
    assert did_work is True
    assert db.handled(KEY) == result


def race(db: Database) -> tuple[list[tuple[str, bool]], list[str]]:
    """Two deliveries of one request that both pass the "handled before?" check before
    either commits its work. Returns both answers and whose work ran."""
    both_checked = threading.Barrier(2, timeout=10)
    first_check = db.handled
    runs: list[str] = []

    checks = itertools.count()

    def handled_then_wait(key: str) -> str | None:
        answer = first_check(key)
        if next(checks) < 2:  # each delivery's first check; a loser checks again later
            both_checked.wait()
        return answer

    db.handled = handled_then_wait  # type: ignore[method-assign]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(db.run_once, KEY, creating(name, runs)) for name in ("Acme", "Globex")
            ]
            answers = [future.result(timeout=30) for future in futures]
    finally:
        del db.handled
    return answers, runs


def test_racing_deliveries_both_get_the_one_result(db: Database) -> None:
    answers, runs = race(db)
    assert sorted(runs) == ["Acme", "Globex"]  # both really did the work
    assert answers[0][0] == answers[1][0]
    assert sorted(did_work for _, did_work in answers) == [False, True]
    assert handled_count(db) == 1
    assert db.handled(KEY) == answers[0][0]


def test_racing_deliveries_commit_only_the_winners_work(db: Database) -> None:
    answers, _ = race(db)
    [winner] = [result for result, did_work in answers if did_work]
    names = customer_names(db)
    assert len(names) == 1, f"the loser's customer was kept: {names}"
    [name] = names
    with db.transaction() as session:
        assert f"customer:{get_or_create_customer(session, name).id}" == winner
