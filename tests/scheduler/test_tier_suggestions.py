"""Monthly tier suggestions: checked on a known revenue distribution, sent once a month to
each manager, with Accept and Accept all buttons that check permission on every press."""

from __future__ import annotations

from sqlalchemy import select

from scheduler.delivery import Outcome
from store.models import Customer
from tests.conftest import OTHER_REP, REP, RunningBot
from tests.scheduler.conftest import MANAGER, WEDNESDAY_0901_NY, Travel, posts
from tests.support.reading import action_ids, text_of

# 1,000k won in all. Before each: Alpha 0% (core); Beta 30%, Gamma 45% (growth); the rest
# 60% and more (long-tail).
REVENUE = {
    "Alpha": "300k",
    "Beta": "150k",
    "Gamma": "150k",
    "Delta": "100k",
    "Epsilon": "100k",
    "Zeta": "100k",
    "Eta": "50k",
    "Theta": "50k",
}


def win_all(bot: RunningBot) -> None:
    for number, (customer, amount) in enumerate(REVENUE.items(), start=1):
        bot.ask("/deal", f"new {customer}; Contract; {amount}")
        assert "Won" in text_of(bot.ask("/deal", f"#{number} won"))


def tiers(bot: RunningBot) -> dict[str, str | None]:
    with bot.db.reading() as session:
        return {c.name: c.tier for c in session.scalars(select(Customer))}


def first_accept(message: dict) -> str:
    accessories = [
        block["accessory"]["action_id"] for block in message["blocks"] if "accessory" in block
    ]
    assert "customer_accept_all_tiers" in action_ids(message)
    return accessories[0]


def press(bot: RunningBot, message: dict, action_id: str, user: str = MANAGER) -> str:
    response_url = bot.fake.response_url()
    response = bot.slack.block_action(
        user_id=user, action_id=action_id, response_url=response_url, message=message
    )
    assert response.status == 200
    return text_of(bot.reply_to(response_url))


def test_suggestions_follow_revenue_share_and_are_accepted(
    team: RunningBot, travel: Travel
) -> None:
    win_all(team)
    team.ask("/customer", "Delta tier longtail", user=MANAGER)  # already right: not suggested
    travel(WEDNESDAY_0901_NY)
    assert team.scheduler.run_job("tier_suggestions").count(Outcome.SENT) == 1
    [message] = posts(team, MANAGER)
    shown = text_of(message)
    assert "Customer tier suggestions · 2026-11" in shown
    assert "$1,000,000 in 8 won deals across 8 customers" in shown
    assert "*Alpha*: No tier → *Core* · $300,000 (30%)" in shown
    assert "*Beta*: No tier → *Growth* · $150,000 (15%)" in shown
    assert "*Gamma*: No tier → *Growth*" in shown
    for customer in ("Epsilon", "Zeta", "Eta", "Theta"):
        assert f"*{customer}*: No tier → *Long-tail*" in shown
    assert "*Delta*" not in shown
    # A rep cannot accept, whatever they press.
    refused = press(team, message, "customer_accept_all_tiers", user=REP)
    assert "Only managers and admins can set a customer's tier." in refused
    assert tiers(team)["Alpha"] is None
    assert "Alpha*: Core" in press(team, message, first_accept(message))
    assert tiers(team)["Alpha"] == "core"
    accepted = press(team, message, "customer_accept_all_tiers")
    assert "7 tiers set" in accepted
    assert tiers(team) == {
        "Alpha": "core",
        "Beta": "growth",
        "Gamma": "growth",
        "Delta": "longtail",
        "Epsilon": "longtail",
        "Zeta": "longtail",
        "Eta": "longtail",
        "Theta": "longtail",
    }
    # Once a month: nothing more this month.
    assert team.scheduler.run_job("tier_suggestions").count(Outcome.SENT) == 0


def test_a_manager_can_only_accept_for_customers_they_may_see(
    team: RunningBot, travel: Travel
) -> None:
    win_all(team)
    travel(WEDNESDAY_0901_NY)
    team.scheduler.run_job("tier_suggestions")
    [message] = posts(team, MANAGER)
    # Oscar is no manager: refused on every press.
    assert "Only managers" in press(team, message, first_accept(message), user=OTHER_REP)
    assert tiers(team)["Alpha"] is None


def test_nothing_is_sent_when_every_tier_already_fits(team: RunningBot, travel: Travel) -> None:
    travel(WEDNESDAY_0901_NY)
    assert team.scheduler.run_job("tier_suggestions").count(Outcome.SENT) == 0
    assert posts(team, MANAGER) == []
