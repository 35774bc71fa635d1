"""When something breaks, the person gets a plain apology, never internals; nothing half-saved."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

import store.visits
from store.models import AuditEntry, Customer, HandledRequest, Visit
from store.visits import all_visits
from tests.conftest import REP, RunningBot
from tests.support.reading import text_of

SECRET_ISH = "boom secret xoxb-123-abc"
# Known product bug (reported, not fixed here): on SQLite, get_or_create_customer's
# session.begin_nested() emits SAVEPOINT before pysqlite has begun a transaction, so the
# SAVEPOINT starts it and its RELEASE commits the new customer on the spot; the later
# rollback cannot take it back.


def count(bot: RunningBot, model: type) -> int:
    with bot.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def broken_log_visit(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """log_visit does all its writes, then fails, as an unexpected bug would.

    It fails only once the test has Slack's HTTP answer (set the yielded event): a listener
    failing within ~10 ms of its ack() can make slack_bolt 1.30 drop the ack and answer 404
    after 3 s (a bolt race, reported separately), which is not what these tests are about.
    """
    real = store.visits.log_visit
    acked = threading.Event()

    def log_visit_then_fail(*args: Any, **kwargs: Any) -> Visit:
        real(*args, **kwargs)
        acked.wait(10)
        raise RuntimeError(SECRET_ISH)

    monkeypatch.setattr(store.visits, "log_visit", log_visit_then_fail)
    yield acked
    acked.set()


def ask_while_broken(bot: RunningBot, acked: threading.Event, text: str) -> dict[str, Any]:
    response, response_url = bot.command("/visit", text)
    assert (response.status, response.body) == (200, "")
    acked.set()
    return bot.reply_to(response_url)


def test_unexpected_error_gets_an_apology_without_internals(
    running_bot: RunningBot, broken_log_visit: threading.Event, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        reply = ask_while_broken(running_bot, broken_log_visit, "Acme: hi")

    shown = text_of(reply)
    assert "Sorry, something went wrong" in shown
    assert reply["response_type"] == "ephemeral"
    for internal in ("Traceback", "RuntimeError", "boom", "xoxb-", "File "):
        assert internal not in str(reply), internal
    # Nothing saved, and the request is not marked handled, so a retry can still work.
    assert count(running_bot, Visit) == 0
    assert count(running_bot, AuditEntry) == 0
    assert count(running_bot, HandledRequest) == 0
    # The operator gets the details in the log.
    [failure] = [r for r in caplog.records if r.getMessage().startswith("listener failed")]
    assert failure.exc_info is not None
    assert isinstance(failure.exc_info[1], RuntimeError)


def test_a_failed_visit_leaves_no_new_customer_behind(
    running_bot: RunningBot, broken_log_visit: threading.Event
) -> None:
    assert "Sorry" in text_of(ask_while_broken(running_bot, broken_log_visit, "Acme: hi"))
    assert count(running_bot, Customer) == 0


def test_visit_is_logged_even_when_slack_cannot_say_who_the_rep_is(
    running_bot: RunningBot,
) -> None:
    running_bot.fake.fail_next("users.info", status=200, error="user_not_found")
    reply = running_bot.ask("/visit", "Acme: hi")
    assert "Visit logged" in text_of(reply)
    with running_bot.db.transaction() as session:
        [visit] = all_visits(session)
        assert visit.rep.slack_user_id == REP
        assert visit.rep.display_name == REP
        assert visit.notes == "hi"
