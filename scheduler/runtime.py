"""The scheduling runtime: APScheduler ticks every few minutes and runs each job.

Among any number of processes sharing one database, one is the scheduler's leader and
ticks; the others stand by and take over when it dies (on PostgreSQL, a session-level
advisory lock held on the leader's own connection). On SQLite every process may tick and
the delivery ledger alone keeps each send exactly-once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from scheduler import telemetry
from scheduler.delivery import Outcome, RunReport, earliest_send, run_deliveries
from scheduler.health import JobStatus, job_statuses
from scheduler.job import Job
from scheduler.registry import all_jobs
from services.overrides import effective_context
from store import deliveries
from store.db import Leadership, background_writes

if TYPE_CHECKING:
    from services.context import BotContext

log = logging.getLogger(__name__)
LEADER_LOCK = "salesbot-scheduler"


class Scheduler:
    """Runs `jobs`. Each run, tick and status first reads the settings in force (admins may
    change job hours and the holiday country from the Home tab); when they differ from the
    environment's, the jobs are rebuilt from them and see them in their context."""

    def __init__(self, ctx: BotContext, client: WebClient, jobs: Sequence[Job]) -> None:
        self.ctx = ctx
        self.client = client
        self.jobs = {job.name: job for job in jobs}
        self._background: BackgroundScheduler | None = None
        self._leadership: Leadership = ctx.db.leadership(LEADER_LOCK)

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
        with background_writes():  # on SQLite, people's writes go before a job's
            return self._run_job(ctx, job, now, dry_run)

    def _run_job(
        self, ctx: BotContext, job: Job, now: datetime | None, dry_run: TextIO | None
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
        try:
            run_deliveries(ctx, self.client, job, recipients, now, report, dry_run=dry_run)
        except Exception as error:  # e.g. the database went away mid-run: the next tick resumes
            log.exception("job %s stopped mid-run", name)
            report.errors.append(f"run: {type(error).__name__}")
        if dry_run is None:
            report.next_send = earliest_send(job, recipients, now)
            self._record(report, started)
        return report

    def tick(self, now: datetime | None = None) -> list[RunReport]:
        """Run every job once, if this process is the scheduler's leader."""
        leader = self._leadership.hold()
        telemetry.LEADER.set(1 if leader else 0)
        if not leader:
            log.debug("another process leads the scheduler; standing by")
            return []
        ctx, jobs = self.current()
        return [self._run(ctx, job, now) for job in jobs.values()]

    @property
    def is_leader(self) -> bool:
        return self._leadership.held

    def status(self, now: datetime | None = None) -> list[JobStatus]:
        """Each job's next and last run, counts and latest problems (see `job_statuses`)."""
        ctx, jobs = self.current()
        return job_statuses(ctx.db, jobs.values(), now or ctx.clock())

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
        self._leadership.release()

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except Exception:
            log.exception("scheduler tick failed; the next tick tries again")

    def _record(self, report: RunReport, started: datetime) -> None:
        counts = deliveries.RunCounts(
            sent=report.count(Outcome.SENT, Outcome.FOUND),
            failed=report.count(Outcome.FAILED, Outcome.ERROR),
            retrying=report.count(Outcome.RETRYING, Outcome.WAITING, Outcome.DEFERRED),
            missed=report.count(Outcome.MISSED),
        )
        with self.ctx.db.transaction() as session:
            deliveries.record_run(
                session,
                report.job,
                started=started,
                finished=self.ctx.clock(),
                counts=counts,
                error="; ".join(report.errors) or None,
                next_send=report.next_send,
            )
            backlog = deliveries.backlog(session)
        telemetry.JOB_RUNS.labels(report.job, "errors" if report.errors else "ok").inc()
        telemetry.LEDGER_BACKLOG.labels("claimed").set(backlog.get(deliveries.SENDING, 0))
        telemetry.LEDGER_BACKLOG.labels("retry").set(backlog.get(deliveries.RETRY, 0))
