"""Manager digests: daily to the team channel (or the managers), weekly funnel review."""

from __future__ import annotations

from datetime import UTC, datetime

from scheduler.delivery import Outcome
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.scheduler.conftest import CHANNEL, MANAGER, WEDNESDAY_0901_NY, Travel, posts
from tests.support.reading import text_of


def test_daily_digest_goes_to_each_manager_without_a_channel(
    team: RunningBot, travel: Travel
) -> None:
    team.ask("/visit", "Acme Corp: demo")  # Tuesday, by Rita
    team.ask("/deal", "new Acme Corp; Renewal; 40k; stage proposal")
    team.ask("/deal", "#1 stage negotiation")
    team.ask("/deal", "new Initech; Pilot; 5k", user=OTHER_REP)
    team.ask("/deal", "Initech lost budget frozen", user=OTHER_REP)
    travel(WEDNESDAY_0901_NY)
    report = team.scheduler.run_job("manager_digest")
    assert report.count(Outcome.SENT) == 1
    [digest] = posts(team, MANAGER)
    shown = text_of(digest)
    assert "Enterprise · daily digest · Wed 18 Nov 2026" in shown
    assert "*Team targets*" in shown
    assert "*Revenue* · 2026-11" in shown
    assert f"<@{REP}> · Revenue :rotating_light: 0% · Visits" in shown
    assert "1 visit Tue" in shown
    assert f"<@{OTHER_REP}> · Visits" in shown
    assert "Proposal → :scales: Negotiation: `#1` Acme Corp — Renewal" in shown
    assert ":x: Lost: `#2` Initech — Pilot" in shown
    # Oscar has logged nothing in the last three working days.
    assert f"No visit in the last 3 working days:* <@{OTHER_REP}>" in shown
    assert team.scheduler.run_job("manager_digest").count(Outcome.SENT) == 0


def test_daily_digest_goes_to_the_team_channel_when_set(team: RunningBot, travel: Travel) -> None:
    assert ":warning:" not in str(
        team.ask("/team", f"Enterprise channel <#{CHANNEL}|sales>", user=ADMIN)
    )
    travel(datetime(2026, 11, 18, 13, 0, tzinfo=UTC))  # 08:00 for the manager
    team.scheduler.run_job("manager_digest")
    assert posts(team) == []
    travel(WEDNESDAY_0901_NY)
    team.scheduler.run_job("manager_digest")
    assert [post["channel"] for post in posts(team)] == [CHANNEL]


def test_a_channel_the_bot_cannot_post_in_stops_at_once_and_says_what_to_do(
    team: RunningBot, travel: Travel
) -> None:
    team.ask("/team", f"Enterprise channel <#{CHANNEL}|sales>", user=ADMIN)
    travel(WEDNESDAY_0901_NY)
    team.fake.fail_next("chat.postMessage", status=200, error="not_in_channel")
    assert team.scheduler.run_job("manager_digest").count(Outcome.FAILED) == 1
    # Retrying cannot help until someone invites the bot: not tried again this period.
    assert team.scheduler.run_job("manager_digest").count(Outcome.FAILED) == 1
    assert len(team.fake.calls("chat.postMessage")) == 1
    [status] = [s for s in team.scheduler.status() if s.name == "manager_digest"]
    [problem] = status.problems
    assert (problem.kind, problem.error, problem.count) == ("failed", "not_in_channel", 1)
    assert problem.what_to_do == f"invite the bot to <#{CHANNEL}>: type /invite @salesbot there"


def four_proposals_closed(team: RunningBot, travel: Travel, globex: str) -> None:
    """Rita's Acme and Globex, Oscar's Initech and Hooli at Proposal on 10 Nov; on 12 Nov
    Acme and Initech won, Hooli lost, and Globex moved by `globex` ("won", "lost …")."""
    travel(datetime(2026, 11, 10, 15, 0, tzinfo=UTC))
    team.ask("/deal", "new Acme; A; 100k; stage proposal")
    team.ask("/deal", "new Globex; B; 50k; stage proposal")
    team.ask("/deal", "new Initech; C; 30k; stage proposal", user=OTHER_REP)
    team.ask("/deal", "new Hooli; D; 10k; stage proposal", user=OTHER_REP)
    team.ask("/deal", "new Umbrella; E; 5k", user=OTHER_REP)
    travel(datetime(2026, 11, 12, 15, 0, tzinfo=UTC))
    team.ask("/deal", "#1 won")
    team.ask("/deal", f"#2 {globex}")
    team.ask("/deal", "#3 won", user=OTHER_REP)
    team.ask("/deal", "#4 lost went with a competitor", user=OTHER_REP)


def test_weekly_review_on_monday_with_funnel_and_conversion(
    team: RunningBot, travel: Travel
) -> None:
    four_proposals_closed(team, travel, "won")
    travel(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))  # Friday: not the review day
    assert team.scheduler.run_job("weekly_digest").count(Outcome.NOT_DUE) == 1
    travel(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # Monday 09:30 in New York
    assert team.scheduler.run_job("weekly_digest").count(Outcome.SENT) == 1
    shown = text_of(posts(team, MANAGER)[0])
    assert "Enterprise · weekly review" in shown
    assert "Lead 5" in shown
    assert "Proposal 4" in shown
    assert "Won 3" in shown
    assert ":page_facing_up: Proposal → :scales: Negotiation: 75%" in shown or "Won: 75%" in shown
    assert "*Won*: 3 deals, $180,000" in shown
    assert "*Average deal size*: $60,000" in shown
    assert "*Median sales cycle*: 2.0 days" in shown
    # Over closed proposals only: Initech won, Hooli lost; the team's 3 of 4 is 75%.
    assert f"<@{OTHER_REP}>: 1 won of 2 closed proposals (50%)" in shown
    assert "Proposal-to-win below the team's 75%" in shown
    # Every deal was won straight from Proposal: Negotiation's 100% is said to be skipped.
    assert "Negotiation → :trophy: Won: 100% _(3 deals skipped Negotiation)_" in shown
    travel(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    assert team.scheduler.run_job("weekly_digest").count(Outcome.DONE_BEFORE) == 1
    travel(datetime(2026, 11, 24, 14, 30, tzinfo=UTC))
    assert team.scheduler.run_job("weekly_digest").count(Outcome.NOT_DUE) == 1
    assert len(posts(team, MANAGER)) == 1


def test_weekly_review_moves_to_tuesday_after_a_monday_holiday(
    team: RunningBot, travel: Travel
) -> None:
    team.ask("/team", "Enterprise holidays US", user=ADMIN)
    travel(datetime(2027, 1, 18, 15, 0, tzinfo=UTC))  # Martin Luther King Jr. Day, a Monday
    assert team.scheduler.run_job("weekly_digest").count(Outcome.NOT_DUE) == 1
    travel(datetime(2027, 1, 19, 15, 0, tzinfo=UTC))
    assert team.scheduler.run_job("weekly_digest").count(Outcome.SENT) == 1


def test_weekly_review_carries_burn_up_and_funnel_charts_in_its_thread(
    team: RunningBot, travel: Travel
) -> None:
    travel(datetime(2026, 11, 10, 15, 0, tzinfo=UTC))
    team.ask("/deal", "new Acme; A; 100k; stage proposal")
    team.ask("/deal", "#1 won")
    travel(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # Monday 09:30 in New York
    assert team.scheduler.run_job("weekly_digest").count(Outcome.SENT) == 1
    [digest] = [c for c in team.fake.calls("chat.postMessage") if c.params["channel"] == MANAGER]
    assert "charts in the thread" in text_of(digest.params)
    shared = team.fake.calls("files.completeUploadExternal")
    assert len(shared) == 2
    for call in shared:
        assert call.params["thread_ts"] == digest.response["ts"]
        assert call.params["channel_id"] == digest.response["channel"]
    titles = [f["title"] for call in shared for f in call.params["files"]]
    assert titles == ["Enterprise: Revenue 2026-11", "Enterprise: funnel, last 4 weeks"]
    uploads = [call.params["content"] for call in team.fake.calls("file_upload")]
    assert len(uploads) == 2
    for png in uploads:
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert 10_000 < len(png) < 1_000_000
    # The same digest is not sent again, and neither are its charts.
    team.scheduler.run_job("weekly_digest")
    assert len(team.fake.calls("files.completeUploadExternal")) == 2


def test_a_proposal_lost_then_reopened_is_open_again_in_the_weekly_review(
    team: RunningBot, travel: Travel
) -> None:
    four_proposals_closed(team, travel, "lost no budget")
    travel(datetime(2026, 11, 16, 15, 0, tzinfo=UTC))
    assert "Negotiation" in text_of(team.ask("/deal", "#2 stage negotiation"))  # budget found
    travel(datetime(2026, 11, 23, 14, 30, tzinfo=UTC))  # Monday 09:30 in New York
    assert team.scheduler.run_job("weekly_digest").count(Outcome.SENT) == 1
    shown = text_of(posts(team, MANAGER)[0])
    # Globex is open again: Rita has 1 won of 1 closed, the team 2 of 3 (67%), and Oscar's
    # 1 of 2 is below it (counting Globex as lost would make it 2 of 4, nobody below).
    assert "Proposal-to-win below the team's 67%" in shown
    assert f"<@{OTHER_REP}>: 1 won of 2 closed proposals (50%)" in shown
    assert f"<@{REP}>:" not in shown
