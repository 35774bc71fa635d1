"""Scheduled messages get through Slack outages, stop on errors only a person can fix, and
are never sent twice across a crash: the ledger, its leases and Slack's own history."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.delivery import Outcome, pack, unpack
from scheduler.sender import EVENT_TYPE, OUTAGE_AFTER, SEND_CONCURRENCY
from scheduler.slack_errors import ledger_error_text, run_errors_text
from services.charts import CHARTS, ChartFile
from services.uploads import PNG_SIGNATURE
from store import deliveries
from store.deliveries import LedgerKey
from tests.conftest import ADMIN, OTHER_REP, REP, RunningBot
from tests.handlers.conftest import open_home
from tests.scheduler.conftest import MANAGER, WEDNESDAY_0901_NY, Travel, posts
from tests.support.reading import text_of
from translations import CHINESE, ENGLISH, render

OTHER_HOST = "elsewhere:4242:cafe0001"  # a sender on another machine


def ledger_keys(bot: RunningBot) -> list[tuple[str, str, str]]:
    """The ledger key of every message Slack accepted, from the metadata each one carries."""
    keys = []
    for post in posts(bot):
        metadata = post["metadata"]
        assert metadata["event_type"] == EVENT_TYPE
        payload = metadata["event_payload"]
        keys.append((payload["job"], payload["period"], payload["recipient"]))
    return keys


def ledger(bot: RunningBot) -> dict[tuple[str, str, str], str]:
    with bot.db.reading() as session:
        return {(d.job, d.period, d.recipient): d.status for d in deliveries.deliveries(session)}


def claim_elsewhere(
    bot: RunningBot, key: LedgerKey, at: datetime, message: dict | None = None
) -> int:
    """A claim another sender made at `at` and never recorded (it was cut off)."""
    with bot.db.transaction() as session:
        claim = deliveries.claim(
            session, key, at, owner=OTHER_HOST, message=message, useful_until=None
        )
    assert claim is not None
    return claim.id


def add_reps(bot: RunningBot, count: int) -> list[str]:
    """`count` more reps on the team, each with a target (so each has a pacing DM)."""
    users = [f"UBULK{n:03d}" for n in range(count)]
    for user in users:
        bot.fake.add_user(user, tz="America/New_York")
    bot.ask("/team", "Enterprise add " + " ".join(f"<@{u}|x>" for u in users), user=ADMIN)
    for user in users:
        bot.ask("/target", f"<@{user}|x> visits 5 2026-11", user=MANAGER)
    return users


def test_a_thirty_minute_outage_delays_every_message_and_loses_none(
    team: RunningBot, travel: Travel
) -> None:
    """Slack answers 500 for 15 minutes, then 429 for 15 more, over several ticks."""
    clock = team.clock
    outage_starts = WEDNESDAY_0901_NY
    rate_limited_from = outage_starts + timedelta(minutes=15)
    back = outage_starts + timedelta(minutes=30)
    team.fake.fail_until(
        "chat.postMessage", lambda: clock.now < rate_limited_from, status=500, error="fatal_error"
    )
    team.fake.fail_until(
        "chat.postMessage", lambda: clock.now < back, status=429, error="ratelimited"
    )
    moment = outage_starts
    while moment < back + timedelta(minutes=30):
        travel(moment)
        team.scheduler.tick()
        moment += timedelta(minutes=5)
    keys = ledger_keys(team)
    assert Counter(keys).most_common(1)[0][1] == 1, "a message went out twice"
    assert {(job, recipient) for job, _, recipient in keys} == {
        ("daily_pacing", REP),
        ("daily_pacing", OTHER_REP),
        ("manager_digest", f"team:1:{MANAGER}"),
    }
    states = ledger(team)
    assert set(states.values()) <= {deliveries.SENT, deliveries.EMPTY}, states
    # The failed attempts all fell inside the outage; Slack was asked for quiet meanwhile.
    failed = [c for c in team.fake.calls("chat.postMessage") if not c.response["ok"]]
    assert failed
    assert len(failed) < 40
    assert team.sleeps


def test_while_slack_is_down_a_run_stops_trying_after_a_few_failures(
    team: RunningBot, travel: Travel
) -> None:
    add_reps(team, 12)
    travel(WEDNESDAY_0901_NY)
    team.fake.fail_until("chat.postMessage", lambda: True, status=503, error="")
    report = team.scheduler.run_job("daily_pacing")
    tried = len(team.fake.calls("chat.postMessage"))
    assert report.count(Outcome.RETRYING) == tried
    # The rest are left unclaimed for the next tick rather than each failing in turn.
    assert report.count(Outcome.DEFERRED) == 14 - tried
    assert tried <= SEND_CONCURRENCY + OUTAGE_AFTER


def test_a_permanent_error_stops_at_once_and_shows_in_health(
    team: RunningBot, travel: Travel
) -> None:
    travel(WEDNESDAY_0901_NY)
    team.fake.fail_next("chat.postMessage", status=200, error="user_not_found", times=2)
    report = team.scheduler.run_job("daily_pacing")
    assert report.count(Outcome.FAILED) == 2
    travel(WEDNESDAY_0901_NY + timedelta(minutes=30))
    again = team.scheduler.run_job("daily_pacing")
    assert again.count(Outcome.FAILED) == 2
    assert len(team.fake.calls("chat.postMessage")) == 2  # never tried again
    [status] = [s for s in team.scheduler.status() if s.name == "daily_pacing"]
    assert status.last_failed == 2
    [problem] = status.problems
    assert (problem.kind, problem.error, problem.count) == ("failed", "user_not_found", 2)
    assert "remove them from their team with /team" in problem.what_to_do


def test_a_send_cut_off_after_posting_is_found_in_history_not_posted_again(
    team: RunningBot, travel: Travel
) -> None:
    travel(WEDNESDAY_0901_NY)
    key = LedgerKey("daily_pacing", "2026-11-18", REP)
    claim_elsewhere(team, key, WEDNESDAY_0901_NY - timedelta(minutes=3))
    posted = team.fake.add_history_message(
        "D" + REP,
        "Your pacing for Wed 18 Nov 2026",
        metadata={"event_type": EVENT_TYPE, "event_payload": key.payload()},
    )
    report = team.scheduler.run_job("daily_pacing")
    assert report.outcomes[REP] is Outcome.FOUND
    assert report.outcomes[OTHER_REP] is Outcome.SENT
    assert [p["channel"] for p in posts(team)] == [OTHER_REP]
    with team.db.reading() as session:
        [row] = [d for d in deliveries.deliveries(session) if d.recipient == REP]
    assert (row.status, row.channel, row.message_ts) == ("sent", "D" + REP, posted["ts"])
    [history] = team.fake.calls("conversations.history")
    assert history.params["channel"] == "D" + REP
    assert str(history.params["include_all_metadata"]).lower() in ("1", "true")


def test_a_send_cut_off_before_posting_is_posted_once_its_lease_runs_out(
    team: RunningBot, travel: Travel
) -> None:
    travel(WEDNESDAY_0901_NY)
    claim_elsewhere(team, LedgerKey("daily_pacing", "2026-11-18", REP), WEDNESDAY_0901_NY)
    # Someone else's live claim: left alone.
    assert team.scheduler.run_job("daily_pacing").outcomes[REP] is Outcome.IN_PROGRESS
    # Its lease is two minutes: not renewed, it was cut off. Slack has no such message.
    travel(WEDNESDAY_0901_NY + deliveries.LEASE + timedelta(seconds=1))
    assert team.scheduler.run_job("daily_pacing").outcomes[REP] is Outcome.SENT
    assert len(posts(team, REP)) == 1
    assert len(team.fake.calls("conversations.history")) == 1


def test_an_earlier_days_pacing_still_failing_is_marked_missed(
    team: RunningBot, travel: Travel
) -> None:
    travel(WEDNESDAY_0901_NY)
    team.fake.fail_until("chat.postMessage", lambda: team.clock.now < THURSDAY, status=502)
    team.scheduler.tick()
    travel(THURSDAY + timedelta(hours=14, minutes=1))  # Thursday 09:01 in New York
    team.scheduler.tick()
    states = ledger(team)
    assert states[("daily_pacing", "2026-11-18", REP)] == deliveries.MISSED
    assert states[("daily_pacing", "2026-11-19", REP)] == deliveries.SENT
    [status] = [s for s in team.scheduler.status() if s.name == "daily_pacing"]
    assert any(problem.kind == "missed" for problem in status.problems)
    assert len(posts(team, REP)) == 1  # Thursday's; Wednesday's is no use on Thursday


def test_an_earlier_days_digest_is_sent_late_as_it_was_claimed(
    team: RunningBot, travel: Travel
) -> None:
    key = LedgerKey("manager_digest", "2026-11-17", f"team:1:{MANAGER}")
    yesterday = datetime(2026, 11, 17, 14, 1, tzinfo=UTC)
    message = {"text": "Team digest for Tue 17 Nov 2026"}
    with team.db.transaction() as session:
        claim = deliveries.claim(
            session,
            key,
            yesterday,
            owner=OTHER_HOST,
            message=pack(MANAGER, message),
            useful_until=None,
        )
        assert claim is not None
        deliveries.mark_retry(session, claim.id, "fatal_error", yesterday, MANAGER)
    travel(datetime(2026, 11, 18, 13, 0, tzinfo=UTC))  # 08:00 in New York: nothing due yet
    report = team.scheduler.run_job("manager_digest")
    assert report.outcomes[f"team:1:{MANAGER} (2026-11-17)"] is Outcome.SENT
    [late] = posts(team, MANAGER)
    assert late["text"] == "Team digest for Tue 17 Nov 2026"
    assert ledger(team)[("manager_digest", "2026-11-17", f"team:1:{MANAGER}")] == "sent"


THURSDAY = datetime(2026, 11, 19, 0, 0, tzinfo=UTC)


def test_sends_go_out_concurrently_within_the_pool(team: RunningBot, travel: Travel) -> None:
    add_reps(team, 12)
    team.fake.slow_down("chat.postMessage", 0.2)
    travel(WEDNESDAY_0901_NY)
    report = team.scheduler.run_job("daily_pacing")
    assert report.count(Outcome.SENT) == 14
    assert team.fake.max_concurrent("chat.postMessage") > 1


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_after_posting_is_checked_in_history_before_the_retry(
    team: RunningBot, travel: Travel, status: int
) -> None:
    """A 5xx may come after Slack posted: the retry looks first, and finds nothing here."""
    travel(WEDNESDAY_0901_NY)
    team.fake.fail_next("chat.postMessage", status=status, error="internal_error", times=2)
    team.scheduler.run_job("daily_pacing")
    travel(WEDNESDAY_0901_NY + timedelta(minutes=10))
    report = team.scheduler.run_job("daily_pacing")
    assert report.count(Outcome.SENT) == 2
    assert len(team.fake.calls("conversations.history")) == 2
    assert len(posts(team)) == 2


def test_a_bad_token_stops_the_run_at_once_and_sends_once_it_is_fixed(
    team: RunningBot, travel: Travel
) -> None:
    add_reps(team, 12)
    travel(WEDNESDAY_0901_NY)
    team.fake.fail_until(
        "chat.postMessage", lambda: team.clock.now < fixed, status=200, error="invalid_auth"
    )
    fixed = WEDNESDAY_0901_NY + timedelta(minutes=20)
    report = team.scheduler.run_job("daily_pacing")
    tried = len(team.fake.calls("chat.postMessage"))
    assert tried <= SEND_CONCURRENCY  # not one failure per rep
    assert report.count(Outcome.DEFERRED) == 14 - tried
    [status] = [s for s in team.scheduler.status() if s.name == "daily_pacing"]
    [problem] = status.problems
    assert (problem.kind, problem.error) == ("retrying", "invalid_auth")
    assert "reinstall the app and update SLACK_BOT_TOKEN" in problem.what_to_do
    # The admin fixes the token; within the backoff every DM goes out, once.
    moment = WEDNESDAY_0901_NY
    while moment < fixed + timedelta(minutes=15):
        moment += timedelta(minutes=5)
        travel(moment)
        team.scheduler.tick()
    assert (
        Counter(p["channel"] for p in posts(team) if p["channel"] != MANAGER).most_common(1)[0][1]
        == 1
    )
    assert len({p["channel"] for p in posts(team)} - {MANAGER}) == 14


def test_a_kept_message_keeps_its_charts_notes_for_a_later_send() -> None:
    chart = ChartFile("burn-up.png", "Shanghai: Revenue", PNG_SIGNATURE, "alt", note="€1 left out")
    bare = ChartFile("funnel.png", "Shanghai: funnel", PNG_SIGNATURE, "alt")
    channel, body, charts = unpack(pack("C1", {"text": "hi", CHARTS: [chart, bare]}))
    assert (channel, body, charts) == ("C1", {"text": "hi"}, [chart, bare])
    # A message kept before charts had notes still unpacks.
    old = pack("C1", {"text": "hi", CHARTS: [bare]})
    del old["charts"][0]["note"]
    assert unpack(old)[2] == [bare]


def test_a_missed_send_reads_in_the_admins_language_on_home(
    team: RunningBot, travel: Travel
) -> None:
    travel(WEDNESDAY_0901_NY)
    team.fake.fail_until("chat.postMessage", lambda: team.clock.now < THURSDAY, status=502)
    team.scheduler.tick()
    travel(THURSDAY + timedelta(hours=14, minutes=1))
    team.scheduler.tick()
    with team.db.reading() as session:
        stored = {d.last_error for d in deliveries.deliveries(session) if d.status == "missed"}
    assert stored == {"too late"}  # the ledger keeps English; Home words it for its reader
    shown = text_of(open_home(team, ADMIN))
    assert ":hourglass: missed: 2 messages (too late; latest" in shown
    team.ask("/lang", "zh", user=ADMIN)
    shown_zh = text_of(open_home(team, ADMIN))
    assert "too late" not in shown_zh
    assert "still failing" not in shown_zh
    assert "2 条消息（为时已晚；最近一次" in shown_zh


@pytest.mark.parametrize(
    ("stored", "english", "chinese"),
    [
        (
            "too late (useful until 10:30)",
            "too late (useful until 10:30)",
            "为时已晚（10:30 前有效）",
        ),
        ("too late", "too late", "为时已晚"),
        ("nothing kept to send late", "nothing kept to send late", "没有保存可补发的消息"),
    ],
)
def test_the_ledgers_stored_reasons_are_worded_per_reader(
    stored: str, english: str, chinese: str
) -> None:
    worded = ledger_error_text(stored)
    assert worded is not None
    assert (worded.render(ENGLISH), worded.render(CHINESE)) == (english, chinese)
    assert ledger_error_text("not_in_channel") is None  # Slack's codes stay codes


def test_a_runs_stored_errors_name_their_step_in_the_readers_language() -> None:
    stored = "recipients: KeyError; UREP001 (2026-11-18): SlackApiError; run: OperationalError"
    worded = run_errors_text(stored)
    assert "; ".join(render(ENGLISH, error) for error in worded) == (
        "listing the recipients: KeyError; UREP001 (2026-11-18): SlackApiError; "
        "the run stopped: OperationalError"
    )
    assert "; ".join(render(CHINESE, error) for error in worded) == (
        "列出收件人时出错：KeyError; UREP001 (2026-11-18): SlackApiError; "
        "运行中断：OperationalError"
    )
