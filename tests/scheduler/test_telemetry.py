"""The scheduler's Prometheus counters (default registry): runs, sends by outcome, the
ledger's backlog, Slack API errors and rate-limit waits."""

from __future__ import annotations

from prometheus_client import REGISTRY

from tests.conftest import RunningBot
from tests.scheduler.conftest import WEDNESDAY_0901_NY, Travel


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_runs_sends_errors_backlog_and_rate_limit_waits_are_counted(
    team: RunningBot, travel: Travel
) -> None:
    travel(WEDNESDAY_0901_NY)
    before = {
        "runs": sample("salesbot_job_runs_total", job="manager_digest", outcome="ok"),
        "sent": sample("salesbot_scheduled_sends_total", job="manager_digest", outcome="sent"),
        "retrying": sample(
            "salesbot_scheduled_sends_total", job="manager_digest", outcome="retrying"
        ),
        "errors": sample(
            "salesbot_slack_api_errors_total", method="chat.postMessage", error="ratelimited"
        ),
        "waits": sample("salesbot_slack_rate_limit_waits_total", method="chat.postMessage"),
    }
    # Four 429s: three waited out by the client, the fourth left for a later tick.
    team.fake.fail_next("chat.postMessage", status=429, retry_after=2, times=4)
    team.scheduler.run_job("manager_digest")  # one DM, to the manager
    after = {
        "runs": sample("salesbot_job_runs_total", job="manager_digest", outcome="ok"),
        "sent": sample("salesbot_scheduled_sends_total", job="manager_digest", outcome="sent"),
        "retrying": sample(
            "salesbot_scheduled_sends_total", job="manager_digest", outcome="retrying"
        ),
        "errors": sample(
            "salesbot_slack_api_errors_total", method="chat.postMessage", error="ratelimited"
        ),
        "waits": sample("salesbot_slack_rate_limit_waits_total", method="chat.postMessage"),
    }
    assert {name: after[name] - before[name] for name in before} == {
        "runs": 1,
        "sent": 0,
        "retrying": 1,
        "errors": 1,
        "waits": 3,
    }
    assert sample("salesbot_delivery_backlog", state="retry") == 1
    assert sample("salesbot_delivery_backlog", state="claimed") == 0
    assert sum(wait >= 2 for wait in team.sleeps) >= 3
