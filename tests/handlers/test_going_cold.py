"""Going cold (issue 13): a tiered customer not visited within its cadence shows in its
owner's follow-up DM on their working mornings, on Home and in the manager digest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scheduler.delivery import Outcome
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.handlers.conftest import open_home
from tests.support.reading import text_of

MANAGER = "UMGR001"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    """Rita (New York) visited Acme Corp on Friday 6 November and Oscar (Shanghai) Globex on
    Wednesday 18 November; both customers are core (every 14 days)."""
    fake = running_bot.fake
    fake.add_user(MANAGER, name="maria", real_name="Maria Manager", tz="America/New_York")
    fake.add_user(OTHER_REP, name="oscar", real_name="Oscar Rep", tz="Asia/Shanghai")
    for text in (
        "create Enterprise",
        f"Enterprise manager <@{MANAGER}|maria>",
        f"Enterprise add <@{REP}|rita> <@{OTHER_REP}|oscar>",
    ):
        assert ":warning:" not in str(running_bot.ask("/team", text, user=ADMIN)), text
    running_bot.clock.now = at(6, 16)  # Friday 6 Nov, 11:00 in New York
    assert "Visit logged" in text_of(running_bot.ask("/visit", "Acme Corp: met the CFO"))
    running_bot.clock.now = at(18, 3)  # Wednesday 18 Nov, 11:00 in Shanghai
    running_bot.ask("/visit", "Globex: demo for ops", user=OTHER_REP)
    for name in ("Acme Corp", "Globex"):
        shown = text_of(running_bot.ask("/customer", f"{name} tier core", user=ADMIN))
        assert ":warning:" not in shown, shown
    return running_bot


def follow_ups_at(bot: RunningBot, now: datetime) -> dict[str, Outcome]:
    bot.clock.now = now
    return bot.scheduler.run_job("follow_ups", now=now).outcomes


def dm_texts(bot: RunningBot, user: str) -> list[str]:
    return [
        text_of(call.params)
        for call in bot.fake.calls("chat.postMessage")
        if call.params["channel"] == user
    ]


def test_a_core_customer_goes_cold_on_the_owners_next_working_morning(bot: RunningBot) -> None:
    # Friday 20 Nov, 09:30 in New York: 14 days since the visit, still within the cadence.
    follow_ups_at(bot, at(20, 14, 30))
    assert not any("Going cold" in text for text in dm_texts(bot, REP))
    # Saturday and Sunday it is overdue, but nobody gets a follow-up DM at the weekend.
    for day in (21, 22):
        assert follow_ups_at(bot, at(day, 14, 30))[REP] is Outcome.NOT_DUE
    # Monday 23 Nov at 08:30 in New York is before Rita's 09:00 (13:30 UTC is 21:30 in
    # Shanghai: Oscar's day already had its DM, and Globex is not overdue).
    assert follow_ups_at(bot, at(23, 13, 30))[REP] is Outcome.NOT_DUE
    assert follow_ups_at(bot, at(23, 14, 5))[REP] is Outcome.SENT
    [dm] = [text for text in dm_texts(bot, REP) if "Going cold" in text]
    assert "*Going cold* (1): customers overdue for a visit" in dm
    assert "*Acme Corp* · :warning: Core · last visit 17 days ago · due every 14 days" in dm
    assert "1 customer going cold" in dm
    # Only the owner hears of it.
    assert not any("Acme" in text for text in dm_texts(bot, OTHER_REP))
    # Once a day: a second run that morning sends nothing more.
    assert follow_ups_at(bot, at(23, 15))[REP] is Outcome.DONE_BEFORE


def test_a_visit_warms_the_customer_up_again(bot: RunningBot) -> None:
    bot.clock.now = at(23, 13)
    bot.ask("/visit", "Acme Corp: quarterly review")
    follow_ups_at(bot, at(23, 14, 5))
    assert not any("Going cold" in text for text in dm_texts(bot, REP))


def test_going_cold_is_in_the_owners_language(bot: RunningBot) -> None:
    bot.ask("/lang", "zh")
    follow_ups_at(bot, at(23, 14, 5))
    [dm] = [text for text in dm_texts(bot, REP) if "Acme" in text]
    assert "久未拜访" in dm
    assert "核心客户" in dm


def test_the_manager_digest_lists_each_reps_customers_going_cold(bot: RunningBot) -> None:
    now = at(23, 14, 30)  # Monday, 09:30 in New York
    bot.clock.now = now
    report = bot.scheduler.run_job("manager_digest", now=now)
    assert report.outcomes, report.outcomes
    [digest] = dm_texts(bot, MANAGER)
    assert "Going cold: customers overdue for a visit" in digest
    assert f"<@{REP}>: Acme Corp (17 days, due every 14)" in digest
    assert f"<@{OTHER_REP}>:" not in digest


def test_home_shows_the_owner_and_their_manager_what_is_going_cold(bot: RunningBot) -> None:
    bot.clock.now = at(23, 14, 30)
    shown = text_of(open_home(bot, REP))
    assert "*Going cold* (1): customers overdue for a visit" in shown
    assert "*Acme Corp* · :warning: Core · last visit 17 days ago · due every 14 days" in shown
    assert "Going cold" not in text_of(open_home(bot, OTHER_REP))
    manager_home = text_of(open_home(bot, MANAGER))
    assert f"<@{REP}>: Acme Corp (17 days, due every 14)" in manager_home


def test_no_going_cold_dm_on_a_public_holiday_of_the_owners_team(bot: RunningBot) -> None:
    shown = text_of(bot.ask("/team", "Enterprise holidays US", user=MANAGER))
    assert ":warning:" not in shown, shown
    # Thursday 26 November 2026 is Thanksgiving in the US: Rita's DM waits for Friday.
    assert follow_ups_at(bot, at(26, 14, 30))[REP] is Outcome.NOT_DUE
    assert follow_ups_at(bot, at(27, 14, 30))[REP] is Outcome.SENT
    [dm] = [text for text in dm_texts(bot, REP) if "Going cold" in text]
    assert "last visit 21 days ago" in dm
