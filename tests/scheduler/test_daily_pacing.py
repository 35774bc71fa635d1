"""Daily pacing DMs: at each rep's own 09:00 on working days, exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot import build_bot
from scheduler.delivery import Outcome
from store.visits import all_visits
from tests.conftest import OTHER_REP, REP, RunningBot
from tests.scheduler.conftest import (
    WEDNESDAY_0859_NY,
    WEDNESDAY_0901_NY,
    Travel,
    posts,
)
from tests.support.reading import action_ids, text_of


def seed_activity(bot: RunningBot, travel: Travel) -> None:
    """Tuesday: Rita visits two customers and wins a deal."""
    bot.ask("/visit", "Acme Corp: demo to the CFO; next: send pricing by wednesday")
    bot.ask("/visit", "Globex: intro call")
    bot.ask("/deal", "new Acme Corp; Renewal; 40k; stage negotiation")
    bot.ask("/deal", "#1 won")


def test_pacing_goes_out_at_each_reps_local_morning(team: RunningBot, travel: Travel) -> None:
    seed_activity(team, travel)
    travel(WEDNESDAY_0859_NY)
    team.scheduler.run_job("daily_pacing")
    # 08:59 in New York: not yet for Rita; 21:59 in Shanghai: Oscar's is due.
    assert [p["channel"] for p in posts(team)] == [OTHER_REP]
    travel(WEDNESDAY_0901_NY)
    team.scheduler.run_job("daily_pacing")
    [rita] = posts(team, REP)
    shown = text_of(rita)
    assert "Your pacing for Wed 18 Nov 2026" in shown
    assert "*Revenue* · 2026-11" in shown
    assert "$40,000 of $100,000 (40%)" in shown
    assert "*Visits* · 2026-11" in shown
    assert "2 of 20 (10%)" in shown
    assert "Visits on Tue 17 Nov 2026* (2)" in shown
    assert "Acme Corp*: demo to the CFO" in shown
    assert "Follow-ups due today* (1)" in shown
    assert "send pricing" in shown
    assert action_ids(rita) == ["open_visit_modal", "my_deals", "show_charts"]


def test_pacing_status_and_needed_per_day(team: RunningBot, travel: Travel) -> None:
    travel(WEDNESDAY_0901_NY)
    team.scheduler.run_job("daily_pacing")
    shown = text_of(posts(team, REP)[0])
    # November 2026 has 21 working days (no holiday country); the 18th is the 13th.
    assert ":rotating_light: At risk" in shown
    assert "By today: $61,904.76" in shown
    assert "need $11,111.11 per working day (9 left)" in shown


def test_no_second_message_on_rerun_restart_or_second_scheduler(
    team: RunningBot, travel: Travel
) -> None:
    travel(WEDNESDAY_0901_NY)
    first = team.scheduler.run_job("daily_pacing")
    assert first.count(Outcome.SENT) == 2
    again = team.scheduler.run_job("daily_pacing")
    assert again.count(Outcome.DONE_BEFORE) == 2
    restarted = build_bot(team.settings, team.db, team.clock).scheduler
    assert restarted.run_job("daily_pacing").count(Outcome.SENT) == 0
    travel(datetime(2026, 11, 18, 18, 0, tzinfo=UTC))
    assert team.scheduler.tick()
    assert len(posts(team, REP) + posts(team, OTHER_REP)) == 2


def test_two_schedulers_racing_send_once(team: RunningBot, travel: Travel) -> None:
    travel(WEDNESDAY_0901_NY)
    other = build_bot(team.settings, team.db, team.clock).scheduler
    start = threading.Barrier(2)
    reports = []

    def run(scheduler) -> None:
        start.wait(timeout=10)
        reports.append(scheduler.run_job("daily_pacing"))

    threads = [threading.Thread(target=run, args=(s,)) for s in (team.scheduler, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(p["channel"] for p in posts(team)) == sorted([REP, OTHER_REP])
    assert sum(report.count(Outcome.SENT) for report in reports) == 2


def test_missed_run_is_caught_up_once_the_same_day_only(team: RunningBot, travel: Travel) -> None:
    # The bot was down all Wednesday morning; it comes back at 15:00 in New York.
    travel(datetime(2026, 11, 18, 20, 0, tzinfo=UTC))
    team.scheduler.tick()
    assert len(posts(team, REP)) == 1
    # Down again until Thursday 08:00 (New York): Wednesday is not repeated, Thursday not yet.
    travel(datetime(2026, 11, 19, 13, 0, tzinfo=UTC))
    team.scheduler.tick()
    assert len(posts(team, REP)) == 1
    travel(datetime(2026, 11, 19, 14, 30, tzinfo=UTC))
    team.scheduler.tick()
    assert len(posts(team, REP)) == 2


def test_weekends_are_skipped(team: RunningBot, travel: Travel) -> None:
    travel(datetime(2026, 11, 21, 16, 0, tzinfo=UTC))  # Saturday 11:00 in New York
    report = team.scheduler.run_job("daily_pacing")
    assert report.count(Outcome.NOT_DUE) == 2
    assert posts(team) == []


def test_public_holidays_are_skipped(team: RunningBot, travel: Travel) -> None:
    assert ":warning:" not in str(team.ask("/team", "Enterprise holidays US", user="UADMIN1"))
    travel(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))  # Thanksgiving, 11:00 in New York
    team.scheduler.run_job("daily_pacing")
    assert posts(team) == []
    travel(datetime(2026, 11, 27, 16, 0, tzinfo=UTC))
    team.scheduler.run_job("daily_pacing")
    assert len(posts(team, REP)) == 1
    # With Thanksgiving off, November has 20 working days: the pace says so.
    assert "(2 left)" in text_of(posts(team, REP)[0])


def test_rate_limit_is_waited_out_then_sent_once(team: RunningBot, travel: Travel) -> None:
    travel(WEDNESDAY_0901_NY)
    team.fake.fail_next("chat.postMessage", status=429, retry_after=7)
    report = team.scheduler.run_job("daily_pacing")
    assert report.count(Outcome.SENT) == 2
    assert len(posts(team)) == 2
    assert any(wait >= 7 for wait in team.sleeps)


def test_one_failure_does_not_stop_the_others_and_is_retried(
    team: RunningBot, travel: Travel
) -> None:
    travel(WEDNESDAY_0901_NY)
    team.fake.fail_next("chat.postMessage", status=503, error="service_unavailable")
    report = team.scheduler.run_job("daily_pacing")
    assert report.count(Outcome.RETRYING) == 1
    assert report.count(Outcome.SENT) == 1
    # Not hammered again at once: the retry waits its backoff, then goes out.
    assert team.scheduler.run_job("daily_pacing").count(Outcome.WAITING) == 1
    travel(WEDNESDAY_0901_NY + timedelta(minutes=5))
    retry = team.scheduler.run_job("daily_pacing")
    assert retry.count(Outcome.SENT) == 1
    assert sorted(p["channel"] for p in posts(team)) == sorted([REP, OTHER_REP])


def test_nobody_without_a_team_gets_pacing(running_bot: RunningBot, travel: Travel) -> None:
    running_bot.ask("/visit", "Acme: hello")
    travel(WEDNESDAY_0901_NY)
    assert running_bot.scheduler.run_job("daily_pacing").outcomes == {}


@pytest.mark.parametrize("pressed", ["my_deals"])
def test_my_deals_button_lists_the_reps_deals(
    team: RunningBot, travel: Travel, pressed: str
) -> None:
    team.ask("/deal", "new Acme Corp; Renewal; 40k")
    travel(WEDNESDAY_0901_NY)
    team.scheduler.run_job("daily_pacing")
    message = posts(team, REP)[0]
    response_url = team.fake.response_url()
    team.slack.block_action(
        user_id=REP, action_id=pressed, response_url=response_url, message=message
    )
    assert "Open deals — yours" in text_of(team.reply_to(response_url))


def test_pacing_leaves_out_follow_ups_already_done(team: RunningBot, travel: Travel) -> None:
    seed_activity(team, travel)  # a follow-up due on Wednesday
    travel(WEDNESDAY_0901_NY)
    team.scheduler.run_job("follow_ups")
    [reminder] = posts(team, REP)
    done = next(
        e for b in reminder["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["action_id"].startswith("follow_up_done")
    )  # fmt: skip
    response_url = team.fake.response_url()
    team.slack.block_action(
        user_id=REP, action_id=done["action_id"], response_url=response_url, message=reminder
    )

    def ticked_off() -> bool:
        with team.db.reading() as session:
            return all(v.follow_up_done_at for v in all_visits(session) if v.next_step)

    team.fake.wait_for(ticked_off)
    team.scheduler.run_job("daily_pacing")
    assert "Follow-ups due today" not in text_of(posts(team, REP)[-1])


def test_chart_button_on_pacing_sends_a_burn_up_per_target(
    team: RunningBot, travel: Travel
) -> None:
    seed_activity(team, travel)
    travel(WEDNESDAY_0901_NY)
    team.scheduler.run_job("daily_pacing")
    response_url = team.fake.response_url()
    team.slack.block_action(
        user_id=REP, action_id="show_charts", response_url=response_url,
        message=posts(team, REP)[0],
    )  # fmt: skip
    shared = team.fake.wait_for(lambda: len(team.fake.calls("files.completeUploadExternal")) >= 3)
    titles = [
        f["title"] for call in team.fake.calls("files.completeUploadExternal")
        for f in call.params["files"]
    ]  # fmt: skip
    assert titles == ["rita: Revenue 2026-11", "rita: Visits 2026-11", "rita: funnel, last 4 weeks"]
    assert shared
