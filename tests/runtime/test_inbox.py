"""The inbox: a request is stored before its ack, processed by a worker once, and answered
(through response_url while it is valid, else by DM)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_bolt import BoltRequest

import bot as bot_module
import runtime.http
from blocks.pacing import MY_DEALS
from handlers.replies import SORRY
from runtime.inbox import request_key
from runtime.settings import Settings
from runtime.worker import InboxWorker
from scheduler.runtime import Scheduler
from store import inbox
from store.db import Database
from store.visits import all_visits
from tests.conftest import REP, RunningBot
from tests.runtime.conftest import http_get
from tests.support.reading import text_of

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def body(number: int) -> dict[str, Any]:
    return {"command": "/visit", "text": "Acme: hi", "user_id": REP, "trigger_id": f"t{number}"}


def new_request(number: int) -> inbox.NewRequest:
    return inbox.NewRequest(f"command:t{number}", "command", body(number))


def test_a_redelivered_request_is_one_row_answered_per_delivery(db: Database) -> None:
    with db.transaction() as session:
        inbox.accept(session, [new_request(1)], NOW)
        inbox.accept(session, [new_request(1)], NOW)
        [row] = inbox.all_requests(session)
        assert (row.deliveries, row.processed) == (2, 0)
    with db.transaction() as session:
        [first] = inbox.claim(session, "w1", NOW, LEASE, 10)
        assert inbox.finish(session, first.id, "w1", inbox.DONE, NOW)
    with db.transaction() as session:
        [second] = inbox.claim(session, "w1", NOW, LEASE, 10)
        assert inbox.finish(session, second.id, "w1", inbox.DONE, NOW)
        assert inbox.claim(session, "w1", NOW, LEASE, 10) == []
        assert inbox.waiting(session) == 0


@pytest.mark.parametrize("through", ["session", "the ack path"])
def test_a_batch_is_one_row_per_request_and_a_redelivery_in_it_counts_once_more(
    db: Database, through: str
) -> None:
    again = inbox.NewRequest("command:t2", "command", {**body(2), "response_url": "newest"})
    batches = [[new_request(1)], [new_request(2), new_request(1), new_request(3), again]]
    for batch in batches:
        if through == "session":
            with db.transaction() as session:
                inbox.accept(session, batch, NOW)
        else:
            inbox.record_accepted(db, batch, NOW)
    with db.reading() as session:
        rows = {row.key: row for row in inbox.all_requests(session)}
        assert {row.accepted_at for row in rows.values()} == {NOW}
    assert {key: row.deliveries for key, row in rows.items()} == {
        "command:t1": 2, "command:t2": 2, "command:t3": 1,
    }  # fmt: skip
    assert rows["command:t2"].body["response_url"] == "newest"  # answered at the newest


def test_workers_never_share_a_claim_and_a_dead_ones_is_taken_over(db: Database) -> None:
    with db.transaction() as session:
        inbox.accept(session, [new_request(number) for number in range(5)], NOW)
    with db.transaction() as session:
        mine = inbox.claim(session, "w1", NOW, LEASE, 3)
    with db.transaction() as session:
        theirs = inbox.claim(session, "w2", NOW, LEASE, 10)
        assert not inbox.claimable(session, "w3", NOW, LEASE)
    assert len(mine) == 3
    assert len(theirs) == 2
    assert {r.id for r in mine}.isdisjoint({r.id for r in theirs})
    # w1 dies; once its lease runs out w3 takes its requests, and w1 can no longer finish.
    later = NOW + LEASE + timedelta(seconds=1)
    with db.transaction() as session:
        assert [r.id for r in inbox.claim(session, "w1", later, LEASE, 10)] == [
            r.id for r in theirs
        ], "a worker takes over others' stale claims, never its own"
    with db.transaction() as session:
        retaken = inbox.claim(session, "w3", later, LEASE, 10)
        assert sorted(r.id for r in retaken) == sorted(r.id for r in mine)
        assert inbox.finish(session, mine[0].id, "w1", inbox.DONE, later) is False
        assert inbox.finish(session, mine[0].id, "w3", inbox.DONE, later) is True


def test_request_keys_name_the_slack_request() -> None:
    assert request_key(body(7)) == "command:t7"
    view = {"type": "view_submission", "view": {"id": "V1", "hash": "h1"}}
    assert request_key(view) == "view:view_submission:V1:h1"
    event = {"type": "event_callback", "event_id": "Ev1", "event": {}}
    assert request_key(event) == "event:Ev1"
    press = {
        "type": "block_actions",
        "user": {"id": REP},
        "container": {"message_ts": "1.2"},
        "actions": [{"action_ts": "3.4"}],
    }
    assert request_key(press) == f"action:{REP}:1.2:3.4"


def test_an_acknowledged_command_waits_in_the_inbox_until_a_worker_runs_it(
    running_bot: RunningBot,
) -> None:
    running_bot.worker.stop()  # the worker is down, as if it had crashed
    response, response_url = running_bot.command("/visit", "Acme Corp: met the CFO")
    assert (response.status, response.body) == (200, "")
    with running_bot.db.reading() as session:
        [row] = inbox.all_requests(session)
        assert row.finished_at is None
        assert row.kind == "command"
        assert list(all_visits(session)) == []
    assert running_bot.fake.calls("response_url") == []

    worker = InboxWorker(running_bot.worker.app, running_bot.db, running_bot.worker.client)
    worker.start()
    try:
        assert "Visit logged" in text_of(running_bot.reply_to(response_url))
    finally:
        worker.stop()
    with running_bot.db.reading() as session:
        assert len(list(all_visits(session))) == 1
        [row] = inbox.all_requests(session)
        assert (row.outcome, row.processed) == (inbox.DONE, 1)


def test_a_reply_older_than_the_response_url_comes_by_dm_saying_it_is_late(
    running_bot: RunningBot,
) -> None:
    running_bot.worker.stop()
    response_url = running_bot.fake.response_url()
    late = datetime.now(UTC) - timedelta(minutes=45)
    command = {**body(1), "text": "Acme Corp: met the CFO", "response_url": response_url}
    with running_bot.db.transaction() as session:
        inbox.accept(session, [inbox.NewRequest(request_key(command), "command", command)], late)
    worker = InboxWorker(running_bot.worker.app, running_bot.db, running_bot.worker.client)
    worker.start()
    try:
        dm = running_bot.fake.wait_for_call(
            "chat.postMessage", where=lambda call: call.params["channel"] == REP
        )
    finally:
        worker.stop()
    shown = text_of(dm.params)
    assert "Sorry for the delay" in shown
    assert "Visit logged" in shown
    assert list(running_bot.fake.calls("response_url")) == []


def test_a_home_button_without_response_url_is_answered_by_dm(running_bot: RunningBot) -> None:
    response = running_bot.slack.block_action(
        user_id=REP, action_id=MY_DEALS, value="mine", response_url=None,
        view={"id": "VHOME1", "type": "home", "blocks": []},
    )  # fmt: skip
    assert response.status == 200
    dm = running_bot.fake.wait_for_call(
        "chat.postMessage", where=lambda call: call.params["channel"] == REP
    )
    assert SORRY not in text_of(dm.params)
    assert "deal" in text_of(dm.params).lower()


def test_metrics_count_requests_and_the_waiting_inbox(running_bot: RunningBot) -> None:
    running_bot.worker.stop()
    running_bot.command("/visit", "Acme Corp: met the CFO")
    status, scraped = http_get(f"{running_bot.url}/metrics")
    assert status == 200
    assert 'salesbot_slack_requests_total{kind="command",status="200"}' in scraped
    assert 'salesbot_ack_seconds_count{kind="command"}' in scraped
    assert "salesbot_inbox_waiting 1.0" in scraped
    assert "salesbot_inbox_processed_total" in scraped


@pytest.mark.parametrize(("role", "works"), [("web", False), ("worker", True), ("all", True)])
def test_only_worker_roles_run_the_scheduler_and_the_inbox(
    role: str, works: bool, settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    monkeypatch.setattr(Scheduler, "start", lambda *_: started.append("scheduler"))
    monkeypatch.setattr(InboxWorker, "start", lambda *_: started.append("worker"))
    monkeypatch.setattr(InboxWorker, "stop", lambda *_: None)
    monkeypatch.setattr(bot_module.os, "nice", lambda *_: 0)
    monkeypatch.setattr(runtime.http, "serve_until", lambda *_: None)
    bot_module.run(settings, db, role)
    assert started == (["worker", "scheduler"] if works else [])


def test_a_socket_mode_request_is_recorded_before_its_ack(running_bot: RunningBot) -> None:
    """SocketModeHandler hands each envelope to App.dispatch and acks with what it returns."""
    running_bot.worker.stop()
    command = {**body(9), "text": "Acme Corp: met the CFO", "response_url": "x", "team_id": "T1"}
    response = running_bot.worker.app.dispatch(BoltRequest(body=command, mode="socket_mode"))
    assert response.status == 200
    with running_bot.db.reading() as session:
        [row] = inbox.all_requests(session)
        assert row.key == "command:t9"
        assert row.finished_at is None
