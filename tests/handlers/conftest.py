"""The Home tab's fixtures: a team with a manager, two reps and targets; opening a Home."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from services.home import wait_for_refreshes
from tests.conftest import ADMIN, OTHER_REP, REP, START, RunningBot

MANAGER = "UMGR001"


@pytest.fixture
def managed(running_bot: RunningBot) -> RunningBot:
    """Mia manages Rita's team; Oscar is on no team of hers. Rita has deal #1 (Acme Corp,
    $100,000, lead), Oscar #2 (Globex, $5,000, lead)."""
    running_bot.fake.add_user(MANAGER, name="mia", tz="America/New_York")
    for text in (
        "create Enterprise",
        f"Enterprise manager <@{MANAGER}|mia>",
        f"Enterprise add <@{REP}|rita>",
    ):
        assert ":warning:" not in str(running_bot.ask("/team", text, user=ADMIN))
    running_bot.ask("/deal", "new Acme Corp; Renewal; 100k")
    running_bot.ask("/deal", "new Globex; Pilot; 5k", user=OTHER_REP)
    return running_bot


@pytest.fixture
def at_start(running_bot: RunningBot) -> Iterator[None]:
    """Every clock an hour before the bot's: what the tests write counts by the time the bot
    looks (its clock stands still at START)."""
    with time_machine.travel(START - timedelta(hours=1), tick=True):
        yield


@pytest.fixture
def home_team(running_bot: RunningBot, at_start: None) -> RunningBot:
    """Enterprise: Mia manages Rita and Oscar; Rita has revenue and visits targets."""
    running_bot.fake.add_user(MANAGER, name="mia", real_name="Mia Manager", tz="America/New_York")
    for text in (
        "create Enterprise",
        f"Enterprise manager <@{MANAGER}|mia>",
        f"Enterprise add <@{REP}|rita> <@{OTHER_REP}|oscar>",
    ):
        assert ":warning:" not in str(running_bot.ask("/team", text, user=ADMIN)), text
    for text in (
        f"<@{REP}|rita> revenue 100k 2026-11",
        f"<@{REP}|rita> visits 20 2026-11",
        "team Enterprise revenue 300k 2026-11",
    ):
        assert ":warning:" not in str(running_bot.ask("/target", text, user=MANAGER)), text
    return running_bot


def open_home(bot: RunningBot, user: str) -> dict[str, Any]:
    """Open the person's Home tab; the view Slack shows them (with its id, for presses)."""
    mark = bot.fake.mark()
    assert bot.slack.app_home_opened(user_id=user).status == 200
    return published_since(bot, user, mark)


def published_since(bot: RunningBot, user: str, mark: int) -> dict[str, Any]:
    call = bot.fake.wait_for_call(
        "views.publish", where=lambda c: c.params["user_id"] == user, since=mark
    )
    assert call.response["ok"], call.response
    return call.response["view"]


def press(bot: RunningBot, user: str, view: dict[str, Any], action_id: str, **extra: Any) -> Any:
    response = bot.slack.block_action(
        user_id=user, action_id=action_id, response_url=None, view=view, **extra
    )
    assert response.status == 200
    return response


def publishes_to(bot: RunningBot, user: str) -> int:
    wait_for_refreshes()
    return len([c for c in bot.fake.calls("views.publish") if c.params["user_id"] == user])
