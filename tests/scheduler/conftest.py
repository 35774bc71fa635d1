"""A team with a manager, two reps and targets, set up through the real commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from services.home import wait_for_refreshes
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot

MANAGER = "UMGR001"
CHANNEL = "CTEAM01"
# Rita (REP) is in New York, Oscar (OTHER_REP) in Shanghai, Mia (MANAGER) in New York.
SET_UP = datetime(2026, 10, 30, 15, 0, tzinfo=UTC)  # the Friday before November
TUESDAY = datetime(2026, 11, 17, 16, 0, tzinfo=UTC)  # 11:00 in New York
WEDNESDAY_0859_NY = datetime(2026, 11, 18, 13, 59, tzinfo=UTC)
WEDNESDAY_0901_NY = datetime(2026, 11, 18, 14, 1, tzinfo=UTC)

Travel = Callable[[datetime], None]


@pytest.fixture
def travel(running_bot: RunningBot) -> Iterator[Travel]:
    """Move everyone's clock (the bot's, the database defaults', Slack's signatures)."""
    with time_machine.travel(SET_UP, tick=True) as traveller:

        def to(moment: datetime) -> None:
            traveller.move_to(moment, tick=True)
            running_bot.clock.now = moment

        to(SET_UP)
        yield to
        # What the bot still does in the background (Home refreshes, replies) ends on the
        # travelled clock, not as the time machine is taken away under it.
        running_bot.settle()
        wait_for_refreshes()


@pytest.fixture
def team(running_bot: RunningBot, travel: Travel) -> RunningBot:
    running_bot.fake.add_user(MANAGER, name="mia", real_name="Mia Manager", tz="America/New_York")
    ask = running_bot.ask
    for text in (
        "create Enterprise",
        f"Enterprise manager <@{MANAGER}|mia>",
        f"Enterprise add <@{REP}|rita> <@{OTHER_REP}|oscar>",
    ):
        assert ":warning:" not in str(ask("/team", text, user=ADMIN)), text
    for text in (
        f"<@{REP}|rita> revenue 100k 2026-11",
        f"<@{REP}|rita> visits 20 2026-11",
        f"<@{OTHER_REP}|oscar> visits 10 2026-11",
        "team Enterprise revenue 300k 2026-11",
    ):
        assert ":warning:" not in str(ask("/target", text, user=MANAGER)), text
    travel(TUESDAY)
    return running_bot


def posts(bot: RunningBot, channel: str | None = None) -> list[dict]:
    return [
        call.params
        for call in bot.fake.calls("chat.postMessage")
        if (call.response or {}).get("ok")
        and (channel is None or call.params["channel"] == channel)
    ]
