"""Jobs in each reader's language: a zh rep's DMs in Chinese beside an en rep's in English,
a Chinese team's channel posts in Chinese while its English-speaking manager reads English."""

from __future__ import annotations

from datetime import UTC, datetime

from scheduler.delivery import Outcome
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.scheduler.conftest import CHANNEL, MANAGER, WEDNESDAY_0901_NY, Travel, posts
from tests.support.block_kit import problems_in_message
from tests.support.reading import action_ids, text_of

THURSDAY_0901_NY = datetime(2026, 11, 19, 14, 1, tzinfo=UTC)


def chinese_oscar(bot: RunningBot) -> None:
    """Oscar (in Shanghai) chooses 简体中文; Rita keeps English."""
    assert "简体中文" in text_of(bot.ask("/lang", "zh", user=OTHER_REP))


def test_pacing_dms_are_in_each_reps_language(team: RunningBot, travel: Travel) -> None:
    chinese_oscar(team)
    team.ask("/visit", "华为：拜访了采购总监", user=OTHER_REP)
    travel(WEDNESDAY_0901_NY)
    assert team.scheduler.run_job("daily_pacing").count(Outcome.SENT) == 2
    [rita] = posts(team, REP)
    [oscar] = posts(team, OTHER_REP)
    english, chinese = text_of(rita), text_of(oscar)
    assert "Your pacing for Wed 18 Nov 2026" in english
    assert "$40,000" not in english
    assert "of $100,000 (0%)" in english
    assert ":rotating_light: At risk" in english
    # Wednesday evening in Shanghai: his visit (already Wednesday there) counts, and the
    # day before had none.
    assert "你的进度 · 2026年11月18日 周三：拜访次数有风险" in oscar["text"]
    assert "你的进度 · 2026年11月18日 周三" in chinese
    assert "*拜访次数* · 2026-11" in chinese
    assert "1 / 10（10%）" in chinese
    assert "今日应达" in chinese
    assert ":rotating_light: 有风险" in chinese
    assert "*2026年11月17日 周二 的拜访*：没有记录。" in chinese
    assert "记录拜访" in chinese
    assert "我的商机" in chinese
    for english_word in ("Your pacing", "Visits on", "Log a visit", "By today"):
        assert english_word not in chinese
    assert action_ids(oscar) == action_ids(rita)
    for message in (rita, oscar):
        assert problems_in_message(message) == []


def test_follow_up_dms_are_in_each_reps_language(team: RunningBot, travel: Travel) -> None:
    chinese_oscar(team)
    team.ask("/visit", "Acme Corp: demo; next: send pricing by thursday")
    team.ask("/visit", "华为：拜访了采购总监；下一步：发报价 by 2026-11-19", user=OTHER_REP)
    travel(THURSDAY_0901_NY)
    assert team.scheduler.run_job("follow_ups").count(Outcome.SENT) == 2
    [rita] = posts(team, REP)
    [oscar] = posts(team, OTHER_REP)
    english, chinese = text_of(rita), text_of(oscar)
    assert "Your follow-ups for Thu 19 Nov 2026" in english
    assert ":large_yellow_circle: Due today" in english
    assert "你的跟进 · 2026年11月19日 周四" in chinese
    assert "*华为*: 发报价\n:large_yellow_circle: 今天到期 · 来自你 2026年11月18日 周三 的拜访" in (
        chinese
    )
    assert "完成" in chinese
    assert "推迟" in chinese
    assert "Done" not in chinese
    assert "Snooze" not in chinese
    for message in (rita, oscar):
        assert problems_in_message(message) == []


def test_a_chinese_teams_channel_gets_chinese_digests_its_english_manager_english_dms(
    team: RunningBot, travel: Travel
) -> None:
    for text in (f"Enterprise channel <#{CHANNEL}|sales>", "Enterprise language zh"):
        assert ":warning:" not in str(team.ask("/team", text, user=ADMIN)), text
    team.ask("/deal", "new Acme Corp; Renewal; 40k; stage proposal")
    team.ask("/deal", "#1 stage negotiation")
    team.ask("/visit", "Acme Corp: demo; next: send pricing by wednesday", user=MANAGER)
    travel(WEDNESDAY_0901_NY)
    assert team.scheduler.run_job("manager_digest").count(Outcome.SENT) == 1
    [digest] = posts(team, CHANNEL)
    shown = text_of(digest)
    assert "Enterprise · 团队日报 · 2026年11月18日 周三" in shown
    assert "*团队目标*" in shown
    assert "*销售额* · 2026-11" in shown
    assert ":page_facing_up: 方案 → :scales: 谈判: `#1` Acme Corp — Renewal" in shown
    assert "daily digest" not in shown
    assert "Team targets" not in shown
    assert problems_in_message(digest) == []
    # Mia, the manager, keeps English in her own DMs.
    assert team.scheduler.run_job("follow_ups").count(Outcome.SENT) >= 1
    [mia] = posts(team, MANAGER)
    assert "Your follow-ups for Wed 18 Nov 2026" in text_of(mia)
    assert problems_in_message(mia) == []


def test_the_weekly_review_is_in_the_teams_language(team: RunningBot, travel: Travel) -> None:
    for text in (f"Enterprise channel <#{CHANNEL}|sales>", "Enterprise language zh"):
        assert ":warning:" not in str(team.ask("/team", text, user=ADMIN)), text
    travel(datetime(2026, 11, 23, 14, 1, tzinfo=UTC))  # Monday 09:01 in New York
    assert team.scheduler.run_job("weekly_digest").count(Outcome.SENT) == 1
    [review] = posts(team, CHANNEL)
    shown = text_of(review)
    assert "Enterprise · 每周复盘" in shown
    assert "*销售漏斗*" in shown
    assert "weekly review" not in shown
    assert problems_in_message(review) == []
