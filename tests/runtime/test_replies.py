"""One reply path, durable: every answer is recorded in the outbox with its request's finish,
then sent (response_url while valid, else DM), retried while Slack fails, and looked up in
the DM's history before it is posted again after a crash.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from runtime.outbox import POST_IN_FLIGHT, reply_metadata
from store import replies
from store.db import Database
from store.models import OutboxReply
from store.replies import NewReply
from tests.conftest import REP, RunningBot
from tests.runtime.conftest import USERS
from tests.runtime.test_chaos import BotProcess, Burst, stored_tokens
from tests.support.fake_slack import FakeSlack
from tests.support.reading import text_of


def answered_at_urls(fake: FakeSlack) -> Counter[str]:
    return Counter(c.params["url"] for c in fake.calls("response_url") if c.status == 200)


def dms_with(fake: FakeSlack, needle: str, users: Iterable[str] = (REP,)) -> list[str]:
    """Texts of the DMs Slack kept (its history) that contain `needle`."""
    return [
        text_of(message)
        for user in users
        for message in fake.history("D" + user)
        if needle in text_of(message)
    ]


def all_sent(db: Database, timeout: float = 10) -> list[OutboxReply]:
    """Every reply, once each has its outcome recorded (Slack has it a moment before)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.reading() as session:
            if replies.unsent(session) == 0:
                break
        time.sleep(0.05)
    return all_replies(db)


def all_replies(db: Database) -> list[OutboxReply]:
    with db.reading() as session:
        return replies.all_replies(session)


def test_a_reply_slack_fails_for_a_while_is_sent_once_when_it_is_back(
    running_bot: RunningBot,
) -> None:
    fake = running_bot.fake
    down = threading.Event()
    down.set()
    fake.fail_until("response_url", down.is_set, status=500, error="internal_error")
    urls = [running_bot.command("/visit", f"Acme Corp: outage note {n}")[1] for n in range(6)]
    running_bot.settle()  # processed, each reply recorded and failed once
    assert answered_at_urls(fake) == Counter()
    down.clear()  # Slack is back
    deadline = time.monotonic() + 30

    def all_sent() -> bool:  # Slack has each reply, and the sender has recorded it
        rows = all_replies(running_bot.db)
        sent = all(row.outcome == replies.SENT_AT_RESPONSE_URL for row in rows)
        return sent and set(answered_at_urls(fake)) == set(urls)

    while not all_sent() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert answered_at_urls(fake) == Counter(dict.fromkeys(urls, 1))
    rows = all_replies(running_bot.db)
    assert all(row.outcome == replies.SENT_AT_RESPONSE_URL for row in rows)
    assert all(row.attempts >= 2 for row in rows), "each was retried after the outage"
    assert fake.calls("chat.postMessage") == []


def test_when_response_url_is_spent_and_dms_fail_the_reply_comes_by_dm_once_slack_is_back(
    running_bot: RunningBot,
) -> None:
    fake = running_bot.fake
    fake.fail_until("response_url", lambda: True, status=404, error="expired_url")
    down = threading.Event()
    down.set()
    fake.fail_until("chat.postMessage", down.is_set, status=500, error="internal_error")
    for n in range(4):
        response, _ = running_bot.command("/visit", f"Acme Corp: spent url note-{n}")
        assert response.status == 200
    running_bot.settle()  # each reply failed once, at the response_url and by DM
    assert dms_with(fake, "note-") == []
    down.clear()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all(len(dms_with(fake, f"note-{n}")) == 1 for n in range(4)):
            break
        time.sleep(0.1)
    for n in range(4):
        [dm] = dms_with(fake, f"note-{n}")
        assert "Visit logged" in dm
    outcomes = [row.outcome for row in all_sent(running_bot.db)]
    assert outcomes == [replies.SENT_BY_DM] * 4


def test_a_dm_posted_before_a_crash_is_found_in_history_and_not_posted_again(
    running_bot: RunningBot,
) -> None:
    """The sender died after chat.postMessage and before recording it: the next attempt
    finds the message by the reply's key in the DM's history."""
    fake, db = running_bot.fake, running_bot.db
    asked = datetime.now(UTC) - timedelta(minutes=1)
    key = "command:cut-off#0:1"
    fake.add_history_message("D" + REP, "Visit logged: Acme Corp", metadata=reply_metadata(key))
    with db.transaction() as session:
        replies.record(
            session, [NewReply(key, REP, None, {"text": "Visit logged: Acme Corp"}, asked)], asked
        )
        [row] = replies.all_replies(session)
        row.dm_posted_at = asked  # a post was under way when the sender died
    running_bot.worker.replies.wake()
    running_bot.settle()
    [row] = all_replies(db)
    assert row.outcome == replies.FOUND_IN_HISTORY
    assert fake.calls("chat.postMessage") == []
    assert fake.calls("conversations.history"), "it looked before posting"


def test_a_dm_cut_off_moments_ago_is_looked_for_only_once_it_can_no_longer_arrive(
    running_bot: RunningBot,
) -> None:
    """The sender died a second after starting to post: that post may still be reaching
    Slack, so neither the history nor a new post is tried until the call's timeout has
    run out; then it is found, and recorded as sent."""
    fake, db = running_bot.fake, running_bot.db
    posted = datetime.now(UTC) - timedelta(seconds=1)
    key = "command:in-flight#0:1"
    with db.transaction() as session:
        replies.record(
            session, [NewReply(key, REP, None, {"text": "Visit logged"}, posted)], posted
        )
        [row] = replies.all_replies(session)
        row.dm_posted_at = posted
    running_bot.worker.replies.wake()
    running_bot.settle()
    [row] = all_replies(db)
    assert row.sent_at is None
    assert row.retry_at is not None
    assert row.retry_at.replace(tzinfo=UTC) == posted + POST_IN_FLIGHT
    assert fake.calls("conversations.history") == []
    assert fake.calls("chat.postMessage") == []
    # Slack had it after all; once the post can no longer be on its way, it is found.
    fake.add_history_message("D" + REP, "Visit logged", metadata=reply_metadata(key))
    with db.transaction() as session:
        [row] = replies.all_replies(session)
        row.retry_at = row.dm_posted_at = posted - POST_IN_FLIGHT
    running_bot.worker.replies.wake()
    deadline = time.monotonic() + 10
    while all_replies(db)[0].sent_at is None and time.monotonic() < deadline:
        time.sleep(0.01)
    [row] = all_replies(db)
    assert row.outcome == replies.FOUND_IN_HISTORY
    assert fake.calls("chat.postMessage") == []


def test_a_reply_recorded_twice_is_one_reply(running_bot: RunningBot) -> None:
    """A replay after a crash records the same answers under the same keys."""
    running_bot.worker.stop()
    now = datetime.now(UTC)
    reply = NewReply("command:t1#0:1", REP, None, {"text": "hello"}, now)
    with running_bot.db.transaction() as session:
        assert len(replies.record(session, [reply], now)) == 1
    with running_bot.db.transaction() as session:
        assert replies.record(session, [reply], now) == []
    assert len(all_replies(running_bot.db)) == 1


def test_a_bot_killed_while_it_sends_dms_answers_every_acked_command_once(
    chaos_env: tuple[FakeSlack, dict[str, str]], database_url: str, tmp_path: Path
) -> None:
    """Every response_url is spent, so each answer is a DM; Slack keeps each post (its
    history) before answering slowly, so the kill cuts posts off before they are recorded.
    After the restart each acknowledged command has exactly one DM."""
    fake, env = chaos_env
    fake.fail_until("response_url", lambda: True, status=404, error="expired_url")
    fake.slow_down("chat.postMessage", 0.3)
    bot = BotProcess(None, env, tmp_path / "bot.log").start()
    burst = Burst(fake)
    try:
        burst.run(bot.url, 120, kill_after=40, kill=lambda: _kill_once_posting(fake, bot))
        assert 40 <= len(burst.acked) < 120, "the kill came too late to test anything"
        bot = BotProcess(None, env, tmp_path / "bot.log", port=bot.port).start()
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if all(dms_with(fake, f"token-{n:04d}", USERS) for n in burst.acked):
                break
            time.sleep(0.2)
        time.sleep(1)  # anything posted twice would show by now
        stored = stored_tokens(database_url)
        assert set(burst.acked) <= set(stored)
        counts = {n: len(dms_with(fake, f"token-{n:04d}", USERS)) for n in burst.acked}
        assert {n: c for n, c in counts.items() if c != 1} == {}, "each acked command: one DM"
        db = Database(database_url)
        try:
            # The cut-off posts are looked for once they can no longer be on their way.
            settled = all_sent(db, timeout=POST_IN_FLIGHT.total_seconds() + 10)
            outcomes = Counter(row.outcome for row in settled)
        finally:
            db.dispose()
        assert outcomes[replies.FOUND_IN_HISTORY] >= 1, f"no post was cut off: {outcomes}"
    finally:
        bot.stop()


def _kill_once_posting(fake: FakeSlack, bot: BotProcess) -> None:
    """Kill the bot once DMs are being posted (some in Slack, not yet answered)."""
    deadline = time.monotonic() + 20
    while len(fake.calls("chat.postMessage")) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    bot.kill()
