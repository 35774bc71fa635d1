"""`bot.py jobs` and `bot.py import`: the operator's view of the scheduler and bulk set-up."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.scheduler.conftest import MANAGER, WEDNESDAY_0901_NY
from tests.support.fake_slack import FakeSlack

pytestmark = pytest.mark.usefixtures("empty_environment", "restore_root_logger")


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture
def imported(database_url: str, empty_environment: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", database_url)
    teams = write(
        empty_environment / "teams.csv",
        f"team,slack_user_id,role\nEnterprise,{MANAGER},manager\nEnterprise,UREP001,member\n",
    )
    targets = write(
        empty_environment / "targets.csv",
        "scope,who,metric,amount,period\nperson,UREP001,visits,20,2026-11\n",
    )
    assert bot.main(["import", "teams", str(teams)]) == 0
    assert bot.main(["import", "targets", str(targets)]) == 0
    return empty_environment


def test_a_bad_import_lists_each_line_and_writes_nothing(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(
        imported / "bad.csv",
        "scope,who,metric,amount,period\nperson,UREP001,visits,lots,2026-11\nteam,Nope,visits,5,2026-11\n",
    )
    assert bot.main(["import", "targets", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err
    assert "line 2: amount" in err
    assert "line 3:" in err


def test_jobs_lists_each_job_with_its_next_send(
    imported: Path,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    assert bot.main(["jobs"]) == 0
    out = capsys.readouterr().out
    for name in ("daily_pacing", "manager_digest", "weekly_digest"):
        assert name in out
    # Read from the run records: a job's first run works out its next send.
    assert "next send: — (not run yet: its first run works it out)" in out
    assert "next send: 20" not in out
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    assert bot.main(["jobs", "run", "daily_pacing", "--at", WEDNESDAY_0901_NY.isoformat()]) == 0
    capsys.readouterr()
    assert bot.main(["jobs"]) == 0
    pacing = capsys.readouterr().out.split("daily_pacing", 1)[1].split("manager_digest", 1)[0]
    assert "next send: 20" in pacing


def test_dry_run_prints_without_posting_or_recording(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    at = WEDNESDAY_0901_NY.isoformat()
    assert bot.main(["jobs", "run", "daily_pacing", "--at", at, "--dry-run"]) == 0
    first = capsys.readouterr()
    assert "Your pacing for Wed 18 Nov 2026" in first.out
    assert "0 of 20" in first.out
    assert "1 shown (dry run)" in first.err
    # Nothing was recorded, so the same dry run shows it again.
    assert bot.main(["jobs", "run", "daily_pacing", "--at", at, "--dry-run"]) == 0
    assert "Your pacing for Wed 18 Nov 2026" in capsys.readouterr().out


def test_jobs_run_posts_once_through_the_same_path(
    imported: Path,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    at = WEDNESDAY_0901_NY.isoformat()
    assert bot.main(["jobs", "run", "daily_pacing", "--at", at]) == 0
    assert bot.main(["jobs", "run", "daily_pacing", "--at", at]) == 0
    [post] = fake_slack.calls("chat.postMessage")
    assert post.params["channel"] == "UREP001"
    assert "1 sent before" in capsys.readouterr().err


def test_an_unknown_job_is_named(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bot.main(["jobs", "run", "nope", "--dry-run"]) == 2
    assert "No job 'nope'" in capsys.readouterr().err


def test_jobs_shows_a_permanent_error_and_what_to_do(
    imported: Path,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    fake_slack.fail_next("chat.postMessage", status=200, error="user_not_found")
    at = WEDNESDAY_0901_NY.isoformat()
    assert bot.main(["jobs", "run", "daily_pacing", "--at", at]) == 0
    assert "1 failed, not retried" in capsys.readouterr().err
    assert bot.main(["jobs"]) == 0
    out = capsys.readouterr().out
    assert "last run:" in out
    assert "sent 0, failed 1" in out
    assert "failed: 1 x user_not_found" in out
    assert "what to do: that person left the workspace" in out
