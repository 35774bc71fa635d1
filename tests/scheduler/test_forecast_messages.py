"""The forecast in the pacing DM, the manager digest and the weekly review, end to end.

Enterprise (USD): Rita's revenue target is $100,000 for November, the team's $300,000.
Rita's deals: #1 Acme $40,000 proposal closing 25 Nov, commit; #2 Globex $10,000
negotiation that was to close 10 Nov (slipped); #3 Initech $30,000, won; #4 Hooli $20,000
lead closing 30 Nov, best case; #5 Umbrella $50,000 proposal closing in December.

    won $30,000 · commit $40,000 · best case $20,000
    weighted $40,000 x 50% + $20,000 x 10% = $22,000; open $60,000
    Rita: $70,000 left of $100,000, coverage 60/70 = 0.9x
    team: $270,000 left of $300,000, coverage 60/270 = 0.2x
"""

from __future__ import annotations

from datetime import UTC, datetime

from scheduler.delivery import Outcome
from tests.conftest import OTHER_REP, REP, RunningBot
from tests.scheduler.conftest import MANAGER, WEDNESDAY_0901_NY, Travel, posts
from tests.support.reading import text_of

RITAS_FIGURES = "Won $30,000 · commit $40,000 · best case $20,000 · weighted pipeline $22,000"


def rita_forecasts(bot: RunningBot) -> None:
    ask = bot.ask
    ask("/deal", "new Acme; Renewal; 40k; close 2026-11-25; stage proposal")
    ask("/deal", "new Globex; Pilot; 10k; close 2026-11-10; stage negotiation")
    ask("/deal", "new Initech; Licences; 30k; close 2026-11-27; stage negotiation")
    ask("/deal", "new Hooli; Phones; 20k; close 2026-11-30")
    ask("/deal", "new Umbrella; Labs; 50k; close 2026-12-15; stage proposal")
    for text in ("#1 commit", "#3 won", "#4 bestcase", "#5 commit"):
        assert ":warning:" not in text_of(ask("/deal", text)), text


def test_the_pacing_dm_shows_the_reps_forecast(team: RunningBot, travel: Travel) -> None:
    rita_forecasts(team)
    travel(WEDNESDAY_0901_NY)
    team.scheduler.run_job("daily_pacing")
    [dm] = posts(team, REP)
    shown = text_of(dm)
    assert "*Forecast · 2026-11*" in shown
    assert RITAS_FIGURES in shown
    assert (
        "Coverage 0.9x: $60,000 open pipeline closing by Mon 30 Nov 2026 for $70,000 left "
        "of the $100,000 target"
    ) in shown
    assert ":hourglass: 1 slipped deal ($10,000)" in shown
    assert "`#2` Globex — Pilot ($10,000, due Tue 10 Nov 2026)" in shown
    assert "Umbrella" not in shown  # closing next period


def test_the_manager_digest_shows_the_teams_and_each_reps_forecast(
    team: RunningBot, travel: Travel
) -> None:
    rita_forecasts(team)
    travel(WEDNESDAY_0901_NY)
    assert team.scheduler.run_job("manager_digest").count(Outcome.SENT) == 1
    [digest] = posts(team, MANAGER)
    shown = text_of(digest)
    assert "*Forecast · 2026-11*" in shown
    assert RITAS_FIGURES in shown  # the team's: Oscar has nothing open
    assert "Coverage 0.2x: $60,000 open pipeline" in shown
    assert "for $270,000 left of the $300,000 target" in shown
    assert (
        f"• <@{REP}> · won $30,000 · commit $40,000 · best case $20,000 · weighted $22,000 "
        "· coverage 0.9x · 1 slipped"
    ) in shown
    assert f"• <@{OTHER_REP}> · won $0 · commit $0 · best case $0 · weighted $0" in shown


def test_the_weekly_review_shows_the_forecast_in_chinese(team: RunningBot, travel: Travel) -> None:
    rita_forecasts(team)
    team.ask("/lang", "zh", user=MANAGER)
    travel(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # Monday 09:30 in New York
    assert team.scheduler.run_job("weekly_digest").count(Outcome.SENT) == 1
    shown = text_of(posts(team, MANAGER)[0])
    assert "*预测 · 2026-11*" in shown
    assert "已赢单 US$30,000" in shown
    assert "承诺 US$40,000" in shown
    assert "乐观 US$20,000" in shown
    assert "加权商机金额 US$22,000" in shown
    assert "覆盖率 0.2x" in shown
    assert "1 个商机已延期" in shown
    assert f"<@{REP}> · 已赢单 US$30,000" in shown
