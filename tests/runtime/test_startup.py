"""Start-up tells the truth, seen as an operator sees it: `python bot.py` in a real
subprocess, in a directory with its own .env, and what it prints on stderr."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from tests.support.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
TOKENS = {
    "SLACK_BOT_TOKEN": "xoxb-1234-5678-abcdefghijkl",
    "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
}


def bot_env(workdir: Path, **settings: str) -> dict[str, str]:
    """Only what a shell has, plus `settings`: nothing from the test run leaks in."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env.update(settings)
    return env


def run_bot(workdir: Path, *args: str, timeout: float = 60, **settings: str):
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        cwd=workdir,
        env=bot_env(workdir, **settings),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_an_unedited_env_example_names_each_placeholder_and_touches_nothing(
    tmp_path: Path,
) -> None:
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = run_bot(tmp_path)
    assert result.returncode == 2
    assert lines(result.stderr) == [
        "salesbot cannot start; fix these settings (see .env.example):",
        "  - SLACK_BOT_TOKEN is still the example value 'xoxb-your-bot-token' from "
        ".env.example: paste your app's Bot User OAuth Token from https://api.slack.com/apps.",
        "  - SLACK_SIGNING_SECRET is still the example value 'your-signing-secret' from "
        ".env.example: paste your app's Signing Secret from https://api.slack.com/apps.",
    ]
    assert not (tmp_path / "salesbot.db").exists(), "migrations ran before the settings check"


def test_an_unreachable_slack_is_one_clear_line(tmp_path: Path, database_url: str) -> None:
    api = f"http://127.0.0.1:{closed_port()}/api/"
    result = run_bot(tmp_path, DATABASE_URL=database_url, SLACK_API_URL=api, **TOKENS)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    *start, last = lines(result.stderr)
    assert last.startswith(f"salesbot cannot reach Slack at {api}: ")
    assert "Connection refused" in last
    assert len(start) == 1
    assert " INFO salesbot: database " in start[0]
    assert "created (schema " in start[0]


def test_a_token_slack_refuses_is_one_clear_line(tmp_path: Path, database_url: str) -> None:
    with FakeSlack() as fake:
        fake.fail_next("auth.test", error="invalid_auth", status=200)
        result = run_bot(tmp_path, DATABASE_URL=database_url, SLACK_API_URL=fake.api_url, **TOKENS)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert lines(result.stderr)[-1] == (
        "Slack refused SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token again "
        "(OAuth & Permissions), and reinstall the app if needed."
    )


def test_jobs_run_needs_no_signing_secret(tmp_path: Path, database_url: str) -> None:
    with FakeSlack() as fake:
        result = run_bot(
            tmp_path,
            "jobs",
            "run",
            "daily_pacing",
            DATABASE_URL=database_url,
            SLACK_API_URL=fake.api_url,
            SLACK_BOT_TOKEN=TOKENS["SLACK_BOT_TOKEN"],
        )
    assert result.returncode == 0, result.stderr
    assert "SLACK_SIGNING_SECRET" not in result.stderr
    assert "Traceback" not in result.stderr


def test_a_normal_start_is_quiet_at_the_default_log_level(
    tmp_path: Path, database_url: str
) -> None:
    port = closed_port()
    with FakeSlack() as fake:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py")],
            cwd=tmp_path,
            env=bot_env(
                tmp_path,
                DATABASE_URL=database_url,
                SLACK_API_URL=fake.api_url,
                PORT=str(port),
                **TOKENS,
            ),
            stderr=subprocess.PIPE,
            text=True,
        )
        stderr: list[str] = []
        listening = threading.Event()

        def read() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                stderr.append(line)
                if "listening on port" in line:
                    listening.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            assert listening.wait(60), "".join(stderr)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            reader.join(timeout=5)
    shown = "".join(stderr)
    assert process.returncode == 0, shown
    assert "Traceback" not in shown
    assert "alembic" not in shown
    assert "token` will be unused" not in shown
    assert [line for line in lines(shown) if " INFO " not in line] == [], shown


def test_the_debug_log_level_still_shows_the_migrations(tmp_path: Path, database_url: str) -> None:
    result = run_bot(tmp_path, "db", "upgrade", DATABASE_URL=database_url, LOG_LEVEL="DEBUG")
    assert result.returncode == 0, result.stderr
    assert "Running upgrade" in result.stderr


def test_db_upgrade_says_what_changed_in_one_line(tmp_path: Path, database_url: str) -> None:
    first = run_bot(tmp_path, "db", "upgrade", DATABASE_URL=database_url)
    assert first.returncode == 0, first.stderr
    [line] = lines(first.stderr)
    assert " INFO salesbot: database " in line
    assert "created (schema " in line
    again = run_bot(tmp_path, "db", "upgrade", DATABASE_URL=database_url)
    assert lines(again.stderr) == []
