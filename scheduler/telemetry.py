"""Prometheus counters of the scheduler and its sends (prometheus_client's default registry;
`GET /metrics` exposes them)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

JOB_RUNS = Counter(
    "salesbot_job_runs", "Scheduled job runs, by job and outcome (ok, errors)", ["job", "outcome"]
)
SENDS = Counter(
    "salesbot_scheduled_sends",
    "Scheduled messages by job and outcome (sent, found, empty, retrying, failed, missed)",
    ["job", "outcome"],
)
LEDGER_BACKLOG = Gauge(
    "salesbot_delivery_backlog",
    "Delivery ledger rows not yet settled: claimed (being sent) and waiting to retry",
    ["state"],
)
SLACK_API_ERRORS = Counter(
    "salesbot_slack_api_errors", "Slack Web API errors on scheduled sends", ["method", "error"]
)
LEADER = Gauge("salesbot_scheduler_leader", "1 while this process is the scheduler leader")
