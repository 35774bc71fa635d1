"""Socket Mode end to end: the real bot connects to a local Socket Mode server (its URL
from the fake Web API's apps.connections.open), and Slack's envelopes for commands, forms,
the Home tab and events arrive over the socket, each acked once, as in HTTP mode."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from bot import build_bot, socket_mode_handler
from runtime.settings import Settings
from store.db import Database
from store.visits import all_visits
from tests.conftest import REP, Clock, RunningBot
from tests.support.fake_slack import FakeSlack
from tests.support.reading import text_of
from tests.support.socket_mode import APP_TOKEN, FakeSocketMode, SocketModeSender


@pytest.fixture
def socket_mode(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    server = FakeSocketMode().start()
    fake_slack.use_socket_mode(server.connection_url)
    yield server
    server.stop()
    assert server.problems == []


@pytest.fixture
def socket_bot(
    settings: Settings,
    db: Database,
    fake_slack: FakeSlack,
    clock: Clock,
    socket_mode: FakeSocketMode,
) -> Iterator[RunningBot]:
    """The real bot in Socket Mode: no HTTP server, no signing secret."""
    settings = dataclasses.replace(settings, slack_app_token=APP_TOKEN, slack_signing_secret=None)
    sleeps: list[float] = []
    bot = build_bot(settings, db, clock, sleep=sleeps.append)
    bot.worker.start()
    handler = socket_mode_handler(bot.app, settings)
    handler.connect()
    socket_mode.wait_connected()
    yield RunningBot(
        slack=SocketModeSender(socket_mode),
        fake=fake_slack,
        db=db,
        clock=clock,
        url="",
        settings=settings,
        scheduler=bot.scheduler,
        sleeps=sleeps,
        worker=bot.worker,
    )
    handler.close()
    bot.worker.stop()
    assert socket_mode.unacknowledged() == []


def test_the_bot_asks_for_its_socket_with_the_app_token(
    socket_bot: RunningBot, socket_mode: FakeSocketMode
) -> None:
    [call] = socket_bot.fake.calls("apps.connections.open")
    assert call.response["ok"]
    assert call.response["url"].startswith("ws://127.0.0.1:")
    assert socket_mode.connections == 1


def test_a_command_is_acked_and_answered(socket_bot: RunningBot) -> None:
    answer = socket_bot.ask("/visit", "Acme Corp: met the CFO; next: send proposal by friday")
    assert "Visit logged" in text_of(answer)
    [visit] = _visits(socket_bot)
    assert (visit.customer.name, visit.rep.slack_user_id) == ("Acme Corp", REP)


def test_a_form_opens_and_its_submission_is_saved(socket_bot: RunningBot) -> None:
    mark = socket_bot.fake.mark()
    response, response_url = socket_bot.command("/visit", "")
    assert response.status == 200
    view = socket_bot.fake.wait_for_call("views.open", since=mark).response["view"]
    values = {
        "customer": {"customer": "Initech"},
        "visited_on": {"visited_on": "2026-11-17"},
        "notes": {"notes": "Walked the plant floor"},
    }
    response = socket_bot.slack.view_submission(
        user_id=REP, callback_id="visit_modal", values=values, view=view
    )
    assert (response.status, response.body) == (200, "")
    assert "Visit logged" in text_of(socket_bot.reply_to(response_url))
    assert [visit.notes for visit in _visits(socket_bot)] == ["Walked the plant floor"]


def test_form_errors_come_back_in_the_ack(socket_bot: RunningBot) -> None:
    mark = socket_bot.fake.mark()
    socket_bot.command("/visit", "")
    view = socket_bot.fake.wait_for_call("views.open", since=mark).response["view"]
    values = {
        "customer": {"customer": "Initech"},
        "visited_on": {"visited_on": "not a date"},
        "notes": {"notes": "n" * 3001},
    }
    response = socket_bot.slack.view_submission(
        user_id=REP, callback_id="visit_modal", values=values, view=view
    )
    assert response.json() == {
        "response_action": "errors",
        "errors": {
            "visited_on": "Pick a date from the calendar, like 2026-12-15.",
            "notes": "Keep this to 3,000 characters or fewer; it has 3,001.",
        },
    }
    assert _visits(socket_bot) == []


def test_the_home_tab_is_published_when_opened(socket_bot: RunningBot) -> None:
    mark = socket_bot.fake.mark()
    assert socket_bot.slack.app_home_opened(user_id=REP).status == 200
    call = socket_bot.fake.wait_for_call("views.publish", since=mark)
    assert call.params["user_id"] == REP
    assert call.params["view"]["type"] == "home"


def test_the_bot_reconnects_when_slack_drops_the_socket(
    socket_bot: RunningBot, socket_mode: FakeSocketMode
) -> None:
    assert "Visit logged" in text_of(socket_bot.ask("/visit", "Acme: before the drop"))
    socket_mode.drop()
    socket_mode.wait_connected(connections=2)
    assert len(socket_bot.fake.calls("apps.connections.open")) == 2
    assert "Visit logged" in text_of(socket_bot.ask("/visit", "Acme: after the drop"))
    assert [visit.notes for visit in _visits(socket_bot)] == ["before the drop", "after the drop"]


def test_the_bot_moves_to_a_new_socket_when_slack_asks(
    socket_bot: RunningBot, socket_mode: FakeSocketMode
) -> None:
    socket_mode.refresh()
    socket_mode.wait_moved()
    assert socket_mode.connections == 2
    assert "Visit logged" in text_of(socket_bot.ask("/visit", "Acme: on the new socket"))
    assert [visit.notes for visit in _visits(socket_bot)] == ["on the new socket"]


def _visits(bot: RunningBot) -> list:
    with bot.db.reading() as session:
        return list(all_visits(session))
