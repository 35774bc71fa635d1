"""The front door: a request no listener answers before its ack is recorded and acked
without Bolt's dispatch; everything else goes on to Bolt. Its rule must agree with what
each listener does before its ack, or a modal would be opened by a worker, too late."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from slack_bolt import BoltRequest

import handlers
import runtime.inbox
from bot import Bot, build_bot
from runtime.front_door import FrontDoor
from runtime.inbox import NOT_RECORDED, Inbox
from runtime.settings import Settings
from store import inbox
from store.db import Database
from tests.conftest import REP, SIGNING_SECRET, RunningBot
from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender

FORM = "application/x-www-form-urlencoded"
RESPONSE_URL = "https://hooks.slack.com/commands/T1/1/x"
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
# Texts that open a form (the first ones) or answer after the ack, in both languages.
TEXTS = ["", "  ", "new", "新建", "#12 edit", "#12 编辑", "help", "帮助", "Acme: met Bob",
         "#12 won", "away 2026-12-24 to 2026-12-31", "edit", "\x00", "new things"]  # fmt: skip


class RecordingInbox(Inbox):
    def __init__(self, fail: bool = False) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.fail = fail

    def record(self, body: dict[str, Any]) -> None:
        if self.fail:
            raise RuntimeError("database down")
        self.bodies.append(body)


def signed(body: str, content_type: str, secret: str = SIGNING_SECRET) -> dict[str, str]:
    headers = SlackSender("http://unused", secret).sign(body)
    return {"content-type": content_type, **{k.lower(): v for k, v in headers.items()}}


def command_body(command: str, text: str, trigger: str = "t1") -> str:
    fields = {"command": command, "text": text, "user_id": REP, "trigger_id": trigger,
              "response_url": RESPONSE_URL, "team_id": "T0001"}  # fmt: skip
    return urlencode(fields)


def front_door(fail: bool = False) -> tuple[FrontDoor, RecordingInbox]:
    recording = RecordingInbox(fail)
    return FrontDoor(recording, SIGNING_SECRET, handlers.acks_first), recording


def test_a_command_with_its_text_is_recorded_as_bolt_would_parse_it_and_acked() -> None:
    door, recording = front_door()
    raw = command_body("/visit", "Acme Corp: met Bob & Ann <3")
    assert door.accept(raw, signed(raw, FORM)) == (200, "")
    assert recording.bodies == [BoltRequest(body=raw, headers=signed(raw, FORM)).body]


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (command_body("/visit", ""), FORM),  # opens the form with the trigger
        (command_body("/deal", "#12 edit"), FORM),
        (command_body("/nosuch", "hi"), FORM),  # Bolt answers what no listener takes
        (urlencode({"ssl_check": "1", "token": "x"}), FORM),
        (urlencode({"payload": json.dumps({"type": "view_submission", "view": {}})}), FORM),
        (urlencode({"payload": json.dumps({"type": "block_actions", "actions": []})}), FORM),
        (json.dumps({"type": "url_verification", "challenge": "abc"}), "application/json"),
        ("payload=%7Bnot-json", FORM),
    ],
)
def test_what_a_listener_answers_before_its_ack_goes_on_to_bolt(
    raw: str, content_type: str
) -> None:
    door, recording = front_door()
    assert door.accept(raw, signed(raw, content_type)) is None
    assert recording.bodies == []


def test_an_event_is_recorded_and_acked() -> None:
    door, recording = front_door()
    raw = json.dumps({"type": "event_callback", "event_id": "Ev1", "event": {"type": "x"}})
    assert door.accept(raw, signed(raw, "application/json")) == (200, "")
    assert [body["event_id"] for body in recording.bodies] == ["Ev1"]


def test_a_request_not_signed_with_the_secret_is_left_to_bolt_to_refuse() -> None:
    door, recording = front_door()
    raw = command_body("/visit", "Acme: hi")
    assert door.accept(raw, signed(raw, FORM, secret="someone-else")) is None
    assert door.accept(raw, {"content-type": FORM}) is None
    bad_time = {**signed(raw, FORM), "x-slack-request-timestamp": "soon"}
    assert door.accept(raw, bad_time) is None
    assert recording.bodies == []


def test_when_the_database_fails_slack_is_told_nothing_was_saved() -> None:
    door, _ = front_door(fail=True)
    raw = command_body("/visit", "Acme: hi")
    assert door.accept(raw, signed(raw, FORM)) == (503, NOT_RECORDED)


def test_every_slash_command_in_the_manifest_has_a_rule_for_its_ack() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    commands = {entry["command"] for entry in manifest["features"]["slash_commands"]}
    assert commands == set(handlers.BEFORE_ACK)


@pytest.fixture
def web_bot(settings: Settings, db: Database, fake_slack: FakeSlack) -> Bot:
    """The bot as a web process sees it: nothing replays what it records."""
    fake_slack.add_user(REP, tz="UTC")
    return build_bot(settings, db)


_triggers = iter(range(10**9))


def recorded_by_bolt(bot: Bot, db: Database, command: str, text: str) -> bool:
    """Whether Bolt's own path, listener included, recorded the request at a plain ack."""
    raw = command_body(command, text, trigger=f"rule-{next(_triggers)}")
    with db.reading() as session:
        before = inbox.waiting(session)
    response = bot.app.dispatch(BoltRequest(body=raw, headers=signed(raw, FORM)))
    assert response.status == 200
    with db.reading() as session:
        return inbox.waiting(session) == before + 1


@pytest.mark.parametrize("command", sorted(handlers.BEFORE_ACK))
def test_the_rule_is_what_each_listener_does_before_its_ack(
    web_bot: Bot, db: Database, command: str
) -> None:
    for text in TEXTS:
        body = BoltRequest(body=command_body(command, text), headers={}).body
        assert handlers.acks_first(body) == recorded_by_bolt(web_bot, db, command, text), text


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    command=st.sampled_from(["/visit", "/deal", "/case"]),
    text=st.one_of(
        st.text(max_size=30),
        st.lists(st.sampled_from(["#7", "edit", "编辑", "new", "新建", "help", "Acme", " "]),
                 max_size=4).map(" ".join),
    ),
)  # fmt: skip
def test_the_rule_agrees_with_the_listener_for_any_text(
    web_bot: Bot, db: Database, command: str, text: str
) -> None:
    body = BoltRequest(body=command_body(command, text), headers={}).body
    assert handlers.acks_first(body) == recorded_by_bolt(web_bot, db, command, text)


def test_over_http_the_ack_comes_after_the_row_and_the_reply_follows(
    running_bot: RunningBot,
) -> None:
    response, response_url = running_bot.command("/visit", "Acme Corp: met Bob")
    assert (response.status, response.body) == (200, "")
    with running_bot.db.reading() as session:
        assert [row.kind for row in inbox.all_requests(session)] == ["command"]
    running_bot.settle()
    assert "Acme Corp" in json.dumps(running_bot.fake.calls("response_url")[-1].params)
    assert response_url


def test_a_writer_hands_over_after_its_batches_and_every_row_is_written(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One statement per batch, at most two batches by one writer: 30 requests waiting
    behind a slow first write are written by more than one writer, each row once."""
    monkeypatch.setattr(runtime.inbox, "MAX_BATCH", 4)
    monkeypatch.setattr(runtime.inbox, "LEADER_BATCHES", 2)
    writer = Inbox(db)
    writers: set[str] = set()
    first_write = threading.Event()
    real = inbox.record_accepted

    def slow_first(db: Database, requests: list[inbox.NewRequest], now: Any) -> None:
        writers.add(threading.current_thread().name)
        first_write.wait(5)
        real(db, requests, now)

    monkeypatch.setattr(inbox, "record_accepted", slow_first)
    bodies = [{"command": "/visit", "text": "x", "trigger_id": f"lead-{n}"} for n in range(30)]
    threads = [threading.Thread(target=writer.record, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    first_write.set()
    for thread in threads:
        thread.join(10)
    assert len(writers) > 1
    with db.reading() as session:
        rows = inbox.all_requests(session)
    assert sorted(row.key for row in rows) == sorted(f"command:lead-{n}" for n in range(30))
    assert {row.deliveries for row in rows} == {1}


def test_requests_that_wait_too_long_give_up_unwritten_and_the_inbox_goes_on(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime.inbox, "WRITER_TIMEOUT_SECONDS", 0.2)
    writer = Inbox(db)
    writing, release = threading.Event(), threading.Event()
    real = inbox.record_accepted

    def stuck_once(db: Database, requests: list[inbox.NewRequest], now: Any) -> None:
        writing.set()
        release.wait(5)
        real(db, requests, now)

    monkeypatch.setattr(inbox, "record_accepted", stuck_once)
    first = threading.Thread(target=writer.record, args=({"command": "/v", "trigger_id": "a"},))
    first.start()
    assert writing.wait(5)
    with pytest.raises(TimeoutError):
        writer.record({"command": "/v", "trigger_id": "b"})  # behind a write that hangs
    release.set()
    first.join(5)
    monkeypatch.setattr(inbox, "record_accepted", real)
    writer.record({"command": "/v", "trigger_id": "c"})
    with db.reading() as session:
        assert [row.key for row in inbox.all_requests(session)] == ["command:a", "command:c"]


def test_requests_recorded_at_once_are_each_answered_after_their_own_row(db: Database) -> None:
    writer = Inbox(db)
    bodies = [{"command": "/visit", "text": "x", "trigger_id": f"many-{n}"} for n in range(40)]
    done: list[str] = []

    def record(body: dict[str, Any]) -> None:
        writer.record(body)
        with db.reading() as session:
            if inbox.get(session, f"command:{body['trigger_id']}") is not None:
                done.append(body["trigger_id"])

    threads = [threading.Thread(target=record, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(done) == sorted(body["trigger_id"] for body in bodies)


def test_a_body_that_is_not_utf8_is_refused_without_a_traceback(running_bot: RunningBot) -> None:
    raw = b"command=%2Fvisit&text=\xff\xfe"
    request = urllib.request.Request(
        f"{running_bot.url}/slack/events", data=raw, method="POST",
        headers={"Content-Type": FORM, **SlackSender("", SIGNING_SECRET).sign("x")},
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    with running_bot.db.reading() as session:
        assert inbox.all_requests(session) == []
