"""End to end: a CNY team, a USD team and EUR deals, with every digest total checked by hand.

Shanghai counts in CNY, Enterprise in USD (the default). Admins keep CNY→USD (0.138 from
1 Nov, 0.14 from 11 Nov) and EUR→USD (1.08); there is no EUR→CNY rate until the end.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from scheduler.delivery import Outcome
from tests.conftest import ADMIN, REP, RunningBot
from tests.handlers.conftest import open_home
from tests.scheduler.conftest import Travel, posts
from tests.support.reading import text_of

MIA = "UMGR001"  # manages Enterprise, in New York
WANG = "UMGR002"  # manages Shanghai
LI = "UREPLI1"  # sells in Shanghai
WON_DAY_1 = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)  # Tuesday, 11:00 in Shanghai
WON_DAY_2 = datetime(2026, 11, 12, 3, 0, tzinfo=UTC)
SHANGHAI_MORNING = datetime(2026, 11, 18, 1, 1, tzinfo=UTC)  # Wed 09:01 in Shanghai
NEW_YORK_MORNING = datetime(2026, 11, 18, 14, 1, tzinfo=UTC)  # Wed 09:01 in New York


@pytest.fixture
def teams(running_bot: RunningBot, travel: Travel) -> RunningBot:
    bot = running_bot
    bot.fake.add_user(MIA, name="mia", real_name="Mia", tz="America/New_York")
    bot.fake.add_user(WANG, name="wang", real_name="王经理", tz="Asia/Shanghai")
    bot.fake.add_user(LI, name="li", real_name="李丽", tz="Asia/Shanghai")
    for text in (
        "create Enterprise",
        f"Enterprise manager <@{MIA}|mia>",
        f"Enterprise add <@{REP}|rita>",
        "create Shanghai",
        f"Shanghai manager <@{WANG}|wang>",
        f"Shanghai add <@{LI}|li>",
        "Shanghai currency CNY",
    ):
        assert ":warning:" not in text_of(bot.ask("/team", text, user=ADMIN)), text
    for text in ("CNY USD 0.138 2026-11-01", "CNY USD 0.14 2026-11-11", "EUR USD 1.08 2026-11-01"):
        assert "Rate set" in text_of(bot.ask("/fx", text, user=ADMIN)), text
    assert ":warning:" not in text_of(
        bot.ask("/target", "team Enterprise revenue 300k 2026-11", user=MIA)
    )
    assert ":warning:" not in text_of(
        bot.ask("/target", "team Shanghai revenue 100万 2026-11", user=WANG)
    )
    travel(WON_DAY_1)
    ask = bot.ask
    ask("/deal", "new Huawei; Routers; 120000", user=LI)  # #1, CNY: Li's team's currency
    ask("/deal", "new Siemens; Plant; €10k", user=LI)  # #2, EUR
    ask("/deal", "new Acme; Licences; 50k", user=REP)  # #3, USD
    ask("/deal", "new Alibaba; Cloud; ¥200k", user=REP)  # #4, CNY
    ask("/deal", "new Bosch; Sensors; €20k", user=REP)  # #5, EUR
    ask("/deal", "#1 won", user=LI)
    ask("/deal", "#3 won", user=REP)
    travel(WON_DAY_2)
    ask("/deal", "#2 won", user=LI)
    ask("/deal", "#4 won", user=REP)
    ask("/deal", "#5 won", user=REP)
    return bot


def test_each_teams_digest_counts_every_currency_at_the_win_days_rate_or_says_what_it_left_out(
    teams: RunningBot, travel: Travel
) -> None:
    travel(SHANGHAI_MORNING)  # also Tuesday evening in New York: Mia's Tuesday digest is due
    teams.scheduler.run_job("manager_digest")
    shanghai = text_of(posts(teams, WANG)[-1])
    # ¥120,000 of ¥1,000,000 = 12% (English readers see Babel's CN¥); the €10,000 deal has
    # no EUR→CNY rate and is named.
    assert "CN¥120,000 of CN¥1,000,000 (12%)" in shanghai
    assert (
        "€10,000 not counted: no EUR→CNY rate. An admin can add one: `/fx EUR CNY 7.8`" in shanghai
    )

    travel(NEW_YORK_MORNING)
    assert teams.scheduler.run_job("manager_digest").count(Outcome.SENT) == 1
    enterprise = text_of(posts(teams, MIA)[-1])
    # $50,000 + ¥200,000 x 0.14 (the rate from 11 Nov, the win day) = $28,000
    # + €20,000 x 1.08 = $21,600: $99,600 of $300,000 = 33%.
    assert "$99,600 of $300,000 (33%)" in enterprise
    assert "not counted" not in enterprise


def test_the_weekly_review_totals_are_converted_and_a_new_rate_counts_what_was_left_out(
    teams: RunningBot, travel: Travel
) -> None:
    travel(datetime(2026, 11, 23, 1, 30, tzinfo=UTC))  # Monday 09:30 in Shanghai
    assert teams.scheduler.run_job("weekly_digest").count(Outcome.SENT) == 1
    shanghai = text_of(posts(teams, WANG)[-1])
    assert "*Won*: 2 deals, CN¥120,000" in shanghai
    assert "€10,000 not counted: no EUR→CNY rate" in shanghai
    # The Shanghai burn-up beside the review says what it could not draw, as the review does.
    shared = teams.fake.wait_for(lambda: charts_shared(teams, "Shanghai: Revenue 2026-11"))
    assert shared["initial_comment"] == (
        "€10,000 not counted: no EUR→CNY rate. An admin can add one: `/fx EUR CNY 7.8`"
    )
    travel(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # Monday 09:30 in New York
    assert teams.scheduler.run_job("weekly_digest").count(Outcome.SENT) == 1
    enterprise = text_of(posts(teams, MIA)[-1])
    assert "*Won*: 3 deals, $99,600" in enterprise
    shared = teams.fake.wait_for(lambda: charts_shared(teams, "Enterprise: Revenue 2026-11"))
    assert not shared.get("initial_comment")
    # $99,600 / 3 deals; Shanghai's average is of the deals it could count (¥120,000 alone).
    assert "*Average deal size*: $33,200" in enterprise
    assert "*Average deal size*: CN¥120,000" in shanghai

    # An admin adds the missing rate (in force since before the win): the next digest
    # counts €10,000 x 7.8 = ¥78,000, so ¥198,000 of ¥1,000,000 = 19.8%, shown 20%.
    assert "Rate set" in text_of(teams.ask("/fx", "EUR CNY 7.8 2026-11-01", user=ADMIN))
    travel(datetime(2026, 11, 24, 1, 1, tzinfo=UTC))  # Tuesday 09:01 in Shanghai
    teams.scheduler.run_job("manager_digest")
    daily = text_of(posts(teams, WANG)[-1])
    assert "CN¥198,000 of CN¥1,000,000 (20%)" in daily
    assert "not counted" not in daily


def charts_shared(bot: RunningBot, title: str) -> dict[str, Any] | None:
    """The parameters of the upload that shared the chart titled `title`, once it is done."""
    for call in bot.fake.calls("files.completeUploadExternal"):
        if any(item.get("title") == title for item in call.params["files"]):
            return call.params
    return None


def open_deals_on_both_teams(bot: RunningBot, travel: Travel) -> None:
    """Open deals made on 12 Nov (CNY→USD 0.14 then); an admin sets 0.15 from 15 Nov."""
    ask = bot.ask
    ask("/deal", "new Tencent; Games; 50000", user=LI)  # #6, CNY
    ask("/deal", "new Apple; Phones; $10k; stage proposal", user=LI)  # #7, USD
    ask("/deal", "new SAP; Support; €5k", user=LI)  # #8, EUR: no EUR→CNY rate
    ask("/deal", "new Baidu; Maps; ¥100k", user=REP)  # #9, CNY
    ask("/deal", "new BMW; Fleet; €5k; stage proposal", user=REP)  # #10, EUR
    ask("/deal", "new Globex; Pilot; 1000", user=REP)  # #11, USD
    assert "Rate set" in text_of(bot.ask("/fx", "CNY USD 0.15 2026-11-15", user=ADMIN))
    travel(SHANGHAI_MORNING)


def test_open_deal_totals_are_in_the_readers_currency_at_todays_rate(
    teams: RunningBot, travel: Travel
) -> None:
    open_deals_on_both_teams(teams, travel)
    rita = text_of(teams.ask("/deal", "list mine"))
    # Today's rate, not the one of the day the deal was made: ¥100,000 x 0.15 = $15,000,
    # + €5,000 x 1.08 = $5,400, + $1,000 = $21,400.
    assert "*3 open* · $21,400" in rita
    # Still Tuesday where Rita is: her today's rates.
    assert "Totals in USD at the exchange rates in force on Tue 17 Nov 2026" in rita
    assert "Proposal* · 1 · $5,400" in rita
    assert "Lead* · 2 · $16,000" in rita
    assert "not counted" not in rita

    li = text_of(teams.ask("/deal", "list mine", user=LI))
    # $10,000 / 0.15 (the inverse of today's CNY→USD) = ¥66,666.67, + ¥50,000 = ¥116,666.67;
    # the €5,000 has no EUR→CNY rate: named with its fix, in the total and in its stage.
    assert "*3 open* · CN¥116,666.67" in li
    assert "€5,000 not counted: no EUR→CNY rate. An admin can add one: `/fx EUR CNY 7.8`" in li
    assert "Lead* · 2 · CN¥50,000 (€5,000 not counted)" in li
    assert "Proposal* · 1 · CN¥66,666.67" in li


def test_the_home_totals_open_deals_in_the_persons_currency_and_names_what_it_left_out(
    teams: RunningBot, travel: Travel
) -> None:
    open_deals_on_both_teams(teams, travel)
    rita = text_of(open_home(teams, REP))
    assert "*Open deals by stage* · 3 open · $21,400" in rita
    assert "Lead · 2 · $16,000" in rita
    # Every amount had a rate: no money line says it was left out.
    assert "not counted:" not in rita
    assert "not counted)" not in rita

    teams.ask("/lang", "zh", user=LI)
    li = text_of(open_home(teams, LI))
    assert "*按阶段的进行中商机* · 3 个进行中 · ¥116,666.67" in li
    assert "_合计按 2026年11月18日 周三 生效的汇率折算为 CNY（进行中的商机尚无赢单日）。_" in li
    assert "€5,000 未计入：没有 EUR→CNY 汇率。管理员可以添加：`/fx EUR CNY 7.8`" in li
    assert "线索 · 2 · ¥50,000（€5,000 未计入）" in li
    assert "`#6` Tencent — Games · ¥50,000" in li  # each deal in Li's language too


def test_a_reps_own_burn_up_says_beside_it_what_it_left_out_in_their_language(
    teams: RunningBot, travel: Travel
) -> None:
    # The case: Li's ¥500,000 target (her team's currency) and a €10,000 win with
    # no EUR→CNY rate: her burn-up draws ¥120,000 and says what it did not draw.
    assert ":warning:" not in text_of(
        teams.ask("/target", f"<@{LI}> revenue 50万 2026-11", user=WANG)
    )
    teams.ask("/lang", "zh", user=LI)
    travel(SHANGHAI_MORNING)
    listing = teams.ask("/deal", "list mine", user=LI)
    teams.slack.block_action(
        user_id=LI, action_id="show_charts", response_url=teams.fake.response_url(),
        message=listing,
    )  # fmt: skip
    shared = teams.fake.wait_for(lambda: charts_shared(teams, "li：销售额 2026-11"))
    assert shared["initial_comment"] == (
        "€10,000 未计入：没有 EUR→CNY 汇率。管理员可以添加：`/fx EUR CNY 7.8`"
    )


def test_a_win_converts_at_the_rate_of_the_owners_own_day_not_the_utc_one(
    teams: RunningBot, travel: Travel
) -> None:
    assert "Rate set" in text_of(teams.ask("/fx", "CNY USD 0.15 2026-11-19", user=ADMIN))
    travel(datetime(2026, 11, 18, 17, 0, tzinfo=UTC))  # Thu 19 Nov, 01:00 in Shanghai
    teams.ask("/deal", "new Apple; Phones; $1500", user=LI)  # #6
    teams.ask("/deal", "#6 won", user=LI)
    travel(datetime(2026, 11, 19, 1, 1, tzinfo=UTC))  # Thu 09:01 in Shanghai
    teams.scheduler.run_job("manager_digest")
    shanghai = text_of(posts(teams, WANG)[-1])
    # Won on Li's 19 Nov: $1,500 / 0.15 = ¥10,000 (the UTC day's 0.14 would give ¥10,714.29),
    # + ¥120,000 = ¥130,000 of ¥1,000,000.
    assert "CN¥130,000 of CN¥1,000,000 (13%)" in shanghai


def test_overdue_money_is_totalled_per_rep_and_on_the_home_at_todays_rate(
    teams: RunningBot, travel: Travel
) -> None:
    for text, user in (
        ("#4 payment 100k due 2026-11-13", REP),  # ¥100,000 of the Alibaba deal
        ("#5 payment 5k due 2026-11-13", REP),  # €5,000 of the Bosch deal
        ("#1 payment 30k due 2026-11-13", LI),  # ¥30,000 of the Huawei deal
        ("#2 payment 2k due 2026-11-13", LI),  # €2,000 of the Siemens deal
    ):
        assert "Instalment added" in text_of(teams.ask("/deal", text, user=user)), text
    travel(NEW_YORK_MORNING)
    teams.scheduler.run_job("manager_digest")
    enterprise = text_of(posts(teams, MIA)[-1])
    # Today's rates: ¥100,000 x 0.14 = $14,000, + €5,000 x 1.08 = $5,400: $19,400.
    assert "*Overdue*: $19,400" in enterprise
    assert f"<@{REP}> · $19,400 overdue · 1-30 days $19,400" in enterprise
    rita = text_of(open_home(teams, REP))
    assert "*Overdue payments* (2) · $19,400" in rita
    assert "not counted" not in rita

    travel(datetime(2026, 11, 19, 1, 1, tzinfo=UTC))  # Thu 09:01 in Shanghai
    teams.scheduler.run_job("manager_digest")
    shanghai = text_of(posts(teams, WANG)[-1])
    # The €2,000 has no EUR→CNY rate: said once with its fix, and beside each part it leaves.
    assert "*Overdue*: CN¥30,000" in shanghai
    assert "€2,000 not counted: no EUR→CNY rate. An admin can add one: `/fx EUR CNY 7.8`" in (
        shanghai
    )
    assert (
        f"<@{LI}> · CN¥30,000 (€2,000 not counted) overdue · "
        "1-30 days CN¥30,000 (€2,000 not counted)"
    ) in shanghai
    li = text_of(open_home(teams, LI))
    assert "*Overdue payments* (2) · CN¥30,000" in li
    assert "€2,000 not counted: no EUR→CNY rate" in li


def test_tier_suggestions_rank_in_the_managers_team_currency_at_each_win_days_rate(
    teams: RunningBot, travel: Travel
) -> None:
    travel(SHANGHAI_MORNING)
    teams.scheduler.run_job("tier_suggestions")
    shanghai = text_of(posts(teams, WANG)[-1])
    # Huawei's ¥120,000 is ranked; Siemens' €10,000 has no EUR→CNY rate: named, with its fix.
    assert "From won revenue over the last 12 months: CN¥120,000 in 1 won deal across 1" in (
        shanghai
    )
    assert "€10,000 not counted: no EUR→CNY rate. An admin can add one: `/fx EUR CNY 7.8`" in (
        shanghai
    )
    assert "Left out (no exchange rate to CNY for any of their wins): Siemens" in shanghai
    travel(NEW_YORK_MORNING)
    teams.scheduler.run_job("tier_suggestions")
    enterprise = text_of(posts(teams, MIA)[-1])
    # $50,000 + ¥200,000 x 0.14 + €20,000 x 1.08 = $99,600, as the digests count it.
    assert "$99,600 in 3 won deals across 3 customers" in enterprise
    assert "*Alibaba*: No tier → *Long-tail* · $28,000 (28%)" in enterprise
    assert "not counted" not in enterprise
    assert "Left out" not in enterprise
