"""The leaderboard (issue 13): each target's people ranked by attainment, in the weekly
review and on the manager's Home, unless the team turned it off."""

from __future__ import annotations

from datetime import UTC, datetime

from scheduler.delivery import Outcome
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.handlers.conftest import open_home
from tests.scheduler.conftest import MANAGER, Travel, posts
from tests.support.reading import text_of

MONDAY_0930_NY = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def play_the_month(team: RunningBot, travel: Travel) -> None:
    """Rita: $60,000 of $100,000 won (60%), 2 of 20 visits; Oscar: $40,000 of $50,000 (80%),
    3 of 10 visits."""
    shown = text_of(team.ask("/target", f"<@{OTHER_REP}|oscar> revenue 50k 2026-11", user=MANAGER))
    assert ":warning:" not in shown
    travel(datetime(2026, 11, 10, 15, 0, tzinfo=UTC))
    team.ask("/deal", "new Acme; A; 60k; stage won")
    team.ask("/deal", "new Initech; C; 40k; stage won", user=OTHER_REP)
    for customer in ("Acme", "Globex"):
        team.ask("/visit", f"{customer}: review")
    for customer in ("Initech", "Hooli", "Umbrella"):
        team.ask("/visit", f"{customer}: review", user=OTHER_REP)


def weekly_review(team: RunningBot, travel: Travel) -> str:
    travel(MONDAY_0930_NY)
    assert team.scheduler.run_job("weekly_digest").count(Outcome.SENT) == 1
    [review] = posts(team, MANAGER)
    return text_of(review)


def test_the_weekly_review_ranks_each_target_by_attainment(
    team: RunningBot, travel: Travel
) -> None:
    play_the_month(team, travel)
    shown = weekly_review(team, travel)
    revenue = shown.index("*Leaderboard* · Revenue · 2026-11 (share of each person's target)")
    visits = shown.index("*Leaderboard* · Visits · 2026-11")
    assert revenue < visits
    assert (
        f":first_place_medal: <@{OTHER_REP}> 80% · $40,000 of $50,000\n"
        f":second_place_medal: <@{REP}> 60% · $60,000 of $100,000"
    ) in shown[revenue:visits]
    assert (
        f":first_place_medal: <@{OTHER_REP}> 30% · 3 of 10\n"
        f":second_place_medal: <@{REP}> 10% · 2 of 20"
    ) in shown[visits:]


def test_the_managers_home_shows_the_leaderboard(team: RunningBot, travel: Travel) -> None:
    play_the_month(team, travel)
    travel(MONDAY_0930_NY)
    shown = text_of(open_home(team, MANAGER))
    assert f":first_place_medal: <@{OTHER_REP}> 80% · $40,000 of $50,000" in shown


def test_a_reps_own_home_shows_their_teams_leaderboard(team: RunningBot, travel: Travel) -> None:
    play_the_month(team, travel)
    travel(MONDAY_0930_NY)
    home = open_home(team, REP)
    shown = text_of(home)
    assert "Your team: Enterprise" in shown
    revenue = shown.index("*Leaderboard* · Revenue · 2026-11 (share of each person's target)")
    assert shown.index("*Your pacing*") < revenue < shown.index("*Follow-ups due*")
    assert (
        f":first_place_medal: <@{OTHER_REP}> 80% · $40,000 of $50,000\n"
        f":second_place_medal: <@{REP}> 60% · $60,000 of $100,000"
    ) in shown
    # Only the rep's own view: no team selector, no team pacing.
    assert "Team view" not in shown
    team.ask("/lang", "zh", user=OTHER_REP)
    shown_zh = text_of(open_home(team, OTHER_REP))
    assert "你的团队：Enterprise" in shown_zh
    assert f":first_place_medal: <@{OTHER_REP}> 80% · US$40,000 / US$50,000" in shown_zh


def test_a_team_that_turned_it_off_sees_no_leaderboard(team: RunningBot, travel: Travel) -> None:
    play_the_month(team, travel)
    refused = text_of(team.ask("/team", "Enterprise leaderboard off", user=REP))
    assert "Only Enterprise's managers or an admin" in refused
    assert "leaderboard is off" in text_of(
        team.ask("/team", "Enterprise leaderboard off", user=ADMIN)
    )
    shown = weekly_review(team, travel)
    assert "Leaderboard" not in shown
    assert "weekly review" in shown
    assert "Leaderboard" not in text_of(open_home(team, MANAGER))
    assert "Leaderboard" not in text_of(open_home(team, REP))


def test_the_leaderboard_in_chinese(team: RunningBot, travel: Travel) -> None:
    play_the_month(team, travel)
    team.ask("/lang", "zh", user=MANAGER)
    shown = weekly_review(team, travel)
    assert "*排行榜* · 销售额 · 2026-11" in shown
    assert f":first_place_medal: <@{OTHER_REP}> 80% · US$40,000 / US$50,000" in shown
