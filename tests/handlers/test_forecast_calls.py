"""/deal commit, bestcase and forecast none, and the card's forecast menu, end to end: who
may make the call, what is stored and audited, in English and Chinese."""

from __future__ import annotations

import pytest

from store import audit, deals
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.handlers.conftest import MANAGER
from tests.support.reading import element, text_of


def call_of(bot: RunningBot, deal_id: int) -> str | None:
    with bot.db.reading() as session:
        deal = deals.get_deal(session, deal_id)
        assert deal is not None
        return deal.forecast


@pytest.fixture
def managed(managed: RunningBot) -> RunningBot:
    """Rita's deal #1 at proposal, so that it has a stage probability worth weighing."""
    managed.ask("/deal", "#1 stage proposal")
    return managed


def test_a_rep_marks_their_deal_commit_best_case_and_clears_it(managed: RunningBot) -> None:
    shown = text_of(managed.ask("/deal", "#1 commit"))
    assert "Deal #1 is now Commit in the forecast" in shown
    assert "*Forecast*\nCommit" in shown
    assert call_of(managed, 1) == "commit"
    assert "already Commit" in text_of(managed.ask("/deal", "Acme forecast commit"))
    assert "now Best case" in text_of(managed.ask("/deal", "#1 bestcase"))
    assert call_of(managed, 1) == "bestcase"
    assert "now Pipeline" in text_of(managed.ask("/deal", "#1 forecast none"))
    assert call_of(managed, 1) is None
    with managed.db.reading() as session:
        calls = [
            (entry.actor, (entry.before or {}).get("forecast"), (entry.after or {}).get("forecast"))
            for entry in audit.history(session, "deals", 1)
            if entry.action == "update"
            and (entry.before or {}).get("forecast") != (entry.after or {}).get("forecast")
        ]
    assert calls == [(REP, None, "commit"), (REP, "commit", "bestcase"), (REP, "bestcase", None)]


def test_chinese_command_words_make_the_same_calls(managed: RunningBot) -> None:
    managed.ask("/deal", "#1 承诺")
    assert call_of(managed, 1) == "commit"
    managed.ask("/deal", "#1 乐观")
    assert call_of(managed, 1) == "bestcase"
    managed.ask("/deal", "#1 预测 无")
    assert call_of(managed, 1) is None
    managed.ask("/lang", "zh")
    shown = text_of(managed.ask("/deal", "#1 最佳"))
    assert "乐观" in shown
    assert "预测" in shown
    assert call_of(managed, 1) == "bestcase"


def test_a_rep_cannot_mark_another_reps_deal_and_a_manager_marks_their_teams(
    managed: RunningBot,
) -> None:
    refused = text_of(managed.ask("/deal", "#1 commit", user=OTHER_REP))
    assert "belongs to someone else" in refused
    assert call_of(managed, 1) is None
    assert "belongs to someone else" in text_of(managed.ask("/deal", "#2 commit", user=MANAGER))
    assert call_of(managed, 2) is None
    assert "now Commit" in text_of(managed.ask("/deal", "#1 commit", user=MANAGER))
    assert call_of(managed, 1) == "commit"
    assert "now Best case" in text_of(managed.ask("/deal", "#2 bestcase", user=ADMIN))
    assert call_of(managed, 2) == "bestcase"


def test_the_card_menu_makes_the_call_and_checks_who_pressed(managed: RunningBot) -> None:
    card = managed.ask("/deal", "#1")
    menu = element(card, "deal_set_forecast")
    commit = next(option for option in menu["options"] if option["value"] == "1:commit")
    refused_url = managed.fake.response_url()
    managed.slack.block_action(
        user_id=OTHER_REP, action_id="deal_set_forecast", selected_option=commit,
        response_url=refused_url, message=card,
    )  # fmt: skip
    assert "belongs to someone else" in text_of(managed.reply_to(refused_url))
    assert call_of(managed, 1) is None
    url = managed.fake.response_url()
    managed.slack.block_action(
        user_id=MANAGER, action_id="deal_set_forecast", selected_option=commit,
        response_url=url, message=card,
    )  # fmt: skip
    updated = managed.reply_to(url)
    assert updated["replace_original"] is True
    assert "now Commit" in text_of(updated)
    assert call_of(managed, 1) == "commit"
    # The menu now offers the other call and clearing it.
    values = [option["value"] for option in element(updated, "deal_set_forecast")["options"]]
    assert values == ["1:bestcase", "1:"]


def test_closed_deals_take_no_call_and_bad_words_are_explained(managed: RunningBot) -> None:
    managed.ask("/deal", "#1 won")
    won = text_of(managed.ask("/deal", "#1 commit"))
    assert ":warning:" in won
    assert "open deals only" in won
    assert call_of(managed, 1) is None
    assert "deal_set_forecast" not in str(managed.ask("/deal", "#1"))
    for typed, expected in (
        ("#2 forecast maybe", "commit, bestcase or none"),
        ("#2 forecast", "commit, bestcase or none"),
        ("#2 commit now", "doesn't take anything after it"),
    ):
        shown = text_of(managed.ask("/deal", typed, user=OTHER_REP))
        assert ":warning:" in shown, typed
        assert expected in shown, typed
        assert "Traceback" not in shown
    assert call_of(managed, 2) is None
