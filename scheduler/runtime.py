"""The scheduling runtime: APScheduler ticks every few minutes and runs each job."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from scheduler.delivery import Outcome, RunReport, deliver, next_send
from scheduler.job import Job
from scheduler.registry import all_jobs
from services.context import BotContext
from services.overrides import effective_context
from store import deliveries

log = logging.getLogger(__name__)
LEADER_LOCK = "salesbot-scheduler"


@dataclass(frozen=True)
class JobStatus:
    name: str
    summary: str
    next_send: datetime | None
    last_finished: datetime | None
    last_sent: int
    last_failed: int
    last_error: str | None


class Scheduler:
    """Runs `jobs`. Each run, tick and status first reads the settings in force (admins may
    change job hours and the holiday country from the Home tab); when they differ from the
    environment's, the jobs are rebuilt from them and see them in their context."""

    def __init__(self, ctx: BotContext, client: WebClient, jobs: Sequence[Job]) -> None:
        self.ctx = ctx
        self.client = client
        self.jobs = {job.name: job for job in jobs}
        self._background: BackgroundScheduler | None = None

    def current(self) -> tuple[BotContext, dict[str, Job]]:
        """The context with the settings in force, and the jobs built from them."""
        ctx = effective_context(self.ctx)
        if ctx is self.ctx:
            return ctx, self.jobs
        rebuilt = {job.name: job for job in all_jobs(ctx.settings)}
        return ctx, {name: rebuilt.get(name, job) for name, job in self.jobs.items()}

    def run_job(
        self, name: str, now: datetime | None = None, dry_run: TextIO | None = None
    ) -> RunReport:
        """Run one job as if at `now`: the same path the ticks take."""
        if name not in self.jobs:
            raise KeyError(name)
        ctx, jobs = self.current()
        return self._run(ctx, jobs[name], now, dry_run)

    def _run(
        self, ctx: BotContext, job: Job, now: datetime | None, dry_run: TextIO | None = None
    ) -> RunReport:
        name = job.name
        now = now or ctx.clock()
        report = RunReport(job=name)
        started = ctx.clock()
        try:
            recipients = job.recipients(ctx)
        except Exception as error:
            log.exception("job %s could not list its recipients", name)
            report.errors.append(f"recipients: {type(error).__name__}")
            recipients = []
        for recipient in recipients:
            try:
                outcome = deliver(ctx, self.client, job, recipient, now, dry_run=dry_run)
            except Exception as error:  # one recipient's failure never stops the others
                log.exception("job %s failed for %s", name, recipient.label)
                report.errors.append(f"{recipient.label}: {type(error).__name__}")
                outcome = Outcome.FAILED
            report.outcomes[recipient.label] = outcome
        if dry_run is None:
            self._record(report, started)
        return report

    def tick(self, now: datetime | None = None) -> list[RunReport]:
        """Run every job once, if no other bot process is ticking right now."""
        with self.ctx.db.exclusive(LEADER_LOCK) as leader:
            if not leader:
                log.debug("another process runs the scheduler; skipping this tick")
                return []
            ctx, jobs = self.current()
            return [self._run(ctx, job, now) for job in jobs.values()]

    def status(self, now: datetime | None = None) -> list[JobStatus]:
        ctx, jobs = self.current()
        now = now or ctx.clock()
        with ctx.db.reading() as session:
            runs = deliveries.job_runs(session)
        statuses = []
        for name, job in jobs.items():
            upcoming = [
                when
                for recipient in job.recipients(ctx)
                if (when := next_send(job, recipient, now)) is not None
            ]
            run = runs.get(name)
            statuses.append(
                JobStatus(
                    name=name,
                    summary=job.summary,
                    next_send=min(upcoming, default=None),
                    last_finished=run.last_finished_at if run else None,
                    last_sent=run.last_sent if run else 0,
                    last_failed=run.last_failed if run else 0,
                    last_error=run.last_error if run else None,
                )
            )
        return statuses

    def start(self, tick_minutes: int) -> None:
        """Tick in the background: now (to catch up after downtime), then every few minutes."""
        background = BackgroundScheduler(timezone="UTC")
        background.add_job(
            self._safe_tick,
            IntervalTrigger(minutes=tick_minutes),
            id="tick",
            next_run_time=datetime.now().astimezone(),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(timedelta(minutes=tick_minutes).total_seconds()),
        )
        background.start()
        self._background = background
        log.info("scheduler started: %s, every %s min", ", ".join(self.jobs), tick_minutes)

    def shutdown(self) -> None:
        if self._background is not None:
            self._background.shutdown(wait=True)
            self._background = None

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except Exception:
            log.exception("scheduler tick failed; the next tick tries again")

    def _record(self, report: RunReport, started: datetime) -> None:
        with self.ctx.db.transaction() as session:
            deliveries.record_run(
                session,
                report.job,
                started=started,
                finished=self.ctx.clock(),
                sent=report.count(Outcome.SENT),
                failed=report.count(Outcome.FAILED),
                error="; ".join(report.errors) or None,
            )
