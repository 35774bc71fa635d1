"""The customer card's totals in the reader's team currency (#11): open deals and what is
owed at today's rate, each win at its win day's rate, and what has no rate said exactly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tests.conftest import ADMIN, REP, START, RunningBot
from tests.support.reading import text_of

MANAGER = "UMGR001"


def at(slack_user_id: str) -> str:
    return f"<@{slack_user_id}|{slack_user_id.lower()}>"


@pytest.fixture
def bot(running_bot: RunningBot) -> RunningBot:
    """Shanghai counts in CNY: manager Maria, rep Rita (New York). At Huawei Rita has an open
    ¥120,000 deal (#1), an open $5,000 deal (#2) and $10,000 won on 5 Nov (#3) with $3,000
    due 10 Nov (overdue by now) and $5,000 due 31 Dec."""
    running_bot.fake.add_user(MANAGER, name="maria", real_name="Maria", tz="Asia/Shanghai")
    for text, user in (
        ("create Shanghai", ADMIN),
        (f"Shanghai manager {at(MANAGER)}", ADMIN),
        (f"Shanghai add {at(REP)}", ADMIN),
        ("Shanghai currency CNY", MANAGER),
    ):
        assert ":warning:" not in text_of(running_bot.ask("/team", text, user=user)), text
    won_at = datetime(2026, 11, 5, 15, 0, tzinfo=UTC)  # 10:00 on 5 Nov in New York
    running_bot.clock.now = won_at
    with time_machine.travel(won_at, tick=False):  # stage changes are stamped in real time
        for text in (
            "new Huawei; Routers; 120k",
            "new Huawei; Licences; $5k",
            "new Huawei; Support; $10k",
            "#3 won",
        ):
            assert ":warning:" not in text_of(running_bot.ask("/deal", text, user=REP)), text
        for text in ("#3 payment 3k due 2026-11-10", "#3 payment 5k due 2026-12-31"):
            assert "Instalment added" in text_of(running_bot.ask("/deal", text, user=REP)), text
    running_bot.clock.now = START  # 18 Nov; 19 Nov in Shanghai
    return running_bot


def card(bot: RunningBot, user: str = MANAGER) -> str:
    return text_of(bot.ask("/customer", "Huawei", user=user))


FIX = "no USD→CNY rate. An admin can add one: `/fx USD CNY 7.25`"


def test_without_a_rate_each_total_says_what_it_left_out(bot: RunningBot) -> None:
    shown = card(bot)
    assert "*Open deals*: CN¥120,000\n$5,000 not counted: " + FIX in shown
    assert "*Won in 2026*: CN¥0 (1 deal)\n$10,000 not counted: " + FIX in shown
    # $3,000 + $5,000 owed, of which $3,000 was due on 10 Nov.
    assert (
        "*Outstanding*: CN¥0 · *overdue*: CN¥0 ($3,000 not counted)\n$8,000 not counted: " + FIX
    ) in shown
    assert "_Totals in CNY: open deals and money owed at the exchange rates in force on " in shown
    bot.ask("/lang", "zh", user=MANAGER)
    chinese = card(bot)
    assert "*进行中的商机*：¥120,000\nUS$5,000 未计入：" in chinese
    assert "*2026年赢单*：¥0（1 个商机）\nUS$10,000 未计入：" in chinese
    assert "*待回款*：¥0 · *逾期*：¥0（US$3,000 未计入）\nUS$8,000 未计入：" in chinese
    assert "`/fx USD CNY 7.25`" in chinese
    assert "_合计折算为 CNY：进行中的商机和待回款按 2026年11月19日" in chinese


def test_with_rates_each_total_is_in_the_readers_currency(bot: RunningBot) -> None:
    # 7.00 was in force on the win day (5 Nov); 7.20 is today's (19 Nov in Shanghai).
    for text in ("USD CNY 7.00 2026-11-01", "USD CNY 7.20 2026-11-15"):
        assert "Rate set" in text_of(bot.ask("/fx", text, user=ADMIN))
    shown = card(bot)
    assert "not counted" not in shown
    assert "*Open deals*: CN¥156,000\n" in shown  # 120,000 + 5,000 x 7.20
    assert "· $5,000 · no close date" in shown  # each deal still in its own currency
    assert "*Won in 2026*: CN¥70,000 (1 deal)" in shown  # 10,000 x 7.00, not x 7.20
    # 8,000 x 7.20 owed, 3,000 x 7.20 of it overdue.
    assert "*Outstanding*: CN¥57,600 · *overdue*: CN¥21,600" in shown
    assert "in force on Thu 19 Nov 2026, each win at the rate of the day it was won._" in shown
    bot.ask("/lang", "zh", user=MANAGER)
    chinese = card(bot)
    assert "未计入" not in chinese
    assert "*进行中的商机*：¥156,000" in chinese
    assert "*2026年赢单*：¥70,000（1 个商机）" in chinese
    assert "*待回款*：¥57,600 · *逾期*：¥21,600" in chinese
    # An admin on no team reads USD: CNY converted by the inverse of today's USD→CNY rate.
    admin = card(bot, user=ADMIN)
    assert "*Open deals*: $21,666.67\n" in admin  # 120,000 / 7.20 = 16,666.67, + 5,000
    assert "*Won in 2026*: $10,000 (1 deal)" in admin
    assert "*Outstanding*: $8,000 · *overdue*: $3,000" in admin
    assert "_Totals in USD:" in admin


def test_a_card_all_in_the_readers_currency_says_nothing_of_rates(bot: RunningBot) -> None:
    assert "Lenovo" in text_of(bot.ask("/deal", "new Lenovo; Laptops; 50k", user=REP))
    shown = text_of(bot.ask("/customer", "Lenovo", user=MANAGER))
    assert "*Open deals*: CN¥50,000\n• #4 Laptops" in shown
    assert "*Won in 2026*: none (0 deals)" in shown
    assert "*Outstanding*: none · *overdue*: none" in shown
    assert "Totals in" not in shown
    assert "not counted" not in shown
