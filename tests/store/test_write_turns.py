"""SQLite writers in one process take turns: acks first, then people's writes, then jobs'."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from store import db as store_db
from store.db import WriteTurns, background_writes


def _wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def _waiting(turns: WriteTurns) -> int:
    return sum(turns._waiting)


@contextmanager
def _another_thread_writing(turns: WriteTurns) -> Iterator[threading.Event]:
    """Another thread inside a turn until the event it gives is set (or the block ends)."""
    entered, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with turns.turn():
            entered.set()
            leave.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    entered.wait(5)
    try:
        yield leave
    finally:
        leave.set()
        thread.join(5)


def test_when_a_turn_ends_an_ack_goes_before_a_person_and_a_person_before_a_job() -> None:
    turns = WriteTurns()
    order: list[str] = []

    def writer(name: str, *, urgent: bool = False, background: bool = False) -> None:
        if background:
            with background_writes(), turns.turn():
                order.append(name)
        else:
            with turns.turn(urgent=urgent):
                order.append(name)

    threads = []
    with _another_thread_writing(turns) as release:
        # Queued in the worst order: the job first, the ack last.
        for number, (name, kwargs) in enumerate(
            [("job", {"background": True}), ("person", {}), ("ack", {"urgent": True})], start=1
        ):
            thread = threading.Thread(target=writer, args=(name,), kwargs=kwargs)
            thread.start()
            threads.append(thread)
            _wait_until(lambda number=number: _waiting(turns) == number)
        release.set()
        for thread in threads:
            thread.join(5)
    assert order == ["ack", "person", "job"]


def test_a_thread_already_writing_is_not_stopped_by_its_own_turn() -> None:
    turns = WriteTurns()
    with turns.turn(), turns.turn(urgent=True), turns.turn():
        assert turns._holder == threading.get_ident()
    assert turns._holder is None


def test_a_writer_gives_up_waiting_after_the_limit_and_goes_on(monkeypatch) -> None:
    monkeypatch.setattr(store_db, "URGENT_WAIT_SECONDS", 0.05)
    turns = WriteTurns()
    with _another_thread_writing(turns):
        started = time.monotonic()
        with turns.turn():  # SQLite's own lock decides from here
            waited = time.monotonic() - started
    assert 0.04 <= waited < 2
    assert turns._holder is None


def test_after_a_write_the_lock_stays_free_a_moment_for_another_process_ack(
    monkeypatch,
) -> None:
    monkeypatch.setattr(store_db, "GAP_SECONDS", 0.3)
    turns = WriteTurns()
    with turns.turn():
        pass
    with turns.turn(urgent=True):  # an ack never waits for the gap
        assert time.monotonic() - turns._released_at < 0.15
    with turns.turn():
        assert time.monotonic() - turns._released_at >= 0.3


def test_postgresql_writers_never_wait_for_each_other() -> None:
    turns = WriteTurns.unlimited()
    with _another_thread_writing(turns):
        started = time.monotonic()
        with turns.turn():
            assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("background", [False, True])
def test_background_writes_mark_only_their_own_block(background: bool) -> None:
    if background:
        with background_writes():
            assert store_db._background.on
    assert not getattr(store_db._background, "on", False)


def test_a_job_waits_for_people_only_so_long_however_busy_they_keep_the_lock(
    monkeypatch,
) -> None:
    monkeypatch.setattr(store_db, "JOB_PATIENCE_SECONDS", 0.05)
    turns = WriteTurns()
    stop = threading.Event()

    def person_writing_again_and_again() -> None:
        while not stop.is_set():
            with turns.turn():
                time.sleep(0.002)

    people = [threading.Thread(target=person_writing_again_and_again) for _ in range(2)]
    for thread in people:
        thread.start()
    try:
        time.sleep(0.05)
        started = time.monotonic()
        with background_writes(), turns.turn():
            waited = time.monotonic() - started
    finally:
        stop.set()
        for thread in people:
            thread.join(5)
    assert waited < 1.0


def test_a_job_promoted_to_wait_with_people_sleeps_until_its_turn(monkeypatch) -> None:
    monkeypatch.setattr(store_db, "JOB_PATIENCE_SECONDS", 0.02)
    turns = WriteTurns()
    with _another_thread_writing(turns) as leave:
        threading.Timer(0.4, leave.set).start()
        cpu = time.thread_time()
        with background_writes(), turns.turn():
            spent = time.thread_time() - cpu
    # Waiting ~0.4 s for the holder, long after its promotion, it must not spin.
    assert spent < 0.1
