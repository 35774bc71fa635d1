"""The forecast on the Home tab: the person's own, and a manager's team and reps', in the
reader's language. Figures as in tests/scheduler/test_forecast_messages.py."""

from __future__ import annotations

from tests.conftest import OTHER_REP, REP, RunningBot
from tests.handlers.conftest import MANAGER, open_home
from tests.scheduler.test_forecast_messages import RITAS_FIGURES, rita_forecasts
from tests.support.reading import text_of


def test_a_rep_sees_their_forecast_on_home(home_team: RunningBot) -> None:
    rita_forecasts(home_team)
    shown = text_of(open_home(home_team, REP))
    assert "*Forecast · 2026-11*" in shown
    assert RITAS_FIGURES in shown
    assert "Coverage 0.9x: $60,000 open pipeline" in shown
    assert "`#2` Globex — Pilot ($10,000, due Tue 10 Nov 2026)" in shown


def test_a_rep_with_no_revenue_target_sees_the_months_forecast(home_team: RunningBot) -> None:
    home_team.ask("/deal", "new Wayne; Towers; 8k; close 2026-11-28; stage negotiation", OTHER_REP)
    shown = text_of(open_home(home_team, OTHER_REP))
    assert "*Forecast · 2026-11*" in shown
    assert "weighted pipeline $5,600" in shown  # $8,000 x 70%
    assert "Open pipeline closing by Mon 30 Nov 2026: $8,000 (no revenue target to cover)" in shown


def test_a_manager_sees_the_teams_forecast_and_each_reps(home_team: RunningBot) -> None:
    rita_forecasts(home_team)
    shown = text_of(open_home(home_team, MANAGER))
    assert "Coverage 0.2x: $60,000 open pipeline" in shown
    assert f"• <@{REP}> · won $30,000 · commit $40,000" in shown
    assert f"• <@{OTHER_REP}> · won $0" in shown


def test_the_forecast_on_home_is_in_the_readers_language(home_team: RunningBot) -> None:
    rita_forecasts(home_team)
    home_team.ask("/lang", "zh")
    shown = text_of(open_home(home_team, REP))
    assert "*预测 · 2026-11*" in shown
    assert "覆盖率 0.9x" in shown
    assert "目标 US$100,000 还差 US$70,000" in shown
