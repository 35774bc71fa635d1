"""Scheduler health, for `python bot.py jobs` and the admins' Home: each job's next and last
run, its counts and its latest problems, from the run records and one grouped ledger query,
however many people the jobs write to. Listing it needs neither the Slack client nor the
machinery that runs jobs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scheduler.job import Job
from scheduler.slack_errors import (
    WHAT_TO_DO_MISSED,
    has_advice,
    ledger_error_text,
    run_errors_text,
    what_to_do,
)
from store import deliveries
from store.db import Database
from translations import ENGLISH, Text, msg

# Health shows what went wrong this long back (permanent errors stay until fixed or older).
HEALTH_WINDOW = timedelta(days=7)
PROBLEMS_SHOWN = 3  # per job


@dataclass(frozen=True)
class JobProblem:
    """Messages of a job stuck for one reason, and what an admin can do about it."""

    kind: str  # "failed" (permanent), "missed", "retrying"
    error: str | None
    count: int
    latest: datetime
    example: str
    advice: Text  # rendered in the reader's language on the admins' Home
    # The error in words when the ledger stored a reason rather than a code (a missed send).
    error_text: Text | None = None

    @property
    def what_to_do(self) -> str:
        """The advice in English, for the command line and the logs."""
        return self.advice.render(ENGLISH)


@dataclass(frozen=True)
class JobStatus:
    name: str
    summary: Text
    next_send: datetime | None
    last_finished: datetime | None
    last_sent: int
    last_failed: int
    last_error: str | None
    last_retrying: int = 0
    last_missed: int = 0
    problems: list[JobProblem] = field(default_factory=list)
    # `last_error` for the admins' Home: each error, its step in the reader's words.
    last_errors: list[Text | str] = field(default_factory=list)


def job_statuses(db: Database, jobs: Iterable[Job], now: datetime) -> list[JobStatus]:
    """Each job's status. A job that never ran has no next send yet: its first run (the
    scheduler ticks on start) works it out."""
    with db.reading() as session:
        runs = deliveries.job_runs(session)
        found = deliveries.problems(session, now - HEALTH_WINDOW)
    statuses = []
    for job in jobs:
        name = job.name
        run = runs.get(name)
        statuses.append(
            JobStatus(
                name=name,
                summary=job.summary,
                next_send=run.next_send_at if run else None,
                last_finished=run.last_finished_at if run else None,
                last_sent=run.last_sent if run else 0,
                last_failed=run.last_failed if run else 0,
                last_error=run.last_error if run else None,
                last_retrying=run.last_retrying if run else 0,
                last_missed=run.last_missed if run else 0,
                problems=_problems_of(name, found),
                last_errors=run_errors_text(run.last_error) if run and run.last_error else [],
            )
        )
    return statuses


def _problems_of(job: str, found: list[deliveries.Problem]) -> list[JobProblem]:
    kinds = {deliveries.FAILED: "failed", deliveries.MISSED: "missed", deliveries.RETRY: "retrying"}
    problems = []
    for problem in found:
        if problem.job != job:
            continue
        if problem.status == deliveries.MISSED:
            advice = msg(WHAT_TO_DO_MISSED)
        elif problem.status == deliveries.RETRY and not has_advice(problem.error):
            advice = msg("Slack was unavailable; the bot keeps trying")
        else:
            advice = what_to_do(problem.error, problem.example)
        problems.append(
            JobProblem(
                kinds[problem.status],
                problem.error,
                problem.count,
                problem.latest,
                problem.example,
                advice,
                ledger_error_text(problem.error),
            )
        )
    return problems[:PROBLEMS_SHOWN]
