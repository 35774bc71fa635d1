"""Managers read and update their teams' deals and visits; nobody else's."""

from __future__ import annotations

from store import deals
from tests.conftest import ADMIN, REP, RunningBot
from tests.handlers.conftest import MANAGER
from tests.support.reading import text_of


def stage_of(bot: RunningBot, deal_id: int) -> str:
    with bot.db.reading() as session:
        deal = deals.get_deal(session, deal_id)
        assert deal is not None
        return deal.stage


def test_a_manager_sees_and_moves_their_reps_deals(managed: RunningBot) -> None:
    listed = text_of(managed.ask("/deal", "list all", user=MANAGER))
    assert "yours and your teams'" in listed
    assert "Acme Corp" in listed
    assert "Globex" not in listed
    assert "moved from" in text_of(managed.ask("/deal", "Acme stage proposal", user=MANAGER))
    assert stage_of(managed, 1) == "proposal"


def test_a_manager_cannot_touch_deals_outside_their_teams(managed: RunningBot) -> None:
    assert "belongs to someone else" in text_of(managed.ask("/deal", "#2 won", user=MANAGER))
    assert "No deal you can see" in text_of(managed.ask("/deal", "Globex won", user=MANAGER))
    assert stage_of(managed, 2) == "lead"


def test_a_manager_may_undo_their_reps_visit(managed: RunningBot) -> None:
    card = managed.ask("/visit", "Acme Corp: demo")
    response_url = managed.fake.response_url()
    managed.slack.block_action(
        user_id=MANAGER, action_id="visit_undo", response_url=response_url, message=card
    )
    assert "was removed" in text_of(managed.reply_to(response_url))


def test_removing_a_rep_from_the_team_ends_the_managers_access(managed: RunningBot) -> None:
    managed.ask("/team", f"Enterprise remove <@{REP}|rita>", user=ADMIN)
    assert "belongs to someone else" in text_of(managed.ask("/deal", "#1 won", user=MANAGER))
