"""Team energy (issue 13): celebration cards for deals won, and the team switches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.delivery import Outcome
from store import deliveries, teams
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.support.reading import element, text_of

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


# --- celebrations ---------------------------------------------------------------------

CHANNEL = "CENT001"
NEW_DEAL = "new Acme Corp; Renewal 2027; 120k; close 2026-12-15; stage proposal"


def cards(bot: RunningBot, channel: str = CHANNEL) -> list[str]:
    return [
        text_of(call.params)
        for call in bot.fake.calls("chat.postMessage")
        if call.params.get("channel") == channel and (call.response or {}).get("ok")
    ]


def ledger(bot: RunningBot) -> list[tuple[str, str, str]]:
    with bot.db.reading() as session:
        return [
            (row.period, row.recipient, row.status)
            for row in deliveries.deliveries(session, "celebration")
        ]


def celebrate(bot: RunningBot) -> None:
    report = bot.scheduler.run_job("celebration")
    assert not report.errors, report.errors


def test_a_deal_won_by_command_is_celebrated_once_in_the_team_channel(bot: RunningBot) -> None:
    bot.ask("/deal", NEW_DEAL)
    assert ledger(bot) == []
    assert "is won" in text_of(bot.ask("/deal", "#1 won"))
    # Owed in the win's own transaction: durable before anything is posted.
    team_key = f"team:{team_id(bot, 'Enterprise')}"
    assert ledger(bot) == [("deal:1", team_key, "queued")]
    assert cards(bot) == []
    celebrate(bot)
    [card] = cards(bot)
    assert f"<@{REP}> won Acme Corp: $120,000!" in card
    assert "Renewal 2027" in card
    assert ledger(bot) == [("deal:1", team_key, "sent")]
    celebrate(bot)
    # Reopened and won again: the first win was the celebration; nothing more is posted.
    bot.ask("/deal", "#1 stage negotiation")
    assert "is won" in text_of(bot.ask("/deal", "#1 won"))
    celebrate(bot)
    assert len(cards(bot)) == 1
    # Another team's channel never hears of it.
    assert all(call.params["channel"] == CHANNEL for call in bot.fake.calls("chat.postMessage"))


def team_id(bot: RunningBot, name: str) -> int:
    with bot.db.reading() as session:
        team = teams.get_team(session, name)
        assert team is not None
        return team.id


def test_a_win_from_the_stage_menu_or_the_form_is_celebrated_too(bot: RunningBot) -> None:
    card = bot.ask("/deal", NEW_DEAL)
    menu = element(card, "deal_move_stage")
    won = next(option for option in menu["options"] if option["value"] == "1:won")
    refused_url = bot.fake.response_url()
    bot.slack.block_action(
        user_id=OTHER_REP, action_id="deal_move_stage", selected_option=won,
        response_url=refused_url, message=card,
    )  # fmt: skip
    assert "belongs to someone else" in text_of(bot.reply_to(refused_url))
    assert ledger(bot) == []  # a refused press owes nothing
    url = bot.fake.response_url()
    bot.slack.block_action(
        user_id=REP, action_id="deal_move_stage", selected_option=won, response_url=url,
        message=card,
    )  # fmt: skip
    assert "is won" in text_of(bot.reply_to(url))
    mark = bot.fake.mark()
    bot.command("/deal", "new")
    view = bot.fake.wait_for_call("views.open", since=mark).response["view"]
    values = {
        "customer": {"customer": "Globex"},
        "title": {"title": "Pilot"},
        "amount": {"amount": "$8k"},
        "stage": {"stage": "won"},
    }
    response = bot.slack.view_submission(
        user_id=REP, callback_id="deal_create_modal", values=values, view=view
    )
    assert response.status == 200
    bot.settle()
    celebrate(bot)
    shown = cards(bot)
    assert len(shown) == 2
    assert "won Acme Corp: $120,000" in shown[0]
    assert "won Globex: $8,000" in shown[1]


def test_a_team_that_turned_celebrations_off_gets_no_card(bot: RunningBot) -> None:
    bot.ask("/team", "Enterprise celebrate off", user=MANAGER)
    bot.ask("/deal", NEW_DEAL)
    bot.ask("/deal", "#1 won")
    celebrate(bot)
    assert ledger(bot) == []
    assert cards(bot) == []


def test_turned_off_between_the_win_and_the_post_nothing_is_posted(bot: RunningBot) -> None:
    bot.ask("/deal", NEW_DEAL)
    bot.ask("/deal", "#1 won")
    bot.ask("/team", "Enterprise celebrate off", user=MANAGER)
    celebrate(bot)
    assert cards(bot) == []
    assert [status for _, _, status in ledger(bot)] == ["empty"]


def test_the_card_is_in_the_teams_language_and_currency(bot: RunningBot) -> None:
    bot.ask("/team", "Enterprise language zh", user=MANAGER)
    bot.ask("/team", "Enterprise currency CNY", user=MANAGER)
    bot.ask("/fx", "USD CNY 7.2", user=ADMIN)
    bot.ask("/deal", "new Acme Corp; Renewal 2027; $10k; stage proposal")
    bot.ask("/deal", "new Hooli; Licences; €5k; stage proposal")
    bot.ask("/deal", "#1 won")
    bot.ask("/deal", "#2 won")
    celebrate(bot)
    # Cards go out on several sender threads, in no set order.
    [usd] = [card for card in cards(bot) if "Acme Corp" in card]
    [eur] = [card for card in cards(bot) if "Hooli" in card]
    assert "赢得了 Acme Corp" in usd
    assert "¥72,000" in usd
    # No EUR→CNY rate: the deal's own money, and how to add the rate, never a guess.
    assert "€5,000" in eur
    assert "/fx EUR CNY" in eur


def test_a_post_that_fails_is_retried_and_goes_out_once(bot: RunningBot) -> None:
    bot.ask("/deal", NEW_DEAL)
    bot.ask("/deal", "#1 won")
    bot.fake.fail_next("chat.postMessage", status=503, error="service_unavailable")
    report = bot.scheduler.run_job("celebration")
    assert list(report.outcomes.values()) == [Outcome.RETRYING]
    assert [status for _, _, status in ledger(bot)] == ["retry"]
    bot.clock.now += timedelta(minutes=5)
    celebrate(bot)
    celebrate(bot)
    assert len(cards(bot)) == 1
    assert [status for _, _, status in ledger(bot)] == ["sent"]
