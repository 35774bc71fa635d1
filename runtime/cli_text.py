"""What the command line prints, and the times it reads."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the scheduler loads only for the commands that run or list jobs
    from scheduler.delivery import RunReport
    from scheduler.health import JobStatus


def parse_instant(text: str) -> datetime:
    """An ISO 8601 time; one without an offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time, e.g. 2026-12-01T09:30:00+08:00"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def format_job_list(statuses: list[JobStatus]) -> str:
    lines = []
    for status in statuses:
        lines.append(f"{status.name}\n  {status.summary}")
        if status.next_send:
            waiting = ""
        elif status.last_finished:
            waiting = " (no recipients yet)"
        else:
            waiting = " (not run yet: its first run works it out)"
        lines.append(f"  next send: {_when(status.next_send)}{waiting}")
        if status.last_finished:
            extra = "".join(
                f", {label} {count}"
                for label, count in (
                    ("retrying", status.last_retrying),
                    ("missed", status.last_missed),
                )
                if count
            )
            errors = f", errors: {status.last_error}" if status.last_error else ""
            lines.append(
                f"  last run:  {_when(status.last_finished)}, sent {status.last_sent}, "
                f"failed {status.last_failed}{extra}{errors}"
            )
        for problem in status.problems:
            lines.append(
                f"  {problem.kind}: {problem.count} x {problem.error or 'unknown error'} "
                f"(latest {_when(problem.latest)}, e.g. {problem.example})\n"
                f"    what to do: {problem.what_to_do}"
            )
    return "\n".join(lines)


def format_run_report(report: RunReport) -> str:
    from scheduler.delivery import Outcome

    counts = ", ".join(
        f"{report.count(outcome)} {outcome.value}" for outcome in Outcome if report.count(outcome)
    )
    errors = "".join(f"\n  error: {error}" for error in report.errors)
    return f"{report.job}: {counts or 'no recipients'}{errors}"
