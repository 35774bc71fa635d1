"""A worker killed (SIGKILL) in the middle of a job, then run again: every message goes out
once. The real `python bot.py jobs run` as a subprocess, posts counted at the fake Slack."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import bot
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.scheduler.conftest import MANAGER
from tests.support.fake_slack import FakeSlack

pytestmark = pytest.mark.usefixtures("empty_environment", "restore_root_logger")

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = [f"UKILL{n:03d}" for n in range(30)]
FRIDAY_1601_NY = "2026-11-20T21:01:00+00:00"  # the case-review prompt is due for everyone


def accepted_posts(fake: FakeSlack) -> Counter[str]:
    """How many messages Slack accepted per conversation."""
    return Counter(
        call.params["channel"]
        for call in fake.calls("chat.postMessage")
        if (call.response or {}).get("ok")
    )


def jobs_run(environment: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bot.py"),
            "jobs",
            "run",
            "case_prompt",
            "--at",
            FRIDAY_1601_NY,
        ],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_job_killed_mid_run_and_run_again_sends_each_message_once(
    database_url: str,
    empty_environment: Path,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_slack.add_user(MANAGER, tz="America/New_York")
    for user in MEMBERS:
        fake_slack.add_user(user, tz="America/New_York")
    rows = "".join(f"Enterprise,{user},member\n" for user in MEMBERS)
    teams = empty_environment / "teams.csv"
    teams.write_text(f"team,slack_user_id,role\nEnterprise,{MANAGER},manager\n{rows}")
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert bot.main(["import", "teams", str(teams)]) == 0
    environment = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "MPLCONFIGDIR": str(empty_environment / "matplotlib"),
        "LOG_LEVEL": "WARNING",
    }
    # Slack is slow today: the kill lands with posts made but not yet answered.
    fake_slack.slow_down("chat.postMessage", 0.3)
    worker = jobs_run(environment, empty_environment)
    try:
        fake_slack.wait_for(lambda: len(fake_slack.calls("chat.postMessage")) >= 12, timeout=60)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=30)
    posted_before_kill = sum(accepted_posts(fake_slack).values())
    assert 12 <= posted_before_kill < len(MEMBERS), "the kill must land mid-job"

    fake_slack.slow_down("chat.postMessage", 0)
    started = time.monotonic()
    rerun = jobs_run(environment, empty_environment)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    # Recovered at once (the killed worker is known dead), not after its leases ran out.
    assert time.monotonic() - started < 60
    assert accepted_posts(fake_slack) == Counter(dict.fromkeys(MEMBERS, 1)), err
    assert "found sent before a crash" in err
