"""Slack gives up on a request after 3 s: the bot acks at once, and opens modals before
anything slow, whatever Slack's Web API is doing meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from store.visits import all_visits
from tests.conftest import REP, RunningBot
from tests.support.fake_slack import FakeSlack
from tests.support.reading import text_of

HOLD_AT_MOST = 10.0  # seconds; only reached if the bot wrongly waits for users.info


@dataclass
class HeldUsersInfo:
    """users.info that does not answer until `release` is set."""

    fake: FakeSlack
    user: dict[str, Any]
    # How many calls the fake had answered each time users.info was asked.
    asked_at: list[int] = field(default_factory=list)
    asked: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    answered: threading.Event = field(default_factory=threading.Event)

    def __call__(self, params: dict[str, Any]) -> dict[str, Any]:
        self.asked_at.append(self.fake.mark())
        self.asked.set()
        self.release.wait(HOLD_AT_MOST)
        self.answered.set()
        return {"ok": True, "user": self.user}


@pytest.fixture
def held_users_info(running_bot: RunningBot) -> Iterator[HeldUsersInfo]:
    # add_user builds (and registers) the same user object the fake answers with.
    user = running_bot.fake.add_user(REP, name="rita", real_name="Rita Rep", tz="America/New_York")
    held = HeldUsersInfo(running_bot.fake, user)
    running_bot.fake.respond_with("users.info", held)
    yield held
    held.release.set()


def test_command_is_acked_while_users_info_is_still_pending(
    running_bot: RunningBot, held_users_info: HeldUsersInfo
) -> None:
    response, response_url = running_bot.command("/visit", "Acme: hi")

    assert (response.status, response.body) == (200, "")
    assert not held_users_info.answered.is_set(), "the ack waited for users.info"
    assert held_users_info.asked.wait(5), "the listener never asked for the profile"
    assert running_bot.fake.calls("response_url") == []

    held_users_info.release.set()
    card = running_bot.reply_to(response_url)
    assert "Visit logged" in text_of(card)
    assert "Acme" in text_of(card)
    with running_bot.db.transaction() as session:
        [visit] = all_visits(session)
        assert visit.rep.display_name == "rita"


def test_modal_opens_before_any_users_info(
    running_bot: RunningBot, held_users_info: HeldUsersInfo
) -> None:
    fake = running_bot.fake
    response, response_url = running_bot.command("/visit", "")
    assert (response.status, response.body) == (200, "")
    # Opens even though users.info would not answer now: the trigger_id stays fresh.
    opened = fake.wait_for_call("views.open")
    assert opened.response["ok"] is True
    assert not held_users_info.answered.is_set()

    held_users_info.release.set()
    submitted = running_bot.slack.view_submission(
        user_id=REP,
        callback_id="visit_modal",
        view=opened.response["view"],
        values={
            "customer": {"customer": "Initech"},
            "visited_on": {"visited_on": "2026-11-17"},
            "notes": {"notes": "Walked the plant floor"},
        },
    )
    assert submitted.status == 200
    assert "Visit logged: *Initech*" in text_of(running_bot.reply_to(response_url))

    # Calls are recorded as they are answered: users.info was first asked after views.open.
    opened_at = fake.calls().index(opened)
    assert held_users_info.asked_at, "submitting the modal should look the rep up"
    assert min(held_users_info.asked_at) > opened_at
