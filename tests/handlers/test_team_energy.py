"""Team energy (issue 13): celebration cards for deals won, and the team switches."""

from __future__ import annotations

import pytest

from store import teams
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import text_of

MANAGER = "UMGR001"
OTHER_MANAGER = "UMGR002"


def at(slack_user_id: str) -> str:
    return f"<@{slack_user_id}|{slack_user_id.lower()}>"


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    fake = running_bot.fake
    fake.add_user(MANAGER, name="maria", real_name="Maria Manager", tz="Asia/Shanghai")
    fake.add_user(OTHER_MANAGER, name="mo", real_name="Mo Manager", tz="Asia/Shanghai")
    for text in (
        "create Enterprise",
        f"Enterprise manager {at(MANAGER)}",
        f"Enterprise add {at(REP)}",
        "Enterprise channel <#CENT001|enterprise>",
        "create Mid Market",
        f"Mid Market manager {at(OTHER_MANAGER)}",
        f"Mid Market add {at(OTHER_REP)}",
    ):
        assert ":warning:" not in str(running_bot.ask("/team", text, user=ADMIN)), text
    return running_bot


def flags(bot: RunningBot, name: str) -> tuple[bool, bool]:
    with bot.db.transaction() as session:
        team = teams.get_team(session, name)
        assert team is not None
        return team.celebrate, team.leaderboard


def test_both_switches_are_on_for_a_new_team_and_shown_on_its_card(bot: RunningBot) -> None:
    assert flags(bot, "Enterprise") == (True, True)
    shown = text_of(bot.ask("/team", "Enterprise", user=REP))
    assert "Celebration cards on · leaderboard on" in shown


def test_a_manager_turns_their_teams_switches_off_and_on(bot: RunningBot) -> None:
    shown = text_of(bot.ask("/team", "Enterprise celebrate off", user=MANAGER))
    assert "no longer posts a card for each deal won" in shown
    assert flags(bot, "Enterprise") == (False, True)
    shown = text_of(bot.ask("/team", "Enterprise leaderboard off", user=MANAGER))
    assert "leaderboard is off" in shown
    assert flags(bot, "Enterprise") == (False, False)
    shown = text_of(bot.ask("/team", "Enterprise leaderboard off", user=MANAGER))
    assert "Nothing changed" in shown
    shown = text_of(bot.ask("/team", "Enterprise celebrate on", user=ADMIN))
    assert "celebration card in its channel" in shown
    assert flags(bot, "Enterprise") == (True, False)


def test_a_rep_or_another_teams_manager_may_not_flip_a_switch(bot: RunningBot) -> None:
    for who in (REP, OTHER_MANAGER):
        shown = text_of(bot.ask("/team", "Enterprise celebrate off", user=who))
        assert "Only Enterprise's managers or an admin can change its celebration cards" in shown
        shown = text_of(bot.ask("/team", "Enterprise leaderboard off", user=who))
        assert "can change its leaderboard" in shown
    assert flags(bot, "Enterprise") == (True, True)


def test_a_switch_without_on_or_off_gets_an_example(bot: RunningBot) -> None:
    shown = text_of(bot.ask("/team", "Enterprise celebrate maybe", user=MANAGER))
    assert "Add “on” or “off”." in shown
    assert "/team Enterprise celebrate off" in shown


def test_the_switches_answer_in_chinese(bot: RunningBot) -> None:
    bot.ask("/lang", "zh", user=MANAGER)
    shown = text_of(bot.ask("/team", "Mid Market celebrate off", user=OTHER_MANAGER))
    assert shown
    bot.ask("/lang", "zh", user=OTHER_MANAGER)
    shown = text_of(bot.ask("/team", "Mid Market leaderboard off", user=OTHER_MANAGER))
    assert "排行榜" in shown
